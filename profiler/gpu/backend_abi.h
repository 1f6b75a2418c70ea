/* The C interface of a GPU profiling backend: a loadable module that does the vendor-specific work
 * (today librafter_inject.so, the CUPTI backend in profiler/cupti and profiler/inject; a ROCm
 * backend would be another module exporting the same symbol). Rafter loads it with dlopen (the
 * embedding session API, `rafter profile --list-metrics`), and a vendor's driver may load it too
 * (CUDA: CUDA_INJECTION64_PATH -> InitializeInjection), so that nothing else in Rafter links GPU
 * libraries. Plain C types only: the module hides every C++ symbol it contains.
 * Functions return an ExitCode value (core/error.h: 0 ok, 4 no_device, 6 not_available, 1 failure)
 * and write a message into `error` when they fail. */
#ifndef RAFTER_PROFILER_GPU_BACKEND_ABI_H
#define RAFTER_PROFILER_GPU_BACKEND_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RAFTER_GPU_BACKEND_ABI_VERSION 1u

typedef struct RafterGpuBackendOptions {
    uint32_t struct_size;
    uint32_t mode;             /* 0 = time (activity tracing), 1 = counters (range profiler) */
    uint32_t ranges_per_batch; /* counters: kernels decoded per batch; 0 = default (64) */
    uint32_t trace_api;        /* time: record runtime and driver API calls */
    uint64_t buffer_bytes;     /* time: CUPTI activity buffer size; 0 = default (8 MiB) */
} RafterGpuBackendOptions;

/* Receives bytes (a serialized native trace, a plan text) in one or more pieces. */
typedef void (*RafterGpuBackendSink)(void* context, const char* data, size_t size);

typedef struct RafterGpuBackendApi {
    uint32_t abi_version;
    uint32_t struct_size;
    /* Starts a session in this process: checks for a device (dlopen libcuda, cuInit, count), then
     * enables tracing or counters. One session at a time per process. */
    int (*start)(const RafterGpuBackendOptions* options, char* error, size_t error_size);
    /* Stops the session and finishes its trace. */
    int (*stop)(char* error, size_t error_size);
    /* The last stopped session's trace in Rafter's native format (traces/native_format.h). */
    int (*write_trace)(RafterGpuBackendSink sink, void* context, char* error, size_t error_size);
    /* Host-side metric plan for a chip ("GH100"), no GPU needed. Text, one "key value" per line:
     * chip, passes, tensor_method, then "metric <name>" and "note <text>" lines. */
    int (*plan)(const char* chip, RafterGpuBackendSink sink, void* context, char* error, size_t error_size);
    /* The library that NVTX ranges should be injected into (NVTX_INJECTION64_PATH; CUPTI's
     * library for the CUDA backend), or "" when the backend takes no NVTX. */
    const char* (*nvtx_injection_library)(void);
    /* Annotation scope for GPU work: kernels launched by this thread until the matching pop carry
     * the scope's id as external id, and the scope becomes a CPU op row. No-op without a session. */
    void (*annotation_push)(const char* name);
    void (*annotation_pop)(void);
} RafterGpuBackendApi;

typedef const RafterGpuBackendApi* (*RafterGpuBackendApiFn)(void);
#define RAFTER_GPU_BACKEND_API_SYMBOL "rafter_gpu_backend_api"

#ifdef __cplusplus
}
#endif

#endif
