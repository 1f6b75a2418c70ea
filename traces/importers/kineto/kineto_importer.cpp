// The driver of the Kineto importer: walks the top-level JSON object as a stream, hands each
// element of "traceEvents" to the tokenizer (kineto_json) and the interpreter (kineto_events),
// and parses the small top-level objects (deviceProperties, distributedInfo) with simdjson.
#include "traces/importers/kineto/kineto_importer.h"

#include <cmath>

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "core/error.h"
#include "traces/gzip_stream.h"
#include "traces/importers/kineto/kineto_events.h"
#include "traces/importers/kineto/kineto_json.h"

namespace rafter {

namespace {
using kineto::Lexer;
using kineto::NeedMore;
using kineto::SyntaxError;

constexpr size_t kReadChunk = 256 * 1024;            // bytes added per refill: stays in L2
constexpr size_t kInitialWindow = 1024 * 1024;
constexpr size_t kMaxWindow = 256ull * 1024 * 1024;  // one event or top-level value at most
constexpr uint64_t kReserveAfter = 512ull * 1024;  // JSON bytes read before sizing the tables

// A window of the JSON text with a NUL sentinel after the last byte. The buffer is left
// uninitialized: only the bytes read (and the padding) are ever touched, so a small input
// costs a page, not the whole capacity.
class Window {
public:
    Window(ChunkSource& src, const ImportProgress& progress) : src_(src), progress_(progress) {
        // Small inputs get a small window (cheap under sanitizers and fuzzing); it grows on demand.
        uint64_t expect = src.compressed() ? src.stored_size() * 16 : src.stored_size() + 1;
        allocate(static_cast<size_t>(std::clamp<uint64_t>(expect, 4096, kInitialWindow)));
    }

    const char* begin() const { return buf_.get(); }
    const char* end() const { return buf_.get() + len_; }
    uint64_t offset_of(const char* p) const { return base_ + static_cast<uint64_t>(p - buf_.get()); }
    uint64_t total_read() const { return base_ + len_; }

    // Drops everything before `keep_from`, moves the rest to the front and appends more input.
    // Returns the new address of `keep_from`, or nullptr at the end of the input.
    const char* refill(const char* keep_from) {
        size_t drop = static_cast<size_t>(keep_from - buf_.get());
        size_t keep = len_ - drop;
        if (drop) std::memmove(buf_.get(), keep_from, keep);
        base_ += drop;
        len_ = keep;
        if (capacity_ - len_ < std::min(kReadChunk / 2, capacity_ / 2)) {
            if (capacity_ >= kMaxWindow)
                throw Error(ExitCode::bad_input,
                            "a single JSON value is larger than " + std::to_string(kMaxWindow >> 20) + " MiB",
                            {src_.name(), PositionKind::byte_offset, base_});
            allocate(std::min(capacity_ * 2, kMaxWindow));
        }
        // Read at least as much as was kept, so that a value spanning many chunks is re-parsed
        // O(log n) times rather than once per chunk.
        size_t want = std::min(std::max(kReadChunk, keep), capacity_ - len_);
        size_t got = eof_ ? 0 : src_.read(buf_.get() + len_, want);
        if (got == 0) eof_ = true;
        len_ += got;
        progress_.report(src_.stored_bytes_consumed());  // once per chunk: the bar by stored bytes
        std::memset(buf_.get() + len_, 0, kineto::kWindowPadding);
        return got ? buf_.get() : nullptr;
    }

private:
    void allocate(size_t capacity) {
        std::unique_ptr<char[]> bigger(new char[capacity + kineto::kWindowPadding]);
        if (len_) std::memcpy(bigger.get(), buf_.get(), len_);
        buf_ = std::move(bigger);
        capacity_ = capacity;
        std::memset(buf_.get() + len_, 0, kineto::kWindowPadding);
    }

    ChunkSource& src_;
    const ImportProgress& progress_;
    std::unique_ptr<char[]> buf_;
    size_t capacity_ = 0;
    size_t len_ = 0;
    uint64_t base_ = 0;
    bool eof_ = false;
};

class Reader {
public:
    Reader(ChunkSource& src, const ImportOptions& options, Trace& trace)
        : src_(src), win_(src, options.progress), lx_(win_.begin(), win_.end()), opt_(options),
          sink_(trace, options, src.name(), src.compressed()) {
        win_.refill(win_.begin());
        lx_ = Lexer(win_.begin(), win_.end());
    }

    void run(KinetoReadStats* stats);

private:
    // Runs `f` from the current position; when it runs into the end of the window, refills
    // (keeping the text from where `f` started) and runs it again.
    template <class F>
    auto attempt(F&& f) -> decltype(f()) {
        for (;;) {
            const char* start = lx_.pos();
            try {
                return f();
            } catch (const NeedMore&) {
                const char* moved = win_.refill(start);
                if (!moved) truncated();
                lx_ = Lexer(moved, win_.end());
            } catch (const SyntaxError& e) {
                syntax(e);
            }
        }
    }

    [[noreturn]] void truncated() const {
        std::string where = in_events_ ? " inside event " + std::to_string(event_index_) : "";
        throw Error(ExitCode::bad_input,
                    "unexpected end of the JSON text" + where + " (truncated file?)",
                    {src_.name(), PositionKind::byte_offset, win_.total_read()});
    }
    [[noreturn]] void syntax(const SyntaxError& e) const {
        std::string where = in_events_ ? " (in event " + std::to_string(event_index_) + ")" : "";
        std::string note = src_.compressed() ? "; the offset counts decompressed bytes" : "";
        throw Error(ExitCode::bad_input, std::string("invalid JSON: ") + e.what + where + note,
                    {src_.name(), PositionKind::byte_offset, win_.offset_of(e.at)});
    }
    [[noreturn]] void fail_at(const char* at, const std::string& what) const {
        throw Error(ExitCode::bad_input, what, {src_.name(), PositionKind::byte_offset, win_.offset_of(at)});
    }

    void read_events();
    void reserve();
    void skip_streaming();
    void read_top_value(const std::string& key);
    void expect_end();

    ChunkSource& src_;
    Window win_;
    Lexer lx_;
    const ImportOptions& opt_;
    kineto::EventSink sink_;
    kineto::TopLevel top_;
    kineto::RawEvent ev_;
    bool in_events_ = false;
    bool reserved_ = false;
    uint64_t event_index_ = 0;
};

void Reader::run(KinetoReadStats* stats) {
    attempt([&] {
        if (std::string_view(lx_.pos(), 3) == "\xEF\xBB\xBF") lx_.set_pos(lx_.pos() + 3);  // UTF-8 BOM
        lx_.ws();
        if (lx_.peek() != '{')
            throw SyntaxError{lx_.pos(), "a Kineto trace is a JSON object ('{' expected)"};
        lx_.set_pos(lx_.pos() + 1);
        lx_.ws();
    });
    bool empty = attempt([&] {
        if (lx_.peek() != '}') return false;
        lx_.set_pos(lx_.pos() + 1);
        return true;
    });
    while (!empty) {
        std::string key = attempt([&] {
            if (lx_.peek() != '"') throw SyntaxError{lx_.pos(), "expected a string key in the top-level object"};
            bool escaped = false;
            std::string_view k = lx_.string_body(&escaped);
            lx_.ws();
            lx_.expect(':', "expected ':' after a top-level key");
            lx_.ws();
            (void)lx_.peek();
            return std::string(k);
        });
        if (key == "traceEvents") {
            read_events();
            top_.saw_trace_events = true;
        } else if (key == "deviceProperties" || key == "distributedInfo" ||
                   key == "baseTimeNanoseconds" || key == "schemaVersion") {
            read_top_value(key);
        } else {
            skip_streaming();
        }
        char c = attempt([&] {
            lx_.ws();
            char d = lx_.peek();
            if (d != ',' && d != '}') throw SyntaxError{lx_.pos(), "expected ',' or '}' in the top-level object"};
            lx_.set_pos(lx_.pos() + 1);
            if (d == ',') lx_.ws();
            return d;
        });
        if (c == '}') break;
    }
    expect_end();
    if (!top_.saw_trace_events)
        throw Error(ExitCode::bad_input,
                    "no \"traceEvents\" array: not a Kineto/Chrome trace (top-level keys were read to the end)",
                    {src_.name(), PositionKind::byte_offset, win_.total_read()});
    sink_.finish(top_);
    if (stats) {
        stats->events = sink_.events();
        stats->json_bytes = win_.total_read();
        stats->file_bytes = src_.stored_bytes_read();
    }
}

void Reader::read_events() {
    char first = attempt([&] { return lx_.peek(); });
    if (first != '[') fail_at(lx_.pos(), "\"traceEvents\" must be an array");
    lx_.set_pos(lx_.pos() + 1);
    bool done = attempt([&] {
        lx_.ws();
        if (lx_.peek() != ']') return false;
        lx_.set_pos(lx_.pos() + 1);
        return true;
    });
    in_events_ = true;
    const bool want_python = opt_.include_python_events;
    while (!done) {
        uint64_t offset = 0;
        attempt([&] {
            offset = win_.offset_of(lx_.pos());
            kineto::parse_event(lx_, ev_, want_python);
        });
        sink_.add(ev_, event_index_, offset);  // views into the window are valid until the next refill
        ++event_index_;
        if (!reserved_ && win_.total_read() >= kReserveAfter) reserve();
        done = attempt([&] {
            lx_.ws();
            char d = lx_.peek();
            if (d == ',') { lx_.set_pos(lx_.pos() + 1); lx_.ws(); return false; }
            if (d == ']') { lx_.set_pos(lx_.pos() + 1); return true; }
            throw SyntaxError{lx_.pos(), "expected ',' or ']' after an event"};
        });
    }
    in_events_ = false;
}

// Once a few MB are read, the share of the file consumed so far predicts the final table
// sizes; reserving them once avoids the copies (and page faults) of geometric growth.
void Reader::reserve() {
    reserved_ = true;
    // JSON bytes parsed so far vs. file bytes behind them (compressed input read ahead excluded).
    uint64_t consumed = src_.stored_bytes_consumed();
    if (src_.stored_size() == 0 || consumed == 0) return;
    double done = static_cast<double>(consumed) / static_cast<double>(src_.stored_size());
    // The window holds parsed and unparsed bytes: scale by the share already parsed.
    double parsed = static_cast<double>(win_.offset_of(lx_.pos())) / static_cast<double>(win_.total_read());
    done *= parsed;
    if (done <= 0 || done >= 0.9) return;
    sink_.reserve_more(std::min(1.25 / done, 1e5));
}

// Skips a top-level value of any size chunk by chunk (e.g. a long "INFO" log), tracking only
// string/escape state and nesting depth, so it never needs to fit in the window.
void Reader::skip_streaming() {
    char c = attempt([&] { return lx_.peek(); });
    if (c != '{' && c != '[' && c != '"') {
        attempt([&] { lx_.value(); });
        return;
    }
    int depth = 0;
    bool in_string = false, escape = false;
    const char* p = lx_.pos();
    for (;;) {
        const char* e = win_.end();
        for (; p < e; ++p) {
            char ch = *p;
            if (in_string) {
                if (escape) escape = false;
                else if (ch == '\\') escape = true;
                else if (ch == '"') {
                    in_string = false;
                    if (depth == 0) { lx_.set_pos(p + 1); return; }
                }
                continue;
            }
            if (ch == '"') in_string = true;
            else if (ch == '{' || ch == '[') ++depth;
            else if (ch == '}' || ch == ']') {
                if (--depth == 0) { lx_.set_pos(p + 1); return; }
            } else if (ch == '\0') {
                fail_at(p, "invalid JSON: unexpected NUL byte");
            }
        }
        const char* moved = win_.refill(e);
        if (!moved) truncated();
        p = moved;
        lx_ = Lexer(moved, win_.end());
    }
}

void Reader::read_top_value(const std::string& key) {
    const char* at = nullptr;
    uint64_t offset = 0;
    kineto::JValue v = attempt([&] {
        at = lx_.pos();
        offset = win_.offset_of(at);
        return lx_.value();
    });
    auto bad = [&](const std::string& what) {
        throw Error(ExitCode::bad_input, "\"" + key + "\": " + what,
                    {src_.name(), PositionKind::byte_offset, offset});
    };
    if (key == "baseTimeNanoseconds" || key == "schemaVersion") {
        int64_t x;
        if (v.type != kineto::JType::number || !kineto::to_int64(v.text, x))
            bad(std::string("must be an integer, got ") + kineto::to_string(v.type));
        (key == "schemaVersion" ? top_.schema_version : top_.base_time_ns) = x;
        return;
    }
    simdjson::dom::parser parser;
    simdjson::padded_string text(v.text);
    simdjson::dom::element doc;
    if (parser.parse(text).get(doc)) bad("invalid JSON");
    auto get_int = [&](simdjson::dom::element obj, const char* field, int64_t lo, int64_t hi) -> std::optional<int64_t> {
        simdjson::dom::element x;
        if (obj[field].get(x)) return std::nullopt;
        if (x.is_null()) return std::nullopt;
        int64_t i;
        if (x.get_int64().get(i)) {
            double d;
            // Range first: casting a double beyond int64 (1e32) is undefined behaviour.
            if (x.get_double().get(d) || !(d >= -9.2e18 && d <= 9.2e18) || d != std::floor(d))
                bad(std::string("'") + field + "' must be an integer in range");
            i = static_cast<int64_t>(d);
        }
        if (i < lo || i > hi) bad(std::string("'") + field + "' is out of range");
        return i;
    };
    if (key == "distributedInfo") {
        if (!doc.is_object()) bad("must be an object");
        if (auto r = get_int(doc, "rank", -1, INT32_MAX)) top_.rank = static_cast<int32_t>(*r);
        if (auto w = get_int(doc, "world_size", 0, INT32_MAX)) top_.world_size = static_cast<int32_t>(*w);
        if (top_.rank && top_.world_size && *top_.rank >= 0 && *top_.world_size > 0 && *top_.rank >= *top_.world_size)
            bad("'rank' " + std::to_string(*top_.rank) + " is not below 'world_size' " + std::to_string(*top_.world_size));
        return;
    }
    // deviceProperties: [{"id": 0, "name": "...", "computeMajor": 8, ...}, ...]
    simdjson::dom::array arr;
    if (doc.get_array().get(arr)) bad("must be an array");
    top_.has_device_properties = true;
    for (simdjson::dom::element d : arr) {
        if (!d.is_object()) bad("entries must be objects");
        DeviceInfo info;
        info.id = static_cast<int32_t>(get_int(d, "id", INT32_MIN, INT32_MAX).value_or(-1));
        std::string_view name;
        if (!d["name"].get_string().get(name)) info.name = std::string(name);
        info.cc_major = static_cast<int>(get_int(d, "computeMajor", 0, 1000).value_or(0));
        info.cc_minor = static_cast<int>(get_int(d, "computeMinor", 0, 1000).value_or(0));
        info.total_memory = static_cast<uint64_t>(get_int(d, "totalGlobalMem", 0, INT64_MAX).value_or(0));
        info.sm_count = static_cast<int>(get_int(d, "numSms", 0, 1 << 20).value_or(0));
        top_.devices.push_back(std::move(info));
    }
}

void Reader::expect_end() {
    for (;;) {
        const char* p = lx_.pos();
        while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') ++p;
        if (p < win_.end()) {
            if (*p == '\0') fail_at(p, "invalid JSON: unexpected NUL byte");
            fail_at(p, "invalid JSON: unexpected data after the end of the top-level object");
        }
        const char* moved = win_.refill(p);
        if (!moved) return;
        lx_ = Lexer(moved, win_.end());
    }
}

Trace read_source(ChunkSource& src, const ImportOptions& options, KinetoReadStats* stats) {
    Trace trace;
    Reader reader(src, options, trace);
    reader.run(stats);
    return trace;
}

class KinetoImporter final : public Importer {
public:
    std::string_view name() const override { return "kineto"; }
    std::string_view description() const override { return "PyTorch profiler (Kineto) traces (.json, .json.gz)"; }
    bool sniff(std::string_view head, std::string_view) const override { return looks_like_kineto(head); }
    Trace read(const std::vector<std::string>& paths, const ImportOptions& options) const override {
        if (paths.size() != 1)
            throw Error(ExitCode::usage, "the Kineto importer reads one file per trace");
        return read_kineto_file(paths.front(), options);
    }
};
} // namespace

Trace read_kineto_file(const std::string& path, const ImportOptions& options, KinetoReadStats* stats) {
    ChunkSource src = ChunkSource::open_file(path);
    return read_source(src, options, stats);
}

Trace read_kineto_bytes(std::string_view bytes, const std::string& origin, const ImportOptions& options,
                        KinetoReadStats* stats) {
    ChunkSource src = ChunkSource::from_memory(bytes, origin);
    return read_source(src, options, stats);
}

bool looks_like_kineto(std::string_view head) {
    size_t i = 0;
    if (head.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte order mark
    while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
    if (i >= head.size() || head[i] != '{') return false;
    for (std::string_view key : {"\"traceEvents\"", "\"schemaVersion\"", "\"deviceProperties\"",
                                 "\"baseTimeNanoseconds\"", "\"distributedInfo\""})
        if (head.find(key) != std::string_view::npos) return true;
    return false;
}

const Importer& kineto_importer() {
    static const KinetoImporter instance;
    return instance;
}

} // namespace rafter
