#include "profiler/ceilings/gpu/gpu_ceilings.h"

#include <cstdio>
#include <cstring>

#include "profiler/ceilings/gpu/gpu_module.h"
#include "core/error.h"
#include "core/text.h"
#include "profiler/cupti/device_probe.h"
#include "traces/arch.h"

namespace rafter::ceilings {

namespace {

// Where each module figure goes in the machine file.
struct FigureSlot {
    RafterGpuFigureId id;
    const char* label;                 // summary row
    std::optional<FlopKind> flops;     // a peak ...
    std::optional<MemLevel> level;     // ... or a bandwidth (neither: launch latency)
    const char* unit;
};

const FigureSlot kSlots[] = {
    {RAFTER_GPU_HBM, "HBM (dram)", std::nullopt, MemLevel::dram, "B/s"},
    {RAFTER_GPU_L2, "L2", std::nullopt, MemLevel::l2, "B/s"},
    {RAFTER_GPU_SHARED, "L1/shared", std::nullopt, MemLevel::l1, "B/s"},
    {RAFTER_GPU_FP64, "fp64", FlopKind::fp64, std::nullopt, "FLOP/s"},
    {RAFTER_GPU_FP32, "fp32", FlopKind::fp32, std::nullopt, "FLOP/s"},
    {RAFTER_GPU_FP16, "fp16", FlopKind::fp16, std::nullopt, "FLOP/s"},
    {RAFTER_GPU_BF16, "bf16", FlopKind::bf16, std::nullopt, "FLOP/s"},
    {RAFTER_GPU_TENSOR_FP16, "tensor_fp16", FlopKind::tensor_fp16, std::nullopt, "FLOP/s"},
    {RAFTER_GPU_TENSOR_BF16, "tensor_bf16", FlopKind::tensor_bf16, std::nullopt, "FLOP/s"},
    {RAFTER_GPU_TENSOR_TF32, "tensor_tf32", FlopKind::tensor_tf32, std::nullopt, "FLOP/s"},
    {RAFTER_GPU_TENSOR_FP64, "tensor_fp64", FlopKind::tensor_fp64, std::nullopt, "FLOP/s"},
    {RAFTER_GPU_TENSOR_INT8, "tensor_int8", FlopKind::tensor_int8, std::nullopt, "op/s"},
    {RAFTER_GPU_LAUNCH, "launch", std::nullopt, std::nullopt, "s"},
};

std::string key_of(const FigureSlot& s) {
    if (s.flops) return std::string("peaks_flops.") + to_string(*s.flops);
    if (s.level) return std::string("bandwidths.") + to_string(*s.level);
    return "launch_latency_s";
}

std::optional<double> figure_of(const Machine& m, const FigureSlot& s) {
    if (s.flops) return m.peak(*s.flops);
    if (s.level) return m.bw(*s.level);
    return m.launch_latency_s;
}

bool is_tensor_slot(const FigureSlot& s) { return s.flops && is_tensor(*s.flops); }

// A ceiling must bound what real kernels reach. Two measured figures cannot be used as measured:
// - one above the data sheet's peak (more than 5%: clocks vary): the benchmark miscounts its work
//   (on an H200 the shared-memory loop gave 3.5x the 33.4 TB/s that 128 B/clock/SM allows);
// - a WMMA (mma.sync) tensor figure on Hopper or newer: cuBLAS reaches more through wgmma (H200:
//   WMMA fp16 654 TFLOP/s, torch fp16 matmul 720-739), so it would put kernels above their roof.
//   The data sheet's figure is written instead, saying so.
struct Decision {
    std::optional<double> value;
    std::string how;
};

Decision decide(const FigureSlot& s, double measured, const std::string& how, const std::optional<Machine>& sheet,
                int cc_major) {
    if (measured <= 0) return {std::nullopt, how.empty() ? "not measured: the module gave no figure and no reason" : how};
    double ds = 0;  // the data sheet's figure, 0 when there is none
    if (sheet && (s.flops || s.level))
        if (auto v = figure_of(*sheet, s)) ds = *v;
    char buf[256];
    if (ds > 0 && measured > 1.05 * ds) {
        std::snprintf(buf, sizeof buf, "not written: measured %s%s, %.0f%% of the data sheet's peak %s%s (%s)",
                      si_format(measured).c_str(), s.unit, 100 * measured / ds, si_format(ds).c_str(), s.unit,
                      sheet->name.c_str());
        return {std::nullopt, std::string(buf) + "; a figure above the hardware's peak means the benchmark miscounts "
                                                 "its work. Measured by: " + how};
    }
    if (is_tensor_slot(s) && cc_major >= 9 && ds > 0) {
        std::snprintf(buf, sizeof buf, "data sheet (%s): WMMA (mma.sync) measured %s%s = %.0f%% of it, below the wgmma "
                                       "path cuBLAS uses on this architecture, so it would not bound real kernels. ",
                      sheet->name.c_str(), si_format(measured).c_str(), s.unit, 100 * measured / ds);
        return {ds, std::string(buf) + "Measured by: " + how};
    }
    return {measured, how};
}

std::string figure_how(const RafterGpuFigure& f) {
    return std::string(f.how, strnlen(f.how, sizeof f.how));
}

std::string device_name(const GpuCeilings& c) {
    return std::string(c.raw.device_name, strnlen(c.raw.device_name, sizeof c.raw.device_name));
}

} // namespace

GpuCeilings measure_gpu_ceilings(const GpuCeilingOptions& o) {
    // The probe loads the driver with dlopen and calls nothing else in CUDA when it finds no device.
    cupti::DriverProbe probe = cupti::probe_cuda_driver();
    if (!probe.ok) throw Error(ExitCode::no_device, "no CUDA device: " + probe.reason);
    if (o.device < 0 || static_cast<size_t>(o.device) >= probe.devices.size())
        throw Error(ExitCode::no_device, "no CUDA device " + std::to_string(o.device) + ": the driver reports " +
                                             std::to_string(probe.devices.size()) + " device(s), numbered from 0");
    const GpuModule& module = load_gpu_module();
    GpuCeilings c;
    c.device = o.device;
    c.module_path = module.path;
    c.raw.abi_version = RAFTER_GPU_CEILINGS_ABI_VERSION;
    c.raw.struct_size = sizeof(RafterGpuCeilings);
    int rc = module.run(o.device, o.quick ? 1 : 0, &c.raw);
    if (rc == 3)
        throw Error(ExitCode::not_available, module.path + " was built for another version of Rafter (ABI mismatch); rebuild it with this rafter");
    if (rc != 0) {
        std::string why(c.raw.error, strnlen(c.raw.error, sizeof c.raw.error));
        throw Error(ExitCode::failure, "the CUDA microbenchmarks failed on device " + std::to_string(o.device) +
                                           ": " + (why.empty() ? "error " + std::to_string(rc) : why));
    }
    return c;
}

Machine gpu_ceilings_machine(const GpuCeilings& c, const std::string& name, const std::string& measured_by) {
    const RafterGpuCeilings& r = c.raw;
    Machine m;
    m.name = name;
    m.kind = "gpu";
    std::string dev = device_name(c);
    if (auto a = arch_for_cc(r.cc_major, r.cc_minor)) m.arch = a->name;
    char desc[512];
    std::snprintf(desc, sizeof desc, "%s, %d SMs, %sB memory, %sB L2, compute capability %d.%d, driver %s, CUDA runtime %s",
                  dev.c_str(), r.sm_count, si_format(r.total_memory_bytes).c_str(), si_format(r.l2_bytes).c_str(),
                  r.cc_major, r.cc_minor, cupti::format_driver_version(r.driver_version).c_str(),
                  cupti::format_driver_version(r.runtime_version).c_str());
    m.description = desc;
    m.source = measured_by + " on device " + std::to_string(c.device) + " (" + dev + "), measured in " +
               si_format(r.seconds) + "s; clocks not locked (boost clock as the driver chose it); see sources per figure";
    if (!dev.empty()) m.device_names.push_back(dev);
    const std::optional<Machine> sheet = dev.empty() ? std::nullopt : match_machine_for_device(dev);
    for (const FigureSlot& s : kSlots) {
        const RafterGpuFigure& f = r.figures[s.id];
        Decision d = decide(s, f.value, figure_how(f), sheet, r.cc_major);
        if (d.value) {
            if (s.flops) m.peak_flops[static_cast<size_t>(*s.flops)] = *d.value;
            else if (s.level) m.bandwidth[static_cast<size_t>(*s.level)] = *d.value;
            else m.launch_latency_s = *d.value;
        }
        m.sources.emplace_back(key_of(s), d.how);
        // Tensor work of unknown precision is bounded by the fp16 tensor peak (as in the built-in files).
        if (s.id == RAFTER_GPU_TENSOR_FP16) {
            if (d.value) m.peak_flops[static_cast<size_t>(FlopKind::tensor)] = *d.value;
            m.sources.emplace_back("peaks_flops.tensor", d.value
                                                             ? "Rafter convention: the fp16 tensor peak (peaks_flops.tensor_fp16)"
                                                             : "not measured: it is the fp16 tensor peak, which was not measured");
        }
    }
    m.sources.emplace_back("peaks_flops.tensor_fp8",
                           "not measured: WMMA has no fp8 type; " + measured_by + " has no fp8 benchmark");
    return m;
}

void print_gpu_summary(std::ostream& out, const GpuCeilings& c) {
    const RafterGpuCeilings& r = c.raw;
    std::string dev = device_name(c);
    std::optional<Machine> sheet = match_machine_for_device(dev);
    char line[512];
    std::snprintf(line, sizeof line, "%s (device %d, compute capability %d.%d, %d SMs), driver %s, %.1f s\n", dev.c_str(),
                  c.device, r.cc_major, r.cc_minor, r.sm_count, cupti::format_driver_version(r.driver_version).c_str(),
                  r.seconds);
    out << line;
    if (sheet) out << "data sheet: built-in machine " << sheet->name << "\n";
    std::snprintf(line, sizeof line, "%-12s %14s %14s %8s\n", "", "measured", "data sheet", "ratio");
    out << line;
    for (const FigureSlot& s : kSlots) {
        const double raw = r.figures[s.id].value;
        std::optional<double> v = raw > 0 ? std::optional<double>(raw) : std::nullopt;
        std::optional<double> ds = sheet ? figure_of(*sheet, s) : std::nullopt;
        std::string ratio = v && ds && *ds > 0 ? std::to_string(static_cast<int>(*v / *ds * 100 + 0.5)) + "%" : "-";
        std::snprintf(line, sizeof line, "%-12s %14s %14s %8s  %s\n", s.label, v ? si_format(*v).c_str() : "-",
                      ds ? si_format(*ds).c_str() : "-", ratio.c_str(), s.unit);
        out << line;
    }
    if (!sheet) out << "(no built-in machine matches \"" << dev << "\": no data-sheet column)\n";
    for (const FigureSlot& s : kSlots) {
        const RafterGpuFigure& f = r.figures[s.id];
        if (!(f.value > 0)) {
            out << "  " << s.label << ": " << figure_how(f) << "\n";
            continue;
        }
        // Measured figures the machine file does not take as they are (see decide()).
        Decision d = decide(s, f.value, figure_how(f), sheet, r.cc_major);
        if (!d.value || *d.value != f.value) out << "  " << s.label << ": " << d.how.substr(0, d.how.find(" Measured by:")) << "\n";
    }
}

} // namespace rafter::ceilings
