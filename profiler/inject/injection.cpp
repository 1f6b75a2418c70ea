// librafter_inject.so, entered by the CUDA driver: `rafter profile` sets CUDA_INJECTION64_PATH to
// this library, and the driver calls InitializeInjection() while the program initializes CUDA.
// From then on the program is profiled unchanged; its trace is written at exit, on SIGINT/SIGTERM
// (when the program does not handle them itself), and never from a forked child.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <pthread.h>
#include <string>
#include <thread>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "profiler/cupti/backend.h"
#include "profiler/cupti/device_probe.h"
#include "profiler/cupti/inject_env.h"
#include "profiler/inject/inject_log.h"
#include "traces/native_format.h"

#define RAFTER_EXPORT extern "C" __attribute__((visibility("default")))

using namespace rafter;
using namespace rafter::cupti;

namespace {

std::once_flag g_once;
int g_init_result = 0;
pid_t g_pid = 0;
InjectConfig g_config;
std::mutex g_finish_mutex;
bool g_finished = false;

// Signal handling: the handler only writes the signal's number to a pipe and returns at once; a
// watcher thread (with signals blocked) flushes and writes the trace, then ends the process with
// that signal's default action. The handler must not wait for the flush: the thread it interrupted
// may be inside the CUDA driver, holding locks the flush needs (seen on an H200: a SIGTERM during
// a launch loop waited out the 20 s the handler allowed, and no trace was written).
int g_wake[2] = {-1, -1};
struct sigaction g_prev_int{}, g_prev_term{};
std::atomic<bool> g_signal_flush{false};

void finish_and_write() {
    if (getpid() != g_pid) return;  // a forked child inherits our atexit handler; it owns no trace
    std::lock_guard<std::mutex> lock(g_finish_mutex);
    if (g_finished) return;
    g_finished = true;
    Backend& b = Backend::instance();
    try {
        b.stop();
    } catch (const std::exception& e) {
        inject_log(std::string("stopping the profiler failed: ") + e.what());
    }
    if (!b.saw_cuda_work()) {
        inject_log("no CUDA work was recorded; no trace written");
        return;
    }
    const std::string path = g_config.dir + "/" + profiler::trace_file_name(profiler::current_run_identity());
    try {
        ensure_directory(g_config.dir);
        save_native_trace(b.trace(), path);
        inject_log("wrote " + path + " (" + std::to_string(b.trace().kernels.size()) + " kernels, " +
                   std::to_string(b.trace().copies.size()) + " copies)");
    } catch (const std::exception& e) {
        inject_log(std::string("could not write the trace: ") + e.what());
    }
}

void on_exit_handler() { finish_and_write(); }

void watcher() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    unsigned char c = 0;
    while (read(g_wake[0], &c, 1) < 0 && errno == EINTR) {
    }
    finish_and_write();
    const int sig = c;
    signal(sig, SIG_DFL);
    kill(getpid(), sig);  // delivered to a thread that does not block it: the default action ends us
}

bool is_function(const struct sigaction& a) {
    if (a.sa_flags & SA_SIGINFO) return a.sa_sigaction != nullptr;
    return a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN;
}

void on_signal(int sig, siginfo_t* info, void* uctx) {
    const struct sigaction& prev = sig == SIGINT ? g_prev_int : g_prev_term;
    if (getpid() == g_pid && is_function(prev)) {
        // The program handles this signal (Python turns SIGINT into KeyboardInterrupt); it will
        // exit normally and our atexit handler writes the trace.
        if (prev.sa_flags & SA_SIGINFO) prev.sa_sigaction(sig, info, uctx);
        else prev.sa_handler(sig);
        return;
    }
    if (prev.sa_handler == SIG_IGN && !(prev.sa_flags & SA_SIGINFO)) return;
    if (getpid() == g_pid && !g_signal_flush.exchange(true)) {
        const unsigned char c = static_cast<unsigned char>(sig);
        if (write(g_wake[1], &c, 1) == 1) return;  // the watcher takes it from here
    }
    // A second signal while the trace is being written, a forked child, or no watcher: end now.
    signal(sig, SIG_DFL);
    raise(sig);
}

void install_signal_handlers() {
    if (pipe(g_wake) != 0) {
        inject_log("no pipe for signal handling; a killed run will leave no trace");
        return;
    }
    std::thread(watcher).detach();
    struct sigaction a{};
    a.sa_sigaction = on_signal;
    a.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&a.sa_mask);
    sigaction(SIGINT, &a, &g_prev_int);
    sigaction(SIGTERM, &a, &g_prev_term);
}

void forget_in_child() { Backend::instance().forget_after_fork(); }

int initialize() {
    std::vector<std::string> problems;
    g_config = read_inject_config([](const char* n) { return std::getenv(n); }, &problems);
    set_inject_log_quiet(g_config.quiet);
    for (const auto& p : problems) inject_log(p);
    g_pid = getpid();

    const std::string driver = cuda_driver_library();
    BackendOptions o;
    o.mode = g_config.mode;
    o.tracer.api = g_config.trace_api;
    o.tracer.buffer_bytes = static_cast<size_t>(g_config.buffer_mb) << 20;
    o.ranges_per_batch = g_config.ranges_per_batch;
    o.metrics = g_config.metrics;
    o.log = inject_log;
    // Called by the driver, we run inside cuInit: the driver is loaded and must not be
    // re-entered. Called any other way (a test, a program calling us), check for a device first.
    o.probe_driver = false;
    if (!cuda_driver_already_loaded(driver)) {
        DriverProbe probe = probe_cuda_driver(driver);
        if (!probe.ok) {
            inject_log("no CUDA device: " + probe.reason + " (this process is not profiled)");
            return 0;
        }
    }
    try {
        Backend::instance().start(o);
    } catch (const std::exception& e) {
        inject_log(std::string("not profiling: ") + e.what());
        return 0;
    }
    std::atexit(on_exit_handler);
    install_signal_handlers();
    pthread_atfork(nullptr, nullptr, forget_in_child);
    inject_log(std::string("profiling (") + to_string(g_config.mode) + " mode); traces go to " + g_config.dir);
    return 1;
}

} // namespace

// The CUDA driver's injection entry point. Returns 1 when profiling started, 0 when not (no
// device, CUPTI refused); the program runs normally either way.
RAFTER_EXPORT int InitializeInjection(void) {
    std::call_once(g_once, [] { g_init_result = initialize(); });
    return g_init_result;
}
