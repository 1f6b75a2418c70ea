#pragma once
// Builds small traces by hand for the op/breakdown tests: every value in them is chosen by the
// test, so expected results can be computed by hand.
#include <string>

#include "traces/trace.h"

namespace rafter::test {

struct TraceBuilder {
    Trace t;

    uint32_t op(const std::string& name, int64_t start, int64_t end, uint64_t ext = 0, const std::string& dims = "",
                const std::string& types = "", const std::string& concrete = "", int64_t tid = 1) {
        CpuOpRow r;
        r.kind = CpuEventKind::op;
        r.name = t.strings.intern(name);
        r.pid = 100;
        r.tid = tid;
        r.start_ns = start;
        r.end_ns = end;
        r.external_id = ext;
        if (!dims.empty()) r.input_dims = t.strings.intern(dims);
        if (!types.empty()) r.input_types = t.strings.intern(types);
        if (!concrete.empty()) r.concrete_inputs = t.strings.intern(concrete);
        t.cpu_ops.push_back(r);
        return static_cast<uint32_t>(t.cpu_ops.size() - 1);
    }

    uint32_t launch(int64_t start, int64_t end, uint64_t correlation, uint64_t ext = 0, int64_t tid = 1) {
        CpuOpRow r;
        r.kind = CpuEventKind::runtime;
        r.name = t.strings.intern("cudaLaunchKernel");
        r.pid = 100;
        r.tid = tid;
        r.start_ns = start;
        r.end_ns = end;
        r.correlation = correlation;
        r.external_id = ext;
        t.cpu_ops.push_back(r);
        return static_cast<uint32_t>(t.cpu_ops.size() - 1);
    }

    size_t kernel(const std::string& name, int64_t start, int64_t end, uint64_t correlation = 0, uint64_t ext = 0,
                  int32_t stream = 7) {
        KernelRow k;
        k.name = t.strings.intern(name);
        k.device = 0;
        k.stream = stream;
        k.start_ns = start;
        k.end_ns = end;
        k.duration_s = static_cast<double>(end - start) * 1e-9;
        k.duration_prov = Provenance::measured;
        k.correlation = correlation;
        k.external_id = ext;
        return t.kernels.append(k);
    }

    void copy(CopyKind kind, int64_t start, int64_t end, int32_t stream = 7, uint64_t correlation = 0) {
        CopyRow c;
        c.kind = kind;
        c.device = 0;
        c.stream = stream;
        c.start_ns = start;
        c.end_ns = end;
        c.correlation = correlation;
        t.copies.push_back(c);
    }

    void step(const std::string& name, int64_t start, int64_t end) {
        StepRow s;
        s.name = t.strings.intern(name);
        s.start_ns = start;
        s.end_ns = end;
        t.steps.push_back(s);
    }
};

} // namespace rafter::test
