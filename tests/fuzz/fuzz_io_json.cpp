// libFuzzer target: I/O profiles (rafter.io_profile/1) and fio --output-format=json.
#include "fuzz_target.h"
#include "model/scaling/fio_import.h"
#include "model/scaling/io_profile.h"

FUZZ_TARGET({
    if (bytes.size() % 2) (void)rafter::parse_fio_json(bytes, "fuzz.json");
    else (void)rafter::parse_io_profile_json(bytes, "fuzz.json");
})
