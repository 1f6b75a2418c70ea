// The built-in importers, one line each, in sniffing order (the most specific formats first).
// Adding an importer: a folder traces/importers/<folder>/ whose sources define
// `const Importer& <id>_importer();` (CMake picks up every .cpp in such a folder), and the line
// RAFTER_IMPORTER(<id>) here. <id> names the function; the folder may be named for the tool
// (ncu/ defines ncu_csv_importer). Included twice by importers.cpp (declarations, then the list): no include guard.
RAFTER_IMPORTER(kineto)
RAFTER_IMPORTER(nsys)
RAFTER_IMPORTER(native)
RAFTER_IMPORTER(ncu_csv)
