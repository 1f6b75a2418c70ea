#include "profiler/inject/inject_log.h"

#include <atomic>
#include <mutex>
#include <set>
#include <unistd.h>

namespace rafter::cupti {

namespace {
std::atomic<bool> g_quiet{false};
std::mutex g_mutex;
std::set<std::string>* g_seen = new std::set<std::string>;  // leaked: used from atexit handlers
} // namespace

void set_inject_log_quiet(bool quiet) { g_quiet = quiet; }

void inject_log(const std::string& message) {
    if (g_quiet) return;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (!g_seen->insert(message).second) return;
    }
    std::string line = "rafter[" + std::to_string(getpid()) + "]: " + message + "\n";
    // write(2) directly: stdio may already be torn down when atexit handlers run.
    [[maybe_unused]] auto n = write(2, line.data(), line.size());
}

} // namespace rafter::cupti
