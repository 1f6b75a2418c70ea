/* Rafter region annotations for C and C++ (docs/annotations.md).
 *
 * Three layers, like LIKWID's marker API and Caliper's macros:
 *   C functions   rafter_region_begin("name") / rafter_region_end("name")
 *   C++ RAII      rafter::Region r("name");   (ends at scope exit)
 *   Macros        RAFTER_REGION_BEGIN("name") / RAFTER_REGION_END("name") / RAFTER_SCOPE("name")
 * The macros compile to nothing unless RAFTER_ENABLE_ANNOTATIONS is defined, so annotated code
 * costs nothing in a normal build. Regions nest and may be used from any thread; each thread
 * records into its own buffer (no lock on the hot path).
 *
 * Recording happens between rafter_regions_start() and rafter_regions_stop_write(path) (or the
 * C++ calls in profiler/regions/recorder.h). Begin/end calls outside a session are ignored.
 * Names must stay valid until the session is stopped (string literals are the usual case): only
 * the pointer is kept on the hot path.
 */
#ifndef RAFTER_PROFILER_ANNOTATE_H
#define RAFTER_PROFILER_ANNOTATE_H

#ifdef __cplusplus
extern "C" {
#endif

void rafter_region_begin(const char* name);
void rafter_region_end(const char* name);
/* Starts recording (probes PAPI once). Returns 0, or -1 if a session is already running. */
int rafter_regions_start(void);
/* Stops recording and writes the regions as a native Rafter trace at `path` (atomically).
 * Returns 0 on success, -1 on failure (the reason is printed to stderr once). */
int rafter_regions_stop_write(const char* path);

#ifdef __cplusplus
} /* extern "C" */

namespace rafter {

// Ends the region it began when it goes out of scope.
class Region {
public:
    explicit Region(const char* name) noexcept : name_(name) { rafter_region_begin(name); }
    ~Region() { rafter_region_end(name_); }
    Region(const Region&) = delete;
    Region& operator=(const Region&) = delete;

private:
    const char* name_;
};

} // namespace rafter
#endif

#ifdef RAFTER_ENABLE_ANNOTATIONS
#define RAFTER_REGION_BEGIN(name) rafter_region_begin(name)
#define RAFTER_REGION_END(name) rafter_region_end(name)
#ifdef __cplusplus
#define RAFTER_CONCAT_INNER_(a, b) a##b
#define RAFTER_CONCAT_(a, b) RAFTER_CONCAT_INNER_(a, b)
#define RAFTER_SCOPE(name) ::rafter::Region RAFTER_CONCAT_(rafter_scope_, __LINE__)(name)
#endif
#else
#define RAFTER_REGION_BEGIN(name) ((void)0)
#define RAFTER_REGION_END(name) ((void)0)
#define RAFTER_SCOPE(name) ((void)0)
#endif

#endif /* RAFTER_PROFILER_ANNOTATE_H */
