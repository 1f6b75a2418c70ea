// Placeholder translation unit so that rafter_plots builds before its first real source lands.
namespace rafter {}
