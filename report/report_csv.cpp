#include "report/report_csv.h"

#include <string>
#include <vector>

#include "core/json_writer.h"

namespace rafter {

std::string csv_field(std::string_view s) {
    // Control bytes other than line breaks (a NUL from a BLOB name) break CSV readers: shown as '?'.
    bool control = false;
    for (char c : s) control = control || (static_cast<unsigned char>(c) < 0x20 && c != '\r' && c != '\n' && c != '\t');
    if (!control && s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        bool ctl = static_cast<unsigned char>(c) < 0x20 && c != '\r' && c != '\n' && c != '\t';
        out += ctl ? '?' : c;
    }
    out += '"';
    return out;
}

namespace {

std::string num(std::optional<double> v) { return v ? format_double(*v) : std::string(); }
std::string num(const Value& v) { return v.has() ? format_double(v.value) : std::string(); }

void write_row(std::ostream& out, const std::vector<std::string>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out << ',';
        out << fields[i];
    }
    out << "\r\n";
}

} // namespace

void CsvReporter::write(const RooflineReport& r, std::ostream& out) const {
    std::vector<std::string> header = {"rank", "name", "op", "input_dims", "input_types", "invocations",
                                       "launches", "time_s", "time_share"};
    for (size_t k = 0; k < kFlopKinds; ++k) header.push_back(std::string("flops_") + to_string(static_cast<FlopKind>(k)));
    header.push_back("flops_total");
    for (size_t l = 0; l < kMemLevels; ++l) header.push_back(std::string("bytes_") + to_string(static_cast<MemLevel>(l)));
    for (const char* h : {"ai_l1", "ai_l2", "ai_dram", "flop_rate", "dram_bytes_rate", "bound", "bound_time_s",
                          "efficiency", "floor_time_s", "reason", "time_provenance", "flops_provenance",
                          "bytes_provenance", "collective", "collective_ranks", "link", "link_bandwidth",
                          "message_bytes", "bus_bytes", "link_time_s", "algbw", "busbw"})
        header.push_back(h);
    write_row(out, header);

    for (size_t i = 0; i < r.groups.size(); ++i) {
        const GroupMetrics& g = r.groups[i];
        bool op_group = is_op_grouping(r.group_by);
        bool counts_calls = op_group || r.group_by == GroupBy::region;
        std::vector<std::string> f = {std::to_string(i + 1),
                                      csv_field(g.name),
                                      op_group ? csv_field(g.op) : "",
                                      op_group ? csv_field(g.input_dims) : "",
                                      op_group ? csv_field(g.input_types) : "",
                                      counts_calls ? std::to_string(g.invocations) : "",
                                      std::to_string(g.launches),
                                      num(g.time_s),
                                      num(g.time_share)};
        for (const Value& v : g.flops) f.push_back(num(v));
        f.push_back(num(g.flops_total));
        for (const Value& v : g.bytes) f.push_back(num(v));
        for (MemLevel l : {MemLevel::l1, MemLevel::l2, MemLevel::dram}) f.push_back(num(g.ai[static_cast<size_t>(l)]));
        f.push_back(num(g.flop_rate));
        const Value& dram = g.bytes[static_cast<size_t>(MemLevel::dram)];
        f.push_back(dram.has() && g.time_s && *g.time_s > 0 ? format_double(dram.value / *g.time_s) : "");
        f.push_back(g.bound == Bound::unknown ? "" : to_string(g.bound));
        f.push_back(num(g.bound_time_s));
        f.push_back(num(g.efficiency));
        f.push_back(num(g.floor_time_s));
        f.push_back(csv_field(g.reason));
        f.push_back(to_string(g.time_prov));
        f.push_back(to_string(g.flops_prov));
        f.push_back(to_string(g.bytes_prov));
        f.push_back(g.collective);
        f.push_back(g.collective_ranks > 0 ? std::to_string(g.collective_ranks) : "");
        f.push_back(g.link);
        for (const auto& v : {g.link_bandwidth, g.message_bytes, g.bus_bytes, g.link_time_s, g.algbw, g.busbw})
            f.push_back(num(v));
        write_row(out, f);
    }
}

} // namespace rafter
