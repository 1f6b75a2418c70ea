// Interprets counter values inside an atexit handler registered before the metric lists are first
// used, as the injection library does when it decodes the last batch at exit. Prints the fp32
// FLOPs and L1/L2 bytes it got; exit status 0 when they are all there. Run by
// cupti_exit_decode_test (and under AddressSanitizer, which reports any use after free).
#include <cstdio>
#include <cstdlib>

#include "profiler/cupti/metric_plan.h"

using namespace rafter;
using namespace rafter::cupti;

namespace {

MetricPlan plan_with_simt_and_bytes() {
    std::vector<std::string> bases;
    for (const auto& m : simt_flop_metrics()) bases.push_back(m.substr(0, m.find('.')));
    for (const auto& m : byte_metrics()) bases.push_back(m.substr(0, m.find('.')));
    return plan_roofline_metrics("GH100", bases, std::nullopt);
}

void at_exit() {
    MetricPlan plan = plan_with_simt_and_bytes();
    std::vector<double> values(plan.metrics.size(), 1000.0);
    KernelCounters k = interpret_counters(plan, values);
    Value fp32 = k.flops[static_cast<size_t>(FlopKind::fp32)];
    Value l1 = k.bytes[static_cast<size_t>(MemLevel::l1)], l2 = k.bytes[static_cast<size_t>(MemLevel::l2)];
    std::printf("at exit: fp32 %s %g, l1 %s %g, l2 %s %g\n", fp32.has() ? "present" : "missing", fp32.value,
                l1.has() ? "present" : "missing", l1.value, l2.has() ? "present" : "missing", l2.value);
    std::fflush(stdout);
    if (!fp32.has() || !l1.has() || !l2.has()) _Exit(1);
}

} // namespace

int main() {
    std::atexit(at_exit);  // registered before the lists' first use, like InitializeInjection's
    plan_with_simt_and_bytes();
    return 0;
}
