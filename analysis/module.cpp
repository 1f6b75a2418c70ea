// Placeholder translation unit so that rafter_analysis builds before its first real source lands.
namespace rafter {}
