// libFuzzer target: machine files and ERT roofline.json (the --machine FILE readers).
#include "fuzz_target.h"
#include "model/machines/machine.h"

FUZZ_TARGET({
    if (bytes.size() % 2) (void)rafter::parse_ert_json(bytes, "fuzz.json");
    else (void)rafter::parse_machine_json(bytes, "fuzz.json");
})
