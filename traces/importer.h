#pragma once
// One importer per input format, each in its own folder (traces/importers/<format>/) behind this
// interface, registered by one line in traces/importers/list.h, as Perfetto's trace_processor does. Tokenizing bytes is kept separate
// from interpreting events inside each importer.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "traces/trace.h"

namespace rafter {

class Progress;

// Progress of one load_traces call over all its inputs, in bytes of the files as stored
// (compressed bytes for gzip). Importers call report() with the bytes of their own files
// consumed so far, per chunk or per file, never per event; without a bar it does nothing.
struct ImportProgress {
    Progress* bar = nullptr;
    uint64_t base = 0;  // bytes of the inputs read before this importer's files
    void report(uint64_t group_bytes) const;
};

struct ImportOptions {
    // GPU architecture ("volta", "ampere", "hopper", ...) used to turn instruction counters into
    // FLOPs when the input does not say (ncu CC column). Set from --machine.
    std::string arch;
    // Kineto python_function events are skipped by default, except nn.Module calls.
    bool include_python_events = false;
    bool quiet = false;                  // --quiet: no progress bar on stderr
    // Where the bar draws when not quiet: nullptr is stderr, and only when it is a terminal; a
    // stream given here is drawn to whatever it is (the Python API's sys.stderr in a notebook).
    std::ostream* progress_out = nullptr;
    double progress_delay_s = 2.0;       // short imports stay silent
    // Threads importing files in parallel (one file, or one merged group, per task); 0: one per
    // core. The traces and any error are the same for every count (docs/architecture.md).
    int jobs = 0;
    ImportProgress progress = {};        // set by load_traces for the importers
};

class Importer {
public:
    virtual ~Importer() = default;
    virtual std::string_view name() const = 0;  // "ncu-csv", "kineto", "nsys-sqlite", "rafter"
    // What users call the inputs, for help texts and errors: "Nsight Compute CSV exports".
    virtual std::string_view description() const = 0;
    // head: the first bytes of the file (decompressed when gzip), at most 64 KiB.
    virtual bool sniff(std::string_view head, std::string_view path) const = 0;
    // true: all files of this format given together form one trace (ncu metric-per-file runs).
    virtual bool merges_files() const { return false; }
    // Reads the files into one trace. Throws rafter::Error naming the file and position.
    virtual Trace read(const std::vector<std::string>& paths, const ImportOptions& options) const = 0;
};

// The built-in importers, in sniffing order.
const std::vector<const Importer*>& importers();
const Importer* find_importer(std::string_view name);
// The importers' descriptions as one list, in registry order: "A, B, C or D".
std::string input_formats_text();

// Inputs may be files or directories (a directory contributes its regular files, sorted).
// Files are sniffed and grouped by importer; a merging importer gets all its files at once.
// Returns one trace per rank file (or per merged group). Throws on unknown formats.
// "-" reads standard input; pipes (FIFOs, <(...)) are read without hanging when no writer is
// there; both are copied to a temporary file first and named "(stdin)" / the path given.
std::vector<Trace> load_traces(const std::vector<std::string>& inputs, const ImportOptions& options);
// The same for inputs that are files or directories only (load_traces first copies "-" and pipes).
std::vector<Trace> load_trace_files(const std::vector<std::string>& inputs, const ImportOptions& options);

} // namespace rafter
