#pragma once
// The module (layer) each framework op ran in, for `--group-by module` (docs/roofline.md,
// "Module view").
//
// Scopes are PyTorch's nn.Module calls (Kineto python_function events "nn.Module: BertLayer_3",
// recorded with with_stack/with_modules) and record_function / user annotations ("## forward ##",
// "DistributedDataParallel.forward"), nested by time on each CPU thread. An op's path is the
// names of the scopes enclosing its start, outermost first, joined by '/':
// "BertLMHeadModel_0/BertModel_0/BertEncoder_0/BertLayer_3/BertAttention_0". Profiler steps and
// c10d's own per-collective annotations ("nccl:all_reduce") are not scopes.
//
// Backward ops run on autograd's thread, outside every forward scope: an op there takes the path
// of the forward op with the same autograd sequence number, read from its nearest enclosing
// backward node ("autograd::engine::evaluate_function: AddmmBackward0" or "AddmmBackward0"), with
// " [backward]" appended.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/op_attribution.h"
#include "traces/trace.h"

namespace rafter {

inline constexpr const char* kNoModuleGroup = "(outside any module)";
inline constexpr const char* kBackwardSuffix = " [backward]";
// The row of a module's ops that have no analytic cost (--group-by module).
inline constexpr const char* kUncostedSuffix = " (ops without a cost)";

struct ModuleScopes {
    static constexpr uint32_t kNone = UINT32_MAX;
    std::vector<std::string> paths;     // distinct full paths
    std::vector<uint32_t> path_of_op;   // per cpu_ops row: index into paths, or kNone
    uint64_t module_events = 0;         // nn.Module scopes found
    uint64_t annotation_scopes = 0;     // record_function / user annotation scopes found
    uint64_t backward_ops = 0;          // ops given a forward path through their sequence number
};

ModuleScopes find_module_scopes(const Trace& trace, const OpAttribution& attribution);

// Whether any trace records nn.Module calls or annotation scopes (a module view has rows).
bool has_module_scopes(const std::vector<Trace>& traces);

// The first `depth` components of a path (depth 0: all), keeping a " [backward]" suffix.
std::string truncate_module_path(const std::string& path, int depth);

// The deepest depth at which the given group names (full-depth module paths, possibly with
// kUncostedSuffix) make at most `max_groups` distinct groups; 1 when even the top level makes
// more. The report's Layers section uses it so a model reads as its layers, not its 300 Linears.
int depth_for_at_most(const std::vector<std::string>& group_names, size_t max_groups);

} // namespace rafter
