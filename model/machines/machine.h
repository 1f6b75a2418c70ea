#pragma once
// Machine ceilings: peak FLOP/s per precision and bandwidth per memory level, in SI units.
// Built-in machines are JSON data files under model/machines/data/ compiled into the library;
// users pass their own files (same format) or ERT roofline.json output with --machine.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/metric_kinds.h"

namespace rafter {

class JsonWriter;

struct Machine {
    std::string name;         // "h100-sxm"
    std::string kind;         // "gpu" or "cpu"
    std::string description;  // "NVIDIA H100 SXM5 80GB"
    std::string arch;         // "volta", "ampere", "hopper", ... (selects counter tables)
    std::string source;       // where the figures come from (data sheet, ERT run, ...)
    std::array<std::optional<double>, kFlopKinds> peak_flops{};  // FLOP/s; nullopt = unknown
    std::array<std::optional<double>, kMemLevels> bandwidth{};   // bytes/s; nullopt = unknown
    // CPU-side cost of one kernel launch (the host's share; it hides behind running kernels).
    std::optional<double> launch_latency_s;
    // The shortest time a kernel takes on the GPU, launch to completion as the device records it:
    // no kernel, however little its work, runs faster. The launch floor of the roofline.
    std::optional<double> kernel_floor_s;
    // Typical network bandwidth per GPU in one direction (the NICs of the usual node design divided
    // by its GPUs); scale-up links are bandwidth[nvlink], the host link bandwidth[pcie].
    std::optional<double> nic_bandwidth;
    std::vector<std::string> device_names;  // substrings of driver device names that identify it
    // Where each figure comes from, keyed by field path ("peaks_flops.fp64", "bandwidths.l1",
    // "launch_latency_s", ...), in file order. A key may explain a null (unknown) figure too.
    std::vector<std::pair<std::string, std::string>> sources;

    std::optional<double> peak(FlopKind k) const { return peak_flops[static_cast<size_t>(k)]; }
    std::optional<double> bw(MemLevel l) const { return bandwidth[static_cast<size_t>(l)]; }
    bool operator==(const Machine&) const = default;
};

const std::vector<Machine>& builtin_machines();
std::optional<Machine> find_builtin_machine(std::string_view name);  // case-insensitive
// The built-in machine whose device_names entry matches a CUDA device name such as
// "NVIDIA H100 80GB HBM3" (case-insensitive substring; an entry ending in '$' must match at the
// end of the name). The longest matching entry wins; nullopt when none matches.
std::optional<Machine> match_machine_for_device(std::string_view cuda_device_name);

// Parses a Rafter machine file. `origin` names the file in error messages.
Machine parse_machine_json(std::string_view json, const std::string& origin);
// Parses an Empirical Roofline Toolkit roofline.json into a machine with measured ceilings.
Machine parse_ert_json(std::string_view json, const std::string& origin);
// A built-in name, or a path to a machine file or ERT roofline.json. Throws rafter::Error.
Machine load_machine(const std::string& name_or_path);
std::string machine_to_json(const Machine& m);
// Writes the machine as one JSON object value into a larger document (same format as above).
void write_machine_json(JsonWriter& w, const Machine& m);
// The built-in machines as one document (schema rafter.machines/1): `rafter machines --format json`.
std::string builtin_machines_json();

} // namespace rafter
