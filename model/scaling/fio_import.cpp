#include "model/scaling/fio_import.h"

#include <cctype>
#include <optional>
#include <string>

#include "core/text.h"
#include "model/scaling/scenario_json.h"

namespace rafter {

namespace {

// fio sizes: "4k", "128KiB", "1M", "1048576" (kb_base 1024); "4k,64k" is read,write.
std::optional<double> fio_size(std::string_view s) {
    std::string t = to_lower(trim(s.substr(0, s.find(','))));
    if (ends_with(t, "ib")) t.resize(t.size() - 2);
    else if (t.size() > 1 && t.back() == 'b' && std::isalpha(static_cast<unsigned char>(t[t.size() - 2])))
        t.pop_back();
    double mult = 1;
    if (!t.empty()) {
        switch (t.back()) {
        case 'k': mult = 1024; break;
        case 'm': mult = 1024.0 * 1024; break;
        case 'g': mult = 1024.0 * 1024 * 1024; break;
        default: break;
        }
        if (mult != 1) t.pop_back();
    }
    auto v = parse_number(t);
    if (!v || *v <= 0) return std::nullopt;
    return *v * mult;
}

} // namespace

IoProfile parse_fio_json(std::string_view json, const std::string& origin) {
    simdjson::dom::parser parser;
    simdjson::padded_string text(json);
    json_in::Object root = json_in::parse_root(parser, text, origin);
    auto jobs = root.array("jobs");
    if (!jobs) json_in::fail(origin, "missing required field jobs (is this fio --output-format=json output?)");
    std::optional<json_in::Object> global = root.object("global options");

    IoProfile p;
    p.source = "fio: " + origin;
    p.o_direct = std::nullopt;
    double seq = 0, rnd = 0, iops = 0, rblock = 0;
    bool have_seq = false, have_rnd = false;
    size_t i = 0;
    for (auto e : *jobs) {
        std::string path = "jobs[" + std::to_string(i++) + "]";
        simdjson::dom::object jo;
        if (e.get_object().get(jo)) json_in::fail(origin, path + " must be an object");
        json_in::Object job(jo, path, origin);
        auto opts = job.object("job options");
        auto option = [&](std::string_view k) -> std::optional<std::string> {
            if (opts)
                if (auto v = opts->string(k)) return v;
            if (global)
                if (auto v = global->string(k)) return v;
            return std::nullopt;
        };
        std::string rw = to_lower(option("rw").value_or(option("readwrite").value_or("read")));
        auto read = job.object("read");
        if (!read) continue;
        double bw = 0;
        if (auto b = read->number("bw_bytes")) bw = *b;
        else if (auto k = read->number("bw")) bw = *k * 1024;  // KiB/s
        if (bw <= 0) continue;                                  // a write-only job
        if (auto d = option("direct")) p.o_direct = (*d == "1" || *d == "true");
        bool random = rw.find("rand") != std::string::npos;
        if (random) {
            have_rnd = true;
            rnd += bw;
            iops += read->number("iops").value_or(0);
            auto bs = option("bs");
            auto sz = bs ? fio_size(*bs) : std::optional<double>(4096);
            if (!sz) json_in::fail(origin, path + ".job options.bs: cannot read block size '" + *bs + "'");
            rblock = *sz;
        } else {
            have_seq = true;
            seq += bw;
        }
    }
    if (!have_seq && !have_rnd) json_in::fail(origin, "no fio job with read bandwidth");
    if (have_seq) p.seq_read_bw = seq;
    if (have_rnd) {
        p.rand_read_bw = rnd;
        if (iops > 0) p.rand_read_iops = iops;
        p.rand_block_bytes = rblock;
    }
    p.notes = "from fio; file open rate not measured by fio";
    return p;
}

} // namespace rafter
