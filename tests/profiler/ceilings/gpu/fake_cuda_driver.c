/* A stand-in for libcuda.so.1 that reports one device ("Fake GPU", compute capability 9.0) to
 * Rafter's driver probe, so that tests reach the code after the probe on machines without a GPU.
 * Only the entry points device_probe.cpp looks up; its soname differs from libcuda.so.1 so that
 * the CUDA runtime inside the module never mistakes it for the real driver. */
#include <string.h>

int cuInit(unsigned int flags) { (void)flags; return 0; }
int cuDriverGetVersion(int* v) { *v = 13000; return 0; }
int cuDeviceGetCount(int* n) { *n = 1; return 0; }
int cuDeviceGet(int* dev, int ordinal) { *dev = ordinal; return ordinal == 0 ? 0 : 101; }
int cuDeviceGetName(char* name, int len, int dev) {
    (void)dev;
    strncpy(name, "Fake GPU", (size_t)len);
    return 0;
}
int cuDeviceGetAttribute(int* v, int attr, int dev) {
    (void)dev;
    *v = attr == 75 ? 9 : attr == 76 ? 0 : attr == 16 ? 4 : 0;
    return 0;
}
int cuDeviceTotalMem_v2(size_t* bytes, int dev) { (void)dev; *bytes = (size_t)1 << 30; return 0; }
