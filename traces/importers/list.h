// The built-in importers, one line each, in sniffing order (the most specific formats first).
// Adding an importer: a folder traces/importers/<name>/ whose sources define
// `const Importer& <name>_importer();` (CMake picks up every .cpp in such a folder), and one line
// here. Included twice by importers.cpp (declarations, then the list): no include guard.
RAFTER_IMPORTER(kineto)
RAFTER_IMPORTER(nsys)
RAFTER_IMPORTER(native)
RAFTER_IMPORTER(ncu_csv)
