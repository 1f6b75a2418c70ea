#pragma once
/* The interface between `rafter ceilings --gpu` and librafter_gpu_ceilings.so, the CUDA
 * microbenchmarks. Plain C so that the module (built by nvcc, cudart linked statically) and rafter
 * (which never links CUDA) agree on it without sharing a C++ ABI. Rafter loads the module with
 * dlopen only after the driver probe found a device (profiler/cupti/device_probe.h). */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RAFTER_GPU_CEILINGS_ABI_VERSION 1u
#define RAFTER_GPU_CEILINGS_ENTRY "rafter_gpu_ceilings_run"

/* One slot per measured figure. Bandwidths in bytes/s, peaks in FLOP/s (int8: ops/s), the launch
 * figure in seconds. */
enum RafterGpuFigureId {
    RAFTER_GPU_HBM = 0,      /* triad over a buffer far larger than L2 */
    RAFTER_GPU_L2,           /* the same triad with the working set inside L2 */
    RAFTER_GPU_SHARED,       /* shared-memory loads on every SM (L1/shared bandwidth) */
    RAFTER_GPU_FP64,         /* FMA on the CUDA cores */
    RAFTER_GPU_FP32,
    RAFTER_GPU_FP16,         /* half2 FMA */
    RAFTER_GPU_BF16,         /* bfloat162 FMA (sm_80+) */
    RAFTER_GPU_TENSOR_FP16,  /* WMMA fp16 x fp16 + fp32 */
    RAFTER_GPU_TENSOR_BF16,  /* WMMA bf16 x bf16 + fp32 (sm_80+) */
    RAFTER_GPU_TENSOR_TF32,  /* WMMA tf32 x tf32 + fp32 (sm_80+) */
    RAFTER_GPU_TENSOR_FP64,  /* WMMA fp64 m8n8k4 (sm_80+) */
    RAFTER_GPU_TENSOR_INT8,  /* WMMA s8 x s8 + s32 */
    RAFTER_GPU_LAUNCH,       /* seconds per launch of an empty kernel, back to back */
    RAFTER_GPU_FIGURES
};

typedef struct RafterGpuFigure {
    double value;   /* > 0 when measured; 0 when not (the reason is in `how`) */
    char how[640];  /* how it was measured (kernel, sizes, trials), or why it was not */
} RafterGpuFigure;

typedef struct RafterGpuCeilings {
    /* Set by the caller; the module refuses a struct it does not know. */
    unsigned abi_version;
    unsigned struct_size;
    /* Filled by the module. */
    char device_name[256];
    int cc_major, cc_minor, sm_count;
    int runtime_version, driver_version;  /* cudaRuntimeGetVersion / cudaDriverGetVersion */
    double total_memory_bytes, l2_bytes, shared_per_sm_bytes;
    double sm_clock_khz, mem_clock_khz, mem_bus_bits;  /* device attributes; 0 = not reported */
    double seconds;                                     /* wall time of the whole suite */
    RafterGpuFigure figures[RAFTER_GPU_FIGURES];
    char error[1024];  /* when the entry point returns non-zero: why */
} RafterGpuCeilings;

/* Runs every microbenchmark on `device` (quick != 0: fewer and shorter trials) and fills `out`.
 * Returns 0 when the suite ran (single figures may still be unmeasured, each with its reason),
 * non-zero with out->error set when it could not run at all. */
typedef int (*RafterGpuCeilingsRunFn)(int device, int quick, RafterGpuCeilings* out);

#ifdef __cplusplus
}
#endif
