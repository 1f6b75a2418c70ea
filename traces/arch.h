#pragma once
// How to turn GPU instruction counters into FLOPs, per architecture. The tables are data files
// (traces/data/arch/<arch>.json) compiled into the library: adding an architecture is a JSON
// file and its line in traces/CMakeLists.txt, no code.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rafter {

// Per-architecture counter interpretation, from traces/data/arch/<arch>.json.
struct ArchInfo {
    std::string name;                 // "volta"
    std::vector<std::string> chips;   // "GV100"
    int cc_major = 0;                 // compute capability range covered
    std::vector<int> cc_minors;
    // Every compute capability covered as (major, minor); minor -1 = any minor of that major.
    // Needed because one architecture can span majors (Blackwell: 10.x and 12.x).
    std::vector<std::pair<int, int>> compute_capabilities;
    // FLOPs per sm__inst_executed_pipe_tensor instruction (Volta HMMA.884: 512); nullopt when the
    // chip's tensor instructions have mixed shapes and sm__ops_path_tensor_* must be used.
    std::optional<double> tensor_flops_per_inst;
    std::string tensor_kind;          // FlopKind name for that work: "tensor" or "tensor_fp16"
    std::string source;
};
const std::vector<ArchInfo>& builtin_archs();
std::optional<ArchInfo> find_arch(std::string_view name);
std::optional<ArchInfo> arch_for_cc(int major, int minor);

} // namespace rafter
