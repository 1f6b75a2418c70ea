// libFuzzer target: scaling scenarios (rafter scale FILE).
#include "fuzz_target.h"
#include "model/scaling/scenario.h"

FUZZ_TARGET({ (void)rafter::parse_scenario_json(bytes, "fuzz.json"); })
