/* The C interface of librafter_inject.so, Rafter's CUPTI backend. The library is loaded by the
 * CUDA driver (CUDA_INJECTION64_PATH -> InitializeInjection) and by Rafter itself with dlopen
 * (the embedding session API, `rafter profile --list-metrics`), so that nothing else in Rafter
 * links CUDA libraries. Plain C types only: the library hides every C++ symbol it contains.
 * Functions return an ExitCode value (core/error.h: 0 ok, 4 no_device, 6 not_available, 1 failure)
 * and write a message into `error` when they fail. */
#ifndef RAFTER_PROFILER_CUPTI_BACKEND_ABI_H
#define RAFTER_PROFILER_CUPTI_BACKEND_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RAFTER_CUPTI_ABI_VERSION 1u

typedef struct RafterCuptiOptions {
    uint32_t struct_size;
    uint32_t mode;             /* 0 = time (activity tracing), 1 = counters (range profiler) */
    uint32_t ranges_per_batch; /* counters: kernels decoded per batch; 0 = default (64) */
    uint32_t trace_api;        /* time: record runtime and driver API calls */
    uint64_t buffer_bytes;     /* time: CUPTI activity buffer size; 0 = default (8 MiB) */
} RafterCuptiOptions;

/* Receives bytes (a serialized native trace, a plan text) in one or more pieces. */
typedef void (*RafterCuptiSink)(void* context, const char* data, size_t size);

typedef struct RafterCuptiApi {
    uint32_t abi_version;
    uint32_t struct_size;
    /* Starts a session in this process: checks for a device (dlopen libcuda, cuInit, count), then
     * enables tracing or counters. One session at a time per process. */
    int (*start)(const RafterCuptiOptions* options, char* error, size_t error_size);
    /* Stops the session and finishes its trace. */
    int (*stop)(char* error, size_t error_size);
    /* The last stopped session's trace in Rafter's native format (traces/native_format.h). */
    int (*write_trace)(RafterCuptiSink sink, void* context, char* error, size_t error_size);
    /* Host-side metric plan for a chip ("GH100"), no GPU needed. Text, one "key value" per line:
     * chip, passes, tensor_method, then "metric <name>" and "note <text>" lines. */
    int (*plan)(const char* chip, RafterCuptiSink sink, void* context, char* error, size_t error_size);
    /* Path of the libcupti this library uses (for NVTX_INJECTION64_PATH). */
    const char* (*cupti_library_path)(void);
    /* Annotation scope for GPU work: kernels launched by this thread until the matching pop carry
     * the scope's id as external id, and the scope becomes a CPU op row. No-op without a session. */
    void (*annotation_push)(const char* name);
    void (*annotation_pop)(void);
} RafterCuptiApi;

typedef const RafterCuptiApi* (*RafterCuptiApiFn)(void);
#define RAFTER_CUPTI_API_SYMBOL "rafter_cupti_api"

#ifdef __cplusplus
}
#endif

#endif
