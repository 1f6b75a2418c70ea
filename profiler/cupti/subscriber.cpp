#include "profiler/cupti/subscriber.h"

#include "profiler/cupti/host_planner.h"

namespace rafter::cupti {

namespace {

const CUpti_CallbackId kKernelLaunches[] = {
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel,           CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx,         CUPTI_DRIVER_TRACE_CBID_cuLaunchKernelEx_ptsz,
    CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel, CUPTI_DRIVER_TRACE_CBID_cuLaunchCooperativeKernel_ptsz};
const CUpti_CallbackId kGraphLaunches[] = {CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch,
                                           CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch_ptsz};

} // namespace

bool is_kernel_launch_cbid(CUpti_CallbackId cbid) {
    for (auto id : kKernelLaunches)
        if (id == cbid) return true;
    return false;
}

bool is_graph_launch_cbid(CUpti_CallbackId cbid) {
    for (auto id : kGraphLaunches)
        if (id == cbid) return true;
    return false;
}

CUptiResult enable_launch_callbacks(CUpti_SubscriberHandle handle) {
    for (auto id : kKernelLaunches)
        if (auto r = cuptiEnableCallback(1, handle, CUPTI_CB_DOMAIN_DRIVER_API, id); r != CUPTI_SUCCESS) return r;
    for (auto id : kGraphLaunches)
        if (auto r = cuptiEnableCallback(1, handle, CUPTI_CB_DOMAIN_DRIVER_API, id); r != CUPTI_SUCCESS) return r;
    return CUPTI_SUCCESS;
}

Subscription subscribe_as_rafter(CUpti_CallbackFunc callback, void* user) {
    Subscription s;
    char other[CUPTI_OLD_SUBSCRIBER_NAME_MIN_LEN + 64] = {};
    CUpti_SubscriberParams p{};
    p.structSize = CUpti_SubscriberParams_STRUCT_SIZE;
    p.subscriberName = "Rafter";
    p.oldSubscriberName = other;
    p.oldSubscriberSize = sizeof other;
    CUptiResult r = cuptiSubscribe_v2(&s.handle, callback, user, &p);
    if (r != CUPTI_SUCCESS) {
        s.handle = nullptr;
        s.error = cupti_result_text(r);
        other[sizeof other - 1] = '\0';
        s.other_client = other;
    }
    return s;
}

std::string describe_refusal(const Subscription& s) {
    std::string who = s.other_client.empty() ? "another CUPTI client (the PyTorch profiler, Nsight Systems or "
                                               "Nsight Compute, cuda-gdb, compute-sanitizer?)"
                                             : "'" + s.other_client + "'";
    return "the CUPTI subscriber slot is held by " + who + ": " + s.error;
}

} // namespace rafter::cupti
