#pragma once
// Writers for a ScalingResult: a table for people, CSV, and JSON with schema "rafter.scaling/2"
// (docs/architecture.md, "JSON contracts"). They write to the stream they are given.
#include <ostream>

#include "analysis/step_replay.h"
#include "core/json_writer.h"
#include "model/scaling/scaling_run.h"

namespace rafter {

// `profile`: the steps of measured traces replayed with the communication model (--profile), or null.
void write_scaling_table(std::ostream& out, const ScalingResult& r, const ReplayReport* profile = nullptr);
void write_scaling_csv(std::ostream& out, const ScalingResult& r);
void write_scaling_json(JsonWriter& w, const ScalingResult& r, const ReplayReport* profile = nullptr);

} // namespace rafter
