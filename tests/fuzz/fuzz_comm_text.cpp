// libFuzzer target: nccl-tests and OSU output (rafter calibrate comm), parsed and fitted.
#include "fuzz_target.h"
#include "model/scaling/comm_benchmark_import.h"

FUZZ_TARGET({
    rafter::CommMeasurement m;
    if (rafter::looks_like_nccl_tests(bytes)) m = rafter::parse_nccl_tests(bytes, "fuzz.txt", std::nullopt, bytes.size() % 2);
    else if (rafter::looks_like_osu(bytes)) m = rafter::parse_osu(bytes, "fuzz.txt", std::nullopt, 8, 1);
    else return 0;
    if (!m.collective) m.collective = rafter::Collective::all_reduce;
    if (m.ranks < 1) m.ranks = 8;
    (void)rafter::fit_comm(m, 0, 0);
})
