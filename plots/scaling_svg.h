#pragma once
// The scaling chart of `rafter scale` (scaling.svg): scaling efficiency against GPU count on top,
// and the step time split into compute, pipeline bubble, exposed communication and exposed I/O
// below, on a shared log2 GPU axis. Measured points and the empirical fit are drawn when the
// scenario has them.
#include <string>

#include "model/scaling/scaling_run.h"

namespace rafter {

std::string render_scaling_svg(const ScalingResult& result);

} // namespace rafter
