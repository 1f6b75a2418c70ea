#include "cli/profile_runner.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "profiler/gpu/backend_module.h"
#include "profiler/cupti/inject_env.h"
#include "traces/native_format.h"

extern char** environ;

namespace rafter::cli {

using namespace cupti;
using namespace profiler;

namespace fs = std::filesystem;

namespace {

std::map<std::string, fs::file_time_type> rafter_files(const std::string& dir) {
    std::map<std::string, fs::file_time_type> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().extension() != ".rafter") continue;
        out[e.path().string()] = e.last_write_time(ec);
    }
    return out;
}

std::atomic<pid_t> g_child{0};

void forward_to_child(int sig) {
    if (pid_t c = g_child.load()) kill(c, sig);
}

// fork + exec with `env`; waits, forwarding SIGTERM/SIGHUP to the child and ignoring SIGINT
// (the terminal sends it to the whole process group, the child included).
int run_child(const std::vector<std::string>& command, const std::vector<std::string>& env) {
    std::vector<char*> argv, envp;
    for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    struct sigaction ign{}, fwd{}, old_int{}, old_term{}, old_hup{};
    ign.sa_handler = SIG_IGN;
    fwd.sa_handler = forward_to_child;
    sigemptyset(&ign.sa_mask);
    sigemptyset(&fwd.sa_mask);
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGTERM, &fwd, &old_term);
    sigaction(SIGHUP, &fwd, &old_hup);

    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        sigaction(SIGINT, &old_int, nullptr);
        sigaction(SIGTERM, &old_term, nullptr);
        sigaction(SIGHUP, &old_hup, nullptr);
        throw Error(ExitCode::failure, std::string("fork failed: ") + std::strerror(err));
    }
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        environ = envp.data();
        execvp(argv[0], argv.data());
        std::string msg = "rafter profile: cannot run '" + command[0] + "': " + std::strerror(errno) + "\n";
        [[maybe_unused]] auto n = write(2, msg.data(), msg.size());
        _exit(127);
    }
    g_child = pid;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    g_child = 0;
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    sigaction(SIGHUP, &old_hup, nullptr);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>>& set) {
    std::set<std::string> names;
    for (const auto& [k, v] : set) names.insert(k);
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string s = *e;
        auto eq = s.find('=');
        if (eq != std::string::npos && names.count(s.substr(0, eq))) continue;
        env.push_back(std::move(s));
    }
    for (const auto& [k, v] : set) env.push_back(k + "=" + v);
    return env;
}

RunResult run_once(const ProfileRequest& req, ProfileMode mode, const std::string& dir, const BackendModule& module,
                   std::ostream& log) {
    ensure_directory(dir);
    auto before = rafter_files(dir);
    InjectConfig c;
    c.mode = mode;
    c.dir = fs::absolute(dir).lexically_normal().string();
    c.ranges_per_batch = req.ranges_per_batch;
    c.trace_api = req.trace_api;
    c.buffer_mb = req.buffer_mb;
    c.quiet = req.quiet;
    auto vars = inject_environment(c);
    vars.emplace_back(kEnvInjection, module.path);
    // NVTX ranges reach CUPTI only through NVTX's own injection hook; keep another tool's.
    const char* nvtx = std::getenv(kEnvNvtxInjection);
    if ((!nvtx || !*nvtx) && module.api->nvtx_injection_library()[0])
        vars.emplace_back(kEnvNvtxInjection, module.api->nvtx_injection_library());
    log << "rafter profile: running '" << req.command[0] << "' in " << to_string(mode) << " mode\n";
    RunResult r;
    r.mode = mode;
    r.exit_status = run_child(req.command, child_environment(vars));
    for (const auto& [path, t] : rafter_files(dir)) {
        auto it = before.find(path);
        if (it == before.end() || it->second != t) r.traces.push_back(path);
    }
    return r;
}

} // namespace

DriverProbe check_profiling_possible() {
    if (!gpu_backend_built()) throw Error(ExitCode::not_available, gpu_backend_build_reason());
    DriverProbe probe = probe_cuda_driver();
    if (!probe.ok) throw Error(ExitCode::no_device, "no CUDA device: " + probe.reason);
    load_backend_module();  // throws not_available naming where it looked
    return probe;
}

ProfileResult run_profile(const ProfileRequest& req, std::ostream& log) {
    if (req.command.empty()) throw Error(ExitCode::usage, "no command to profile (put it after --)");
    const BackendModule& module = load_backend_module();
    ProfileResult res;
    if (req.mode == ProfileMode::both) {
        res.runs.push_back(run_once(req, ProfileMode::time, (fs::path(req.out_dir) / "time").string(), module, log));
        res.runs.push_back(run_once(req, ProfileMode::counters, (fs::path(req.out_dir) / "counters").string(), module, log));
        res.traces = join_runs(res.runs[0].traces, res.runs[1].traces, req.out_dir, res.notes);
    } else {
        res.runs.push_back(run_once(req, req.mode, req.out_dir, module, log));
        res.traces = res.runs[0].traces;
    }
    for (const auto& r : res.runs)
        if (r.exit_status != 0) {
            res.exit_status = r.exit_status;
            break;
        }
    return res;
}

std::string metric_plan_text(const std::string& chip) {
    const BackendModule& module = load_backend_module();
    std::string text;
    char error[1024] = {};
    auto sink = [](void* ctx, const char* data, size_t n) { static_cast<std::string*>(ctx)->append(data, n); };
    int rc = module.api->plan(chip.c_str(), sink, &text, error, sizeof error);
    if (rc != 0) throw Error(static_cast<ExitCode>(rc), error);
    return text;
}

} // namespace rafter::cli
