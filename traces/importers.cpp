// The importer registry (traces/importers/list.h), sniffing and grouping of input files.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/progress.h"
#include "traces/importer.h"
#include "traces/input_file.h"

namespace rafter {

// Each importer folder defines one of these, e.g. `const Importer& ncu_csv_importer();`.
#define RAFTER_IMPORTER(name) const Importer& name##_importer();
#include "traces/importers/list.h"
#undef RAFTER_IMPORTER

const std::vector<const Importer*>& importers() {
    static const auto* list = new std::vector<const Importer*>{
#define RAFTER_IMPORTER(name) &name##_importer(),
#include "traces/importers/list.h"
#undef RAFTER_IMPORTER
    };
    return *list;
}

const Importer* find_importer(std::string_view name) {
    for (const Importer* imp : importers())
        if (imp->name() == name) return imp;
    return nullptr;
}

std::string input_formats_text() {
    std::string s;
    const auto& list = importers();
    for (size_t i = 0; i < list.size(); ++i) {
        if (i > 0) s += i + 1 == list.size() ? " or " : ", ";
        s += list[i]->description();
    }
    return s;
}

static std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const auto& in : inputs) {
        std::error_code ec;
        if (fs::is_directory(in, ec)) {
            std::vector<std::string> found;
            for (const auto& e : fs::directory_iterator(in, ec))
                if (e.is_regular_file()) found.push_back(e.path().string());
            std::sort(found.begin(), found.end());
            if (found.empty()) throw Error(ExitCode::bad_input, "directory has no files", {in});
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(in, ec)) {
            files.push_back(in);
        } else {
            throw Error(ExitCode::bad_input, "no such file or directory", {in});
        }
    }
    return files;
}

namespace {

// Standard input ("-") and pipes (a FIFO, bash's <(...)) are copied to a temporary regular file
// first: the importers map or seek their inputs. A FIFO is opened without blocking, so one with no
// writer reads as empty instead of hanging. The copies are removed when the import ends.
class Spooled {
public:
    ~Spooled() {
        for (const auto& [tmp, shown] : names_) ::unlink(tmp.c_str());
    }
    // The path to read for `input`: itself, or a copy of the stream.
    std::string path_for(const std::string& input) {
        namespace fs = std::filesystem;
        std::error_code ec;
        bool is_stdin = input == "-";
        if (!is_stdin) {
            auto st = fs::status(input, ec);
            if (ec || !fs::exists(st) || fs::is_regular_file(st) || fs::is_directory(st)) return input;
        }
        int in = is_stdin ? 0 : ::open(input.c_str(), O_RDONLY | O_NONBLOCK);
        if (in < 0) throw Error(ExitCode::bad_input, std::string("cannot open: ") + std::strerror(errno), {input});
        if (!is_stdin) ::fcntl(in, F_SETFL, ::fcntl(in, F_GETFL) & ~O_NONBLOCK);  // a writer may still be writing
        const char* dir = std::getenv("TMPDIR");
        std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/rafter-input-XXXXXX";
        int out = ::mkstemp(tmpl.data());
        if (out < 0) {
            if (!is_stdin) ::close(in);
            throw Error(ExitCode::io_error, std::string("cannot create a temporary copy: ") + std::strerror(errno), {tmpl});
        }
        names_.emplace_back(tmpl, is_stdin ? std::string("(stdin)") : input);
        std::vector<char> buf(1 << 20);
        for (;;) {
            ssize_t n = ::read(in, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                ::close(out);
                if (!is_stdin) ::close(in);
                throw Error(ExitCode::bad_input, std::string("read failed: ") + std::strerror(errno), {input});
            }
            if (n == 0) break;
            if (::write(out, buf.data(), static_cast<size_t>(n)) != n) {
                ::close(out);
                if (!is_stdin) ::close(in);
                throw Error(ExitCode::io_error, "cannot write a temporary copy of the input (disk full?)", {tmpl});
            }
        }
        ::close(out);
        if (!is_stdin) ::close(in);
        return tmpl;
    }
    // The name to show for a path (the input as given, "(stdin)" for -).
    std::string shown(const std::string& path) const {
        for (const auto& [tmp, name] : names_)
            if (tmp == path) return name;
        return path;
    }
    bool empty() const { return names_.empty(); }

private:
    std::vector<std::pair<std::string, std::string>> names_;
};

// Reads each group (one trace) on up to options.jobs threads, tasks taken in input order. The
// traces come back in group order, and the error thrown is the first failing group's, so the
// result never depends on the thread count or on scheduling. With several threads the bar
// advances per finished group (importers' own reports would interleave).
std::vector<Trace> read_groups(const std::vector<std::pair<const Importer*, std::vector<std::string>>>& groups,
                               const std::vector<uint64_t>& group_bytes, Progress& bar, const ImportOptions& options) {
    size_t jobs = options.jobs > 0 ? static_cast<size_t>(options.jobs)
                                   : std::max<size_t>(1, std::thread::hardware_concurrency());
    jobs = std::min(jobs, groups.size());
    std::vector<Trace> traces(groups.size());
    if (jobs <= 1) {
        ImportOptions group_options = options;
        group_options.progress.bar = bar.active() ? &bar : nullptr;
        for (size_t i = 0; i < groups.size(); ++i) {
            traces[i] = groups[i].first->read(groups[i].second, group_options);
            group_options.progress.base += group_bytes[i];
            group_options.progress.report(0);
        }
        return traces;
    }
    ImportOptions group_options = options;
    group_options.progress = {};
    std::vector<std::exception_ptr> errors(groups.size());
    std::atomic<size_t> next{0};
    std::atomic<size_t> first_failed{SIZE_MAX};  // groups after it need not be read
    std::mutex bar_mutex;
    uint64_t done = 0;
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < groups.size();) {
            if (i > first_failed.load()) continue;
            try {
                traces[i] = groups[i].first->read(groups[i].second, group_options);
            } catch (...) {
                errors[i] = std::current_exception();
                size_t f = first_failed.load();
                while (i < f && !first_failed.compare_exchange_weak(f, i)) {
                }
            }
            std::lock_guard<std::mutex> lock(bar_mutex);
            done += group_bytes[i];
            bar.update(done);
        }
    };
    std::vector<std::thread> threads;
    for (size_t t = 1; t < jobs; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    return traces;
}

} // namespace

std::vector<Trace> load_traces(const std::vector<std::string>& inputs, const ImportOptions& options) {
    if (inputs.empty()) throw_usage_error("no input files given");
    Spooled spooled;
    std::vector<std::string> given;
    for (const auto& in : inputs) given.push_back(spooled.path_for(in));
    try {
        std::vector<Trace> traces = load_trace_files(given, options);
        for (auto& t : traces)
            for (auto& f : t.meta.source_files) f = spooled.shown(f);
        return traces;
    } catch (const Error& e) {
        if (spooled.empty() || spooled.shown(e.where().file) == e.where().file) throw;
        SourcePosition where = e.where();
        where.file = spooled.shown(where.file);
        throw Error(e.code(), e.message(), where);
    }
}

std::vector<Trace> load_trace_files(const std::vector<std::string>& inputs, const ImportOptions& options) {
    std::vector<std::string> files = expand_inputs(inputs);
    // Group files by importer, keeping the user's order within each group.
    std::vector<std::pair<const Importer*, std::vector<std::string>>> groups;
    for (const auto& f : files) {
        std::string head = read_head(f);
        if (head.empty()) throw Error(ExitCode::bad_input, "empty file", {f});
        const Importer* chosen = nullptr;
        for (const Importer* imp : importers())
            if (imp->sniff(head, f)) { chosen = imp; break; }
        if (!chosen)
            throw Error(ExitCode::bad_input, "unrecognized input format (expected " + input_formats_text() + ")", {f});
        if (chosen->merges_files()) {
            auto it = std::find_if(groups.begin(), groups.end(),
                                   [&](const auto& g) { return g.first == chosen; });
            if (it != groups.end()) { it->second.push_back(f); continue; }
        }
        groups.push_back({chosen, {f}});
    }
    // One bar over all inputs, by bytes as stored. Importers report within their group; the
    // group's end is reported here too, so formats without a hook still advance per file.
    std::vector<uint64_t> group_bytes;
    uint64_t total = 0;
    for (const auto& g : groups) {
        uint64_t bytes = 0;
        for (const auto& f : g.second) bytes += file_size(f);
        group_bytes.push_back(bytes);
        total += bytes;
    }
    Progress::Env env;
    env.check_every = 1;
    if (options.progress_out) {
        env.out = options.progress_out;
        env.terminal = true;
    }
    Progress bar("import", total, "B", !options.quiet, options.progress_delay_s, env);
    std::vector<Trace> traces = read_groups(groups, group_bytes, bar, options);
    bar.finish();
    // Two inputs that claim the same rank would give two rows of one rank without a word.
    std::map<int32_t, size_t> first_of_rank;
    for (size_t i = 0; i < traces.size(); ++i) {
        if (traces[i].meta.rank < 0) continue;
        auto [it, added] = first_of_rank.emplace(traces[i].meta.rank, i);
        if (added) continue;
        auto name = [](const Trace& t) {
            return t.meta.source_files.empty() ? std::string("(unnamed)") : t.meta.source_files.front();
        };
        const Trace& first = traces[it->second];
        traces[i].diagnostics.add(Severity::warning, "import.duplicate_rank",
                                  name(traces[i]) + " and " + name(first) + " both record rank " +
                                      std::to_string(traces[i].meta.rank) +
                                      " (two runs, or files of one rank given twice?); they are shown as "
                                      "separate rows of that rank");
    }
    return traces;
}

} // namespace rafter
