#include "cli/commands.h"

namespace rafter::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"roofline", "roofline analysis of traces or counter exports (table, CSV, JSON, SVG)", cmd_roofline},
        {"machines", "list the built-in machines and their ceilings", cmd_machines},
        {"import", "convert any supported input to Rafter's native trace format", cmd_import},
        {"breakdown", "GPU-time breakdown per rank and step (compute, communication, copies, idle)", cmd_breakdown},
        {"profile", "profile a CUDA program without changing it (CUPTI)", cmd_profile},
        {"ceilings", "measure machine ceilings (ERT-style bandwidth and FLOP/s sweeps)", cmd_ceilings},
        {"scale", "predict step time and scaling efficiency from a scenario file", cmd_scale},
        {"calibrate", "fit communication and I/O model parameters from measurements", cmd_calibrate},
        {"report", "write one self-contained HTML report", cmd_report},
        {"export", "export traces to other formats (Chrome trace JSON for Perfetto)", cmd_export},
        {"diff", "compare two runs (or ranks) op by op or kernel by kernel", cmd_diff},
        {"findings", "what limits the run and what to try first, ranked by possible gain", cmd_findings},
    };
    return list;
}

} // namespace rafter::cli
