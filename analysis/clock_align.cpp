#include "analysis/clock_align.h"

#include <algorithm>
#include <map>

#include "analysis/breakdown.h"

namespace rafter {

namespace {

using Sequences = std::map<std::string, std::vector<int64_t>>;  // key -> end times in order

// The communication kernels' end times on the trace's absolute clock, keyed for matching.
Sequences collective_sequences(const Trace& t) {
    std::vector<std::string> group_of_row(t.kernels.size());
    std::vector<bool> linked(t.kernels.size(), false);
    for (const CollectiveRow& c : t.collectives) {
        if (c.kernel_row >= t.kernels.size()) continue;
        linked[c.kernel_row] = true;
        if (c.process_group != kNoString) group_of_row[c.kernel_row] = std::string(t.strings.get(c.process_group));
    }
    struct Item {
        int64_t start, end;
        size_t row;
    };
    std::map<std::string, std::vector<Item>> items;
    const KernelTable& k = t.kernels;
    for (size_t row = 0; row < k.size(); ++row) {
        if (k.start_ns[row] == 0 && k.end_ns[row] == 0) continue;
        std::string_view name = t.strings.get(k.name[row]);
        if (!linked[row] && !is_communication_kernel(name)) continue;
        std::string key = collective_type_from_kernel(name);
        if (!group_of_row[row].empty()) key += "@" + group_of_row[row];
        items[key].push_back({k.start_ns[row], k.end_ns[row], row});
    }
    Sequences out;
    for (auto& [key, v] : items) {
        std::sort(v.begin(), v.end(), [](const Item& a, const Item& b) {
            return a.start != b.start ? a.start < b.start : a.row < b.row;
        });
        auto& ends = out[key];
        for (const Item& it : v) ends.push_back(it.end + t.meta.base_time_ns);
    }
    return out;
}

int64_t median(std::vector<int64_t> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    if (n % 2) return v[n / 2];
    // Mean of the middle pair, rounded toward the lower one.
    int64_t a = v[n / 2 - 1], b = v[n / 2];
    return a + (b - a) / 2;
}

int64_t mad(const std::vector<int64_t>& v, int64_t m) {
    std::vector<int64_t> d;
    d.reserve(v.size());
    for (int64_t x : v) d.push_back(x > m ? x - m : m - x);
    return median(std::move(d));
}

constexpr int kMaxShift = 8;

struct KeyMatch {
    std::vector<int64_t> diffs;
    int shift = 0;
};

// The differences ref[k + s] - other[k] for the shift s that makes them tightest (smallest MAD,
// then most pairs, then the smallest |s|).
KeyMatch match_key(const std::vector<int64_t>& ref, const std::vector<int64_t>& other) {
    KeyMatch best;
    int64_t best_mad = INT64_MAX;
    for (int s = -kMaxShift; s <= kMaxShift; ++s) {
        std::vector<int64_t> d;
        for (size_t k = 0; k < other.size(); ++k) {
            int64_t j = static_cast<int64_t>(k) + s;
            if (j < 0 || j >= static_cast<int64_t>(ref.size())) continue;
            d.push_back(ref[static_cast<size_t>(j)] - other[k]);
        }
        // Require most of the shorter sequence to take part, so that a large shift cannot win by
        // matching one pair.
        size_t shorter = std::min(ref.size(), other.size());
        if (d.empty() || d.size() * 2 < shorter) continue;
        int64_t m = mad(d, median(d));
        bool better = m < best_mad || (m == best_mad && d.size() > best.diffs.size()) ||
                      (m == best_mad && d.size() == best.diffs.size() && std::abs(s) < std::abs(best.shift));
        if (better) {
            best_mad = m;
            best.diffs = std::move(d);
            best.shift = s;
        }
    }
    return best;
}

} // namespace

std::string collective_type_from_kernel(std::string_view name) {
    for (std::string_view prefix : {"ncclDevKernel_", "ncclKernel_", "rcclKernel_", "ncclDevKernelDebug_"}) {
        size_t p = name.find(prefix);
        if (p == std::string_view::npos) continue;
        std::string_view rest = name.substr(p + prefix.size());
        size_t e = rest.find_first_of("_(<");
        return std::string(rest.substr(0, e));
    }
    size_t e = name.find_first_of("(<");
    return std::string(name.substr(0, e));
}

ClockAlignment align_clocks(const std::vector<Trace>& traces) {
    ClockAlignment a;
    size_t n = traces.size();
    a.offset_ns.assign(n, 0);
    a.matched.assign(n, 0);
    a.spread_ns.assign(n, 0);
    a.shift.assign(n, 0);
    a.method.assign(n, "recorded clocks");
    if (n == 0) return a;
    // The reference is rank 0 when present, else the first trace.
    for (size_t i = 0; i < n; ++i)
        if (traces[i].meta.rank == 0) { a.reference = i; break; }
    a.method[a.reference] = "reference";
    // base_time_ns puts relative timestamps on an absolute clock; the offsets are corrections of
    // those absolute clocks to the reference's.
    std::vector<Sequences> seqs;
    seqs.reserve(n);
    for (const Trace& t : traces) seqs.push_back(collective_sequences(t));
    const Sequences& ref = seqs[a.reference];
    for (size_t i = 0; i < n; ++i) {
        if (i == a.reference) continue;
        std::vector<int64_t> all;
        std::vector<int64_t> shifts;
        for (const auto& [key, ends] : seqs[i]) {
            auto it = ref.find(key);
            if (it == ref.end()) continue;
            KeyMatch m = match_key(it->second, ends);
            if (m.diffs.empty()) continue;
            all.insert(all.end(), m.diffs.begin(), m.diffs.end());
            shifts.push_back(m.shift);
        }
        if (all.empty()) continue;
        int64_t med = median(all);
        a.offset_ns[i] = med;
        a.matched[i] = all.size();
        a.spread_ns[i] = mad(all, med);
        a.shift[i] = static_cast<int32_t>(median(std::vector<int64_t>(shifts.begin(), shifts.end())));
        a.method[i] = "collectives";
    }
    return a;
}

} // namespace rafter
