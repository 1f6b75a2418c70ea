// Placeholder translation unit so that rafter_profiler builds before its first real source lands.
namespace rafter {}
