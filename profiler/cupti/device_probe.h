#pragma once
// Is there a CUDA device? Answered by loading the driver (libcuda.so.1) with dlopen, never by
// linking it, so that rafter starts on machines without a GPU and can say why profiling cannot.
// Target-side CUPTI must only be called once this says ok (cuptiDeviceGetChipName crashes
// without a device).
#include <string>
#include <vector>

#include "traces/trace.h"

namespace rafter::cupti {

struct DriverProbe {
    bool ok = false;             // driver loaded, cuInit succeeded, at least one device
    std::string reason;          // when !ok: why, for "no CUDA device: <reason>"
    std::string library;         // the driver library that was tried
    int driver_version = 0;      // cuDriverGetVersion, e.g. 12080 for 12.8; 0 = unknown
    std::vector<DeviceInfo> devices;
};

// The driver library to load: $RAFTER_CUDA_DRIVER_LIBRARY when set (tests point it at a missing
// file to get the no-driver path on any machine), else "libcuda.so.1".
std::string cuda_driver_library();

// Loads `library`, calls cuInit(0), counts the devices and reads their name, compute capability,
// memory and SM count. Never throws; the library stays loaded (unloading a CUDA driver is unsafe).
DriverProbe probe_cuda_driver(const std::string& library);
inline DriverProbe probe_cuda_driver() { return probe_cuda_driver(cuda_driver_library()); }

// True when the driver library is already loaded into this process (by the CUDA runtime or the
// driver's own injection machinery); probing then must not call cuInit, which may be running.
bool cuda_driver_already_loaded(const std::string& library);

// "12.8" from 12080.
std::string format_driver_version(int version);

} // namespace rafter::cupti
