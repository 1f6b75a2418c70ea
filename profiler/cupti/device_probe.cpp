#include "profiler/cupti/device_probe.h"

#include <cstdlib>
#include <dlfcn.h>

namespace rafter::cupti {

namespace {

// The handful of driver entry points we need, declared with plain C types so that this file
// builds without the CUDA toolkit. The driver ABI for these has been stable since CUDA 4.
using CUresult_t = int;
using CUdevice_t = int;
using cuInit_t = CUresult_t (*)(unsigned int);
using cuDriverGetVersion_t = CUresult_t (*)(int*);
using cuDeviceGetCount_t = CUresult_t (*)(int*);
using cuDeviceGet_t = CUresult_t (*)(CUdevice_t*, int);
using cuDeviceGetName_t = CUresult_t (*)(char*, int, CUdevice_t);
using cuDeviceGetAttribute_t = CUresult_t (*)(int*, int, CUdevice_t);
using cuDeviceTotalMem_t = CUresult_t (*)(size_t*, CUdevice_t);
using cuGetErrorName_t = CUresult_t (*)(CUresult_t, const char**);
using cuGetErrorString_t = CUresult_t (*)(CUresult_t, const char**);

// CUdevice_attribute values from cuda.h.
constexpr int kAttrMultiprocessorCount = 16;
constexpr int kAttrComputeCapabilityMajor = 75;
constexpr int kAttrComputeCapabilityMinor = 76;

template <class F> F sym(void* lib, const char* name) {
    return reinterpret_cast<F>(dlsym(lib, name));
}

std::string describe_result(void* lib, CUresult_t r) {
    const char* name = nullptr;
    const char* text = nullptr;
    if (auto f = sym<cuGetErrorName_t>(lib, "cuGetErrorName")) f(r, &name);
    if (auto f = sym<cuGetErrorString_t>(lib, "cuGetErrorString")) f(r, &text);
    std::string s = name ? name : ("CUresult " + std::to_string(r));
    if (text) s += std::string(" (") + text + ")";
    return s;
}

} // namespace

std::string cuda_driver_library() {
    const char* env = std::getenv("RAFTER_CUDA_DRIVER_LIBRARY");
    return env && *env ? env : "libcuda.so.1";
}

bool cuda_driver_already_loaded(const std::string& library) {
    void* h = dlopen(library.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!h) return false;
    dlclose(h);  // drops only the reference RTLD_NOLOAD added
    return true;
}

std::string format_driver_version(int v) {
    if (v <= 0) return "unknown";
    return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

DriverProbe probe_cuda_driver(const std::string& library) {
    DriverProbe p;
    p.library = library;
    void* lib = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* err = dlerror();
        p.reason = "the NVIDIA driver library " + library + " could not be loaded" +
                   (err ? std::string(" (") + err + ")" : std::string()) +
                   "; is the NVIDIA driver installed?";
        return p;
    }
    auto init = sym<cuInit_t>(lib, "cuInit");
    auto count = sym<cuDeviceGetCount_t>(lib, "cuDeviceGetCount");
    auto get = sym<cuDeviceGet_t>(lib, "cuDeviceGet");
    if (!init || !count || !get) {
        p.reason = library + " lacks cuInit/cuDeviceGetCount/cuDeviceGet; it is not a CUDA driver";
        return p;
    }
    if (auto ver = sym<cuDriverGetVersion_t>(lib, "cuDriverGetVersion")) ver(&p.driver_version);
    if (CUresult_t r = init(0); r != 0) {
        p.reason = "cuInit failed: " + describe_result(lib, r);
        return p;
    }
    int n = 0;
    if (CUresult_t r = count(&n); r != 0) {
        p.reason = "cuDeviceGetCount failed: " + describe_result(lib, r);
        return p;
    }
    if (n <= 0) {
        p.reason = "the driver reports no CUDA devices";
        return p;
    }
    auto name = sym<cuDeviceGetName_t>(lib, "cuDeviceGetName");
    auto attr = sym<cuDeviceGetAttribute_t>(lib, "cuDeviceGetAttribute");
    auto mem = sym<cuDeviceTotalMem_t>(lib, "cuDeviceTotalMem_v2");
    for (int i = 0; i < n; ++i) {
        DeviceInfo d;
        d.id = i;
        CUdevice_t dev = 0;
        if (get(&dev, i) != 0) continue;
        char buf[256] = {};
        if (name && name(buf, sizeof buf - 1, dev) == 0) d.name = buf;
        if (attr) {
            attr(&d.cc_major, kAttrComputeCapabilityMajor, dev);
            attr(&d.cc_minor, kAttrComputeCapabilityMinor, dev);
            attr(&d.sm_count, kAttrMultiprocessorCount, dev);
        }
        size_t bytes = 0;
        if (mem && mem(&bytes, dev) == 0) d.total_memory = bytes;
        p.devices.push_back(std::move(d));
    }
    p.ok = true;
    return p;
}

} // namespace rafter::cupti
