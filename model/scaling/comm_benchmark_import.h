#pragma once
// Calibrating the alpha-beta model from collective benchmarks: nccl-tests output (all_reduce_perf,
// all_gather_perf, reduce_scatter_perf, broadcast_perf, alltoall_perf, sendrecv_perf) and OSU
// micro-benchmark latency tests (osu_allreduce, osu_allgather, osu_reduce_scatter, osu_bcast,
// osu_alltoall, osu_latency). Parsers take the text; the caller reads the file.
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.h"
#include "model/scaling/comm.h"
#include "model/scaling/fit.h"

namespace rafter {

struct CommSample {
    double bytes = 0;
    double time_s = 0;
};

struct CommMeasurement {
    std::string origin;           // file name
    std::string tool;             // "nccl-tests" or "osu"
    std::optional<Collective> collective;  // nullopt when neither the caller, the output nor its name says
    int ranks = 0;                // 0 when neither the output nor the caller says
    int nodes = 0;                // distinct hosts; 0 when unknown
    std::vector<CommSample> samples;
};

bool looks_like_nccl_tests(std::string_view text);
bool looks_like_osu(std::string_view text);

// `collective` overrides what the output or the file name says. Throws rafter::Error naming the
// file and line for malformed rows. What the output does not say (the collective, the ranks) is
// left unknown in the measurement for the caller to supply or report; fit_comm needs both.
CommMeasurement parse_nccl_tests(std::string_view text, const std::string& origin,
                                 std::optional<Collective> collective = std::nullopt,
                                 bool in_place = false);
// OSU output does not state the number of ranks or nodes: pass them (send/recv is always 2 ranks;
// otherwise ranks stays 0 without them).
CommMeasurement parse_osu(std::string_view text, const std::string& origin,
                          std::optional<Collective> collective, std::optional<int> ranks,
                          std::optional<int> nodes);

struct CommFit {
    CommMeasurement measurement;  // samples restricted to the fitted range
    std::string tier;             // "intra" (one node) or "inter"
    AffineFit fit;                // t = latency_s + n * per_byte_s
    double alpha_s = 0;           // per hop, assuming the ring (chain, pairwise) formulas
    double bandwidth = 0;         // 1 / beta, bytes/s: the tier's effective bandwidth
    double peak_busbw = 0;        // largest measured bus bandwidth
};
// Fits samples with min_bytes <= n <= max_bytes (max_bytes 0: no limit). Throws rafter::Error when
// the collective or the number of ranks is unknown.
CommFit fit_comm(const CommMeasurement& m, double min_bytes = 0, double max_bytes = 0);

void write_comm_fit_table(std::ostream& out, const std::vector<CommFit>& fits);
// "rafter.comm_calibration/1": the fits and a topology block for a scenario (link_efficiency 1:
// the fitted bandwidths are already effective). inter_node.bandwidth is per NIC: the fitted node
// bandwidth / nics_per_node.
void write_comm_calibration_json(JsonWriter& w, const std::vector<CommFit>& fits, int nics_per_node);

} // namespace rafter
