#include "profiler/cupti/profile_runner.h"

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
#include "profiler/cupti/backend_module.h"
#include "profiler/cupti/inject_env.h"
#include "traces/native_format.h"

extern char** environ;

namespace rafter::cupti {

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
    if ((!nvtx || !*nvtx) && module.api->cupti_library_path()[0])
        vars.emplace_back(kEnvNvtxInjection, module.api->cupti_library_path());
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

std::string pair_key(const Trace& t, const std::string& path, bool& ranked) {
    ranked = t.meta.rank >= 0;
    if (ranked) return t.meta.host + "/rank" + std::to_string(t.meta.rank);
    (void)path;
    return t.meta.host;
}

} // namespace

DriverProbe check_profiling_possible() {
    if (!cupti_built()) throw Error(ExitCode::not_available, cupti_build_reason());
    DriverProbe probe = probe_cuda_driver();
    if (!probe.ok) throw Error(ExitCode::no_device, "no CUDA device: " + probe.reason);
    load_backend_module();  // throws not_available naming where it looked
    return probe;
}

std::vector<std::string> join_runs(const std::vector<std::string>& time_traces,
                                   const std::vector<std::string>& counter_traces, const std::string& out_dir,
                                   std::vector<std::string>& notes) {
    std::map<std::string, std::vector<std::pair<std::string, Trace>>> by_key_time, by_key_counters;
    for (const auto& p : time_traces) {
        Trace t = read_native_trace(p);
        bool ranked = false;
        std::string k = pair_key(t, p, ranked);
        by_key_time[k].emplace_back(p, std::move(t));
    }
    for (const auto& p : counter_traces) {
        Trace t = read_native_trace(p);
        bool ranked = false;
        std::string k = pair_key(t, p, ranked);
        by_key_counters[k].emplace_back(p, std::move(t));
    }
    std::vector<std::string> out;
    for (auto& [key, times] : by_key_time) {
        auto it = by_key_counters.find(key);
        if (it == by_key_counters.end()) {
            notes.push_back("no counters trace for " + key + " (" + times.front().first + "); kept without counters");
            continue;
        }
        if (times.size() != 1 || it->second.size() != 1) {
            notes.push_back("cannot pair " + std::to_string(times.size()) + " timed and " +
                            std::to_string(it->second.size()) + " counted processes of " + key +
                            " (no rank to tell them apart); they are left unjoined");
            by_key_counters.erase(it);
            continue;
        }
        Trace& t = times.front().second;
        JoinStats st = join_counters_into_time(t, it->second.front().second);
        const std::string path = (fs::path(out_dir) / fs::path(times.front().first).filename()).string();
        save_native_trace(t, path);
        out.push_back(path);
        notes.push_back(key + ": " + std::to_string(st.matched) + " launches joined" +
                        (st.name_mismatches ? ", " + std::to_string(st.name_mismatches) + " name mismatches" : "") +
                        (st.only_time ? ", " + std::to_string(st.only_time) + " timed without counters" : "") +
                        (st.only_counters ? ", " + std::to_string(st.only_counters) + " counted without timing" : ""));
        by_key_counters.erase(it);
    }
    for (const auto& [key, v] : by_key_counters)
        notes.push_back("no timed trace for " + key + " (" + v.front().first + ")");
    std::sort(out.begin(), out.end());
    return out;
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

} // namespace rafter::cupti
