#include "analysis/clock_align.h"

#include <algorithm>
#include <map>

#include "analysis/breakdown.h"

namespace rafter {

namespace {

using Sequences = std::map<std::string, std::vector<int64_t>>;  // key -> end times in order

Sequences collective_sequences(const Trace& t) {
    Sequences out;
    for (const auto& [key, calls] : comm_kernel_spans(t)) {
        auto& ends = out[key];
        for (const CommKernelSpan& c : calls) ends.push_back(c.end_ns);
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
constexpr int64_t kToleranceNs = 100000;  // collectives end within 100 us of each other across ranks
constexpr size_t kMaxPerKey = 4096;       // bounds the search on very long traces

// For one key: the differences ref[k + s] - other[k] for every index shift s, sorted.
struct KeyPairs {
    std::vector<int> shifts;
    std::vector<std::vector<int64_t>> diffs;
};

KeyPairs pairs_for_key(const std::vector<int64_t>& ref, const std::vector<int64_t>& other) {
    KeyPairs p;
    size_t n_other = std::min(other.size(), kMaxPerKey);
    for (int s = -kMaxShift; s <= kMaxShift; ++s) {
        std::vector<int64_t> d;
        for (size_t k = 0; k < n_other; ++k) {
            int64_t j = static_cast<int64_t>(k) + s;
            if (j < 0 || j >= static_cast<int64_t>(std::min(ref.size(), kMaxPerKey))) continue;
            d.push_back(ref[static_cast<size_t>(j)] - other[k]);
        }
        if (d.empty()) continue;
        std::sort(d.begin(), d.end());
        p.shifts.push_back(s);
        p.diffs.push_back(std::move(d));
    }
    return p;
}

size_t count_within(const std::vector<int64_t>& sorted, int64_t c) {
    auto lo = std::lower_bound(sorted.begin(), sorted.end(), c - kToleranceNs);
    auto hi = std::upper_bound(sorted.begin(), sorted.end(), c + kToleranceNs);
    return static_cast<size_t>(hi - lo);
}

// Pairs that agree with a candidate offset c: per key, the shift with the most differences
// within the tolerance of c (so each collective is used once).
size_t support(const std::vector<KeyPairs>& keys, int64_t c) {
    size_t total = 0;
    for (const KeyPairs& k : keys) {
        size_t best = 0;
        for (const auto& d : k.diffs) best = std::max(best, count_within(d, c));
        total += best;
    }
    return total;
}

struct Consensus {
    std::vector<int64_t> inliers;
    std::vector<int64_t> shifts;  // the shift chosen per key
};

// The offset most matched collectives agree on. Each difference is a candidate; the one with the
// largest support wins (ties: the smaller |offset|, i.e. the recorded clocks are preferred).
// Profiles that recorded different subsets of the collectives (sampled or filtered traces, a
// window that starts mid-iteration) still agree on the pairs that do correspond, while a pure
// k-th-to-k-th median would mix them with unrelated pairs.
Consensus consensus(const std::vector<KeyPairs>& keys) {
    size_t best_support = 0;
    int64_t best_c = 0;
    for (const KeyPairs& k : keys)
        for (const auto& d : k.diffs)
            for (int64_t c : d) {
                size_t s = support(keys, c);
                if (s > best_support || (s == best_support && std::llabs(c) < std::llabs(best_c))) {
                    best_support = s;
                    best_c = c;
                }
            }
    Consensus out;
    for (const KeyPairs& k : keys) {
        size_t best = 0, best_i = 0;
        for (size_t i = 0; i < k.diffs.size(); ++i) {
            size_t n = count_within(k.diffs[i], best_c);
            if (n > best || (n == best && n > 0 && std::abs(k.shifts[i]) < std::abs(k.shifts[best_i]))) {
                best = n;
                best_i = i;
            }
        }
        if (best == 0) continue;
        for (int64_t x : k.diffs[best_i])
            if (x >= best_c - kToleranceNs && x <= best_c + kToleranceNs) out.inliers.push_back(x);
        out.shifts.push_back(k.shifts[best_i]);
    }
    return out;
}

} // namespace

std::map<std::string, std::vector<CommKernelSpan>> comm_kernel_spans(const Trace& t) {
    // Per kernel row: its collective's process group (kNoString: none), and whether a
    // collective links it. StringIds keep this at 4 bytes a row on traces of millions of kernels.
    std::vector<StringId> group_of_row(t.kernels.size(), kNoString);
    std::vector<bool> linked(t.kernels.size(), false);
    for (const CollectiveRow& c : t.collectives) {
        if (c.kernel_row >= t.kernels.size()) continue;
        linked[c.kernel_row] = true;
        group_of_row[c.kernel_row] = c.process_group;
    }
    struct Item {
        int64_t start, end;
        size_t row;
    };
    std::map<std::string, std::vector<Item>> items;
    const KernelTable& k = t.kernels;
    std::vector<int8_t> comm_of_name(t.strings.size(), -1);  // classify each distinct name once
    for (size_t row = 0; row < k.size(); ++row) {
        if (k.start_ns[row] == 0 && k.end_ns[row] == 0) continue;
        std::string_view name = t.strings.get(k.name[row]);
        int8_t& comm = comm_of_name[k.name[row]];
        if (comm < 0) comm = is_communication_kernel(name) ? 1 : 0;
        if (!linked[row] && comm == 0) continue;
        std::string key = collective_type_from_kernel(name);
        if (group_of_row[row] != kNoString) key += "@" + std::string(t.strings.get(group_of_row[row]));
        items[key].push_back({k.start_ns[row], k.end_ns[row], row});
    }
    std::map<std::string, std::vector<CommKernelSpan>> out;
    for (auto& [key, v] : items) {
        std::sort(v.begin(), v.end(), [](const Item& a, const Item& b) {
            return a.start != b.start ? a.start < b.start : a.row < b.row;
        });
        auto& calls = out[key];
        for (const Item& it : v) calls.push_back({it.start + t.meta.base_time_ns, it.end + t.meta.base_time_ns});
    }
    return out;
}

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
        std::vector<KeyPairs> keys;
        for (const auto& [key, ends] : seqs[i]) {
            auto it = ref.find(key);
            if (it == ref.end()) continue;
            keys.push_back(pairs_for_key(it->second, ends));
        }
        Consensus c = consensus(keys);
        // One agreeing pair proves nothing: any two collectives give some difference.
        if (c.inliers.size() < 2) continue;
        int64_t med = median(c.inliers);
        a.offset_ns[i] = med;
        a.matched[i] = c.inliers.size();
        a.spread_ns[i] = mad(c.inliers, med);
        a.shift[i] = static_cast<int32_t>(median(c.shifts));
        a.method[i] = "collectives";
    }
    return a;
}

} // namespace rafter
