#pragma once
// I/O profiles as JSON ("rafter.io_profile/1"), the output of `rafter calibrate io` and an input
// of `rafter scale --io-profile`.
#include <string>
#include <string_view>

#include "core/json_writer.h"
#include "model/scaling/io.h"

namespace rafter {

void write_io_profile_json(JsonWriter& w, const IoProfile& p);
// Throws rafter::Error naming `origin` and the field.
IoProfile parse_io_profile_json(std::string_view json, const std::string& origin);
// The profile measured on one client sets the client read bandwidth (sequential reads) and the
// metadata rate (file opens) of the system's I/O; the shared filesystem's aggregate bandwidth
// stays as the scenario gives it. Throws when the profile has no sequential bandwidth.
void apply_io_profile(IoSystem& s, const IoProfile& p, const std::string& origin);

} // namespace rafter
