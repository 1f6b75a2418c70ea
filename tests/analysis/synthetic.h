#pragma once
// Synthetic traces and a machine with round ceilings, so that expected values can be worked out
// by hand in the tests.
#include <string>

#include "model/machines/machine.h"
#include "traces/trace.h"

namespace rafter::test {

// fp32 10 TFLOP/s, tensor_fp16 100 TFLOP/s, fp16 20 TFLOP/s; DRAM 1 TB/s, L2 4 TB/s,
// L1 10 TB/s; launch latency 4 us. No fp64 peak and no "tensor" peak (tests the fallbacks).
inline Machine test_machine() {
    Machine m;
    m.name = "test-gpu";
    m.kind = "gpu";
    m.description = "round numbers for hand-checked tests";
    m.peak_flops[static_cast<size_t>(FlopKind::fp32)] = 10e12;
    m.peak_flops[static_cast<size_t>(FlopKind::fp16)] = 20e12;
    m.peak_flops[static_cast<size_t>(FlopKind::tensor_fp16)] = 100e12;
    m.bandwidth[static_cast<size_t>(MemLevel::dram)] = 1e12;
    m.bandwidth[static_cast<size_t>(MemLevel::l2)] = 4e12;
    m.bandwidth[static_cast<size_t>(MemLevel::l1)] = 10e12;
    m.launch_latency_s = 4e-6;
    m.kernel_floor_s = 4e-6;
    return m;
}

// A kernel launch with measured time, fp32 FLOPs and bytes at each level (negative = absent).
struct K {
    std::string name;
    double time_s = 1e-3;
    double fp32 = -1, tensor = -1, fp64 = -1;
    double l1 = -1, l2 = -1, dram = -1;
    uint32_t launches = 1;
    Provenance prov = Provenance::measured;
};

inline void add_kernel(Trace& t, const K& k) {
    KernelRow r;
    r.name = t.strings.intern(k.name);
    r.launches = k.launches;
    if (k.time_s >= 0) {
        r.duration_s = k.time_s;
        r.duration_prov = Provenance::measured;
    }
    auto v = [&](double x) { return x < 0 ? Value{} : Value{x, k.prov}; };
    r.flops[static_cast<size_t>(FlopKind::fp32)] = v(k.fp32);
    r.flops[static_cast<size_t>(FlopKind::tensor)] = v(k.tensor);
    r.flops[static_cast<size_t>(FlopKind::fp64)] = v(k.fp64);
    r.bytes[static_cast<size_t>(MemLevel::l1)] = v(k.l1);
    r.bytes[static_cast<size_t>(MemLevel::l2)] = v(k.l2);
    r.bytes[static_cast<size_t>(MemLevel::dram)] = v(k.dram);
    t.kernels.append(r);
}

} // namespace rafter::test
