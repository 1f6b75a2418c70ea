#pragma once
// Where Rafter finds its own loadable parts (the CUPTI injection library, the CUDA
// microbenchmarks): one search order for all of them, so that a build tree, an installed prefix
// and an explicit override behave the same way.
#include <string>
#include <vector>

namespace rafter {

// The directory of the running executable ("" when /proc/self/exe cannot be read).
std::string executable_dir();

// Candidate paths of `file_name`, in order: $env_var (when set), next to the executable,
// <executable>/../<install_libdir> (when install_libdir is not empty), then build_path (when not
// empty).
std::vector<std::string> module_candidates(const char* env_var, const std::string& file_name,
                                           const std::string& install_libdir, const std::string& build_path);

// The first candidate that is a regular file, absolute and normalized; "" when none is.
std::string first_existing_file(const std::vector<std::string>& candidates);

// "a, b, c" for error messages that say where Rafter looked.
std::string join_paths(const std::vector<std::string>& paths);

} // namespace rafter
