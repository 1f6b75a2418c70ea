// Placeholder translation unit so that rafter_model builds before its first real source lands.
namespace rafter {}
