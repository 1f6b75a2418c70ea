#pragma once
// CUPTI has one callback-subscriber slot per process. Rafter takes it in both modes, under the name
// "Rafter", so that another tool starting later (torch.profiler's Kineto, Nsight) is told who holds
// it, and so that a refusal here can name the tool that holds it already.
#include <cupti.h>

#include <string>

namespace rafter::cupti {

struct Subscription {
    CUpti_SubscriberHandle handle = nullptr;
    // When the slot was taken: CUPTI's result text and the other subscriber's name ("" if CUPTI
    // did not say). Empty `error` means subscribed.
    std::string error;
    std::string other_client;
    bool ok() const { return handle != nullptr; }
};

// The driver calls that launch one kernel each (graph launches are separate: one call, many kernels).
bool is_kernel_launch_cbid(CUpti_CallbackId cbid);
bool is_graph_launch_cbid(CUpti_CallbackId cbid);
// Turns on the driver callbacks for both kinds of launch; returns CUPTI's first failure or success.
CUptiResult enable_launch_callbacks(CUpti_SubscriberHandle handle);

// cuptiSubscribe_v2 with the name "Rafter"; never throws.
Subscription subscribe_as_rafter(CUpti_CallbackFunc callback, void* user);

// "the CUPTI callback slot is held by <name>" / "... by another CUPTI client (...)" for messages.
std::string describe_refusal(const Subscription& s);

} // namespace rafter::cupti
