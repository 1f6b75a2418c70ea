#include "profiler/gpu/launch_join.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <string_view>
#include <vector>

#include "traces/native_format.h"

namespace rafter::profiler {

namespace fs = std::filesystem;

namespace {

std::map<int32_t, std::vector<size_t>> launches_by_device(const KernelTable& k, const std::vector<uint64_t>& key) {
    std::map<int32_t, std::vector<size_t>> out;
    for (size_t i = 0; i < k.size(); ++i) out[k.device[i]].push_back(i);
    for (auto& [dev, rows] : out)
        std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return key[a] < key[b]; });
    return out;
}

std::string pair_key(const Trace& t, const std::string& path, bool& ranked) {
    ranked = t.meta.rank >= 0;
    if (ranked) return t.meta.host + "/rank" + std::to_string(t.meta.rank);
    (void)path;
    return t.meta.host;
}

} // namespace

JoinStats join_counters_into_time(Trace& time, const Trace& counters, size_t window) {
    JoinStats st;
    auto t_dev = launches_by_device(time.kernels, time.kernels.correlation);
    auto c_dev = launches_by_device(counters.kernels, counters.kernels.launch_id);
    auto t_name = [&](size_t r) { return time.strings.get(time.kernels.name[r]); };
    auto c_name = [&](size_t r) { return counters.strings.get(counters.kernels.name[r]); };

    for (auto& [dev, c_rows] : c_dev) {
        auto it = t_dev.find(dev);
        if (it == t_dev.end()) {
            st.only_counters += c_rows.size();
            continue;
        }
        const auto& t_rows = it->second;
        size_t i = 0, j = 0;
        while (i < t_rows.size() && j < c_rows.size()) {
            if (t_name(t_rows[i]) == c_name(c_rows[j])) {
                const size_t tr = t_rows[i], cr = c_rows[j];
                for (size_t f = 0; f < kFlopKinds; ++f)
                    if (auto v = counters.kernels.flops[f].get(cr); v.has()) time.kernels.flops[f].set(tr, v, time.kernels.size());
                for (size_t b = 0; b < kMemLevels; ++b)
                    if (auto v = counters.kernels.bytes[b].get(cr); v.has()) time.kernels.bytes[b].set(tr, v, time.kernels.size());
                ++st.matched;
                ++i;
                ++j;
                continue;
            }
            ++st.name_mismatches;
            // Smallest skip (in either run) that brings the names back into agreement.
            size_t best_di = 0, best_dj = 0, best = window + 1;
            for (size_t d = 1; d <= window; ++d) {
                if (j + d < c_rows.size() && t_name(t_rows[i]) == c_name(c_rows[j + d]) && d < best) {
                    best = d; best_di = 0; best_dj = d;
                }
                if (i + d < t_rows.size() && t_name(t_rows[i + d]) == c_name(c_rows[j]) && d < best) {
                    best = d; best_di = d; best_dj = 0;
                }
                if (best <= d) break;
            }
            if (best > window) { best_di = 1; best_dj = 1; }  // no agreement nearby: drop this pair
            st.only_time += best_di;
            st.only_counters += best_dj;
            i += best_di;
            j += best_dj;
        }
        st.only_time += t_rows.size() - i;
        st.only_counters += c_rows.size() - j;
    }
    for (auto& [dev, t_rows] : t_dev)
        if (!c_dev.count(dev)) st.only_time += t_rows.size();

    time.diagnostics.merge(counters.diagnostics);
    time.diagnostics.add(Severity::info, "profile.joined",
                         "counters from a second (kernel replay) run were joined onto the timed kernels by launch order and name",
                         st.matched);
    if (st.name_mismatches)
        time.diagnostics.add(Severity::warning, "profile.join_name_mismatch",
                             "the timed and the counted run launched different kernels at some positions "
                             "(non-deterministic launches?); the join resynchronized by name",
                             st.name_mismatches);
    if (st.only_time)
        time.diagnostics.add(Severity::warning, "profile.join_unmatched_time",
                             "timed kernels without a counted partner: their FLOPs and bytes are missing", st.only_time);
    if (st.only_counters)
        time.diagnostics.add(Severity::warning, "profile.join_unmatched_counters",
                             "counted kernels without a timed partner were dropped", st.only_counters);
    return st;
}

std::vector<std::string> join_runs(const std::vector<std::string>& time_traces,
                                   const std::vector<std::string>& counter_traces, const std::string& out_dir,
                                   std::vector<std::string>& notes) {
    std::map<std::string, std::vector<std::pair<std::string, Trace>>> by_key_time, by_key_counters;
    for (const auto& p : time_traces) {
        Trace t = read_native_trace(p);
        bool ranked = false;
        std::string k = pair_key(t, p, ranked);
        by_key_time[k].emplace_back(p, std::move(t));
    }
    for (const auto& p : counter_traces) {
        Trace t = read_native_trace(p);
        bool ranked = false;
        std::string k = pair_key(t, p, ranked);
        by_key_counters[k].emplace_back(p, std::move(t));
    }
    std::vector<std::string> out;
    for (auto& [key, times] : by_key_time) {
        auto it = by_key_counters.find(key);
        if (it == by_key_counters.end()) {
            notes.push_back("no counters trace for " + key + " (" + times.front().first + "); kept without counters");
            continue;
        }
        if (times.size() != 1 || it->second.size() != 1) {
            notes.push_back("cannot pair " + std::to_string(times.size()) + " timed and " +
                            std::to_string(it->second.size()) + " counted processes of " + key +
                            " (no rank to tell them apart); they are left unjoined");
            by_key_counters.erase(it);
            continue;
        }
        Trace& t = times.front().second;
        JoinStats st = join_counters_into_time(t, it->second.front().second);
        const std::string path = (fs::path(out_dir) / fs::path(times.front().first).filename()).string();
        save_native_trace(t, path);
        out.push_back(path);
        notes.push_back(key + ": " + std::to_string(st.matched) + " launches joined" +
                        (st.name_mismatches ? ", " + std::to_string(st.name_mismatches) + " name mismatches" : "") +
                        (st.only_time ? ", " + std::to_string(st.only_time) + " timed without counters" : "") +
                        (st.only_counters ? ", " + std::to_string(st.only_counters) + " counted without timing" : ""));
        by_key_counters.erase(it);
    }
    for (const auto& [key, v] : by_key_counters)
        notes.push_back("no timed trace for " + key + " (" + v.front().first + ")");
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace rafter::profiler
