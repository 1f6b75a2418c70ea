#include "profiler/gpu/run_identity.h"

#include <cstdlib>
#include <optional>
#include <vector>
#include <unistd.h>

#include "core/text.h"

namespace rafter::profiler {

namespace {

std::optional<int32_t> read_int(const EnvLookup& env, const char* name) {
    const char* v = env(name);
    if (!v || !*v) return std::nullopt;
    auto d = parse_number(v);
    if (!d || *d < 0 || *d != static_cast<double>(static_cast<int32_t>(*d))) return std::nullopt;
    return static_cast<int32_t>(*d);
}

struct RankSource {
    const char* rank;
    const char* size;
};

} // namespace

RunIdentity identify_run(const EnvLookup& env, std::string host, int64_t pid) {
    RunIdentity id;
    id.host = std::move(host);
    id.pid = pid;
    const bool torchrun = env("LOCAL_RANK") || env("TORCHELASTIC_RUN_ID");
    std::vector<RankSource> order;
    if (torchrun) order.push_back({"RANK", "WORLD_SIZE"});
    order.insert(order.end(), {{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
                               {"PMI_RANK", "PMI_SIZE"},
                               {"PMIX_RANK", "PMIX_SIZE"},
                               {"SLURM_PROCID", "SLURM_NTASKS"},
                               {"RANK", "WORLD_SIZE"}});
    for (const auto& s : order) {
        if (auto r = read_int(env, s.rank)) {
            id.rank = *r;
            id.rank_source = s.rank;
            if (auto w = read_int(env, s.size)) id.world_size = *w;
            break;
        }
    }
    return id;
}

RunIdentity current_run_identity() {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return identify_run([](const char* n) { return std::getenv(n); }, host[0] ? host : "unknown-host",
                        static_cast<int64_t>(getpid()));
}

std::string trace_file_name(const RunIdentity& id) {
    std::string host;
    for (char c : id.host) {
        bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
        host += safe ? c : '_';
    }
    if (host.empty()) host = "unknown-host";
    std::string name = host + "-pid" + std::to_string(id.pid);
    name += id.rank >= 0 ? "-rank" + std::to_string(id.rank) : std::string("-norank");
    return name + ".rafter";
}

} // namespace rafter::profiler
