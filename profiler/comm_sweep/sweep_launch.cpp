#include "profiler/comm_sweep/sweep_launch.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/module_path.h"

extern char** environ;

namespace rafter {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSweepName = "rafter-comm-sweep";

bool executable(const std::string& path) { return !path.empty() && access(path.c_str(), X_OK) == 0; }

// execvp's search, done up front so that a missing launcher is a clear error, not exit 127.
bool on_path(const std::string& name) {
    if (name.find('/') != std::string::npos) return executable(name);
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/local/bin:/usr/bin:/bin");
    std::string d;
    while (std::getline(dirs, d, ':'))
        if (executable((d.empty() ? std::string(".") : d) + "/" + name)) return true;
    return false;
}

std::string joined(const std::vector<std::string>& words) {
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

// The environment for the child: ours, plus OpenMPI's run-as-root consent when we are root.
std::vector<std::string> child_environment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view v(*e);
        // Open MPI leaks at exit in its own libraries; in a sanitizer build the sweep turns leak
        // reports off by default, but an ASAN_OPTIONS from the caller (scripts/test.sh sets
        // detect_leaks=1) would override that, so the sweep's copy gets detect_leaks=0 appended
        // (the last setting wins). Address and UB checks stay on.
        if (v.starts_with("ASAN_OPTIONS=")) {
            env.emplace_back(std::string(v) + ":detect_leaks=0");
        } else {
            env.emplace_back(v);
        }
    }
    if (geteuid() == 0) {
        for (const char* var : {"OMPI_ALLOW_RUN_AS_ROOT", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"})
            if (!std::getenv(var)) env.push_back(std::string(var) + "=1");
    }
    return env;
}

std::string last_lines(const std::string& text, int n) {
    size_t pos = text.size();
    if (pos && text[pos - 1] == '\n') --pos;
    while (n-- > 0 && pos != std::string::npos && pos > 0) pos = text.rfind('\n', pos - 1);
    return pos == std::string::npos || pos == 0 ? text : text.substr(pos + 1);
}

} // namespace

bool comm_sweep_built() {
#ifdef RAFTER_HAVE_MPI_SWEEP
    return true;
#else
    return false;
#endif
}

std::string comm_sweep_missing_reason() {
    if (comm_sweep_built()) return {};
    return "this rafter was built without MPI (configure found no MPI C library), so rafter-comm-sweep does not "
           "exist; install libopenmpi-dev and openmpi-bin and rebuild, or run nccl-tests / OSU and pass their output";
}

std::string comm_sweep_executable() {
    // Rafter's one search order for its own parts (core/module_path.h): $RAFTER_COMM_SWEEP, next
    // to rafter, <rafter>/../<bindir>, the build tree.
    std::string bindir, build;
#ifdef RAFTER_INSTALL_BINDIR
    bindir = RAFTER_INSTALL_BINDIR;
#endif
#ifdef RAFTER_COMM_SWEEP_BUILD_PATH
    build = RAFTER_COMM_SWEEP_BUILD_PATH;
#endif
    auto candidates = module_candidates("RAFTER_COMM_SWEEP", kSweepName, bindir, build);
    std::string path = first_existing_file(candidates);
    if (path.empty() || !executable(path))
        throw Error(ExitCode::not_available, std::string(kSweepName) + " was not found (looked in: " +
                                                 join_paths(candidates) +
                                                 "); build or install it with rafter (it needs MPI at configure "
                                                 "time) or set RAFTER_COMM_SWEEP to its path");
    return path;
}

std::vector<std::string> comm_sweep_command(const CommSweepRequest& r, const std::string& sweep_exe, unsigned cores) {
    std::vector<std::string> cmd = r.launcher;
    bool srun = !cmd.empty() && fs::path(cmd.front()).filename() == "srun";
    std::optional<int> np = r.np;
    if (!np && r.default_launcher) np = 2;
    if (np) {
        cmd.push_back(srun ? "-n" : "-np");
        cmd.push_back(std::to_string(*np));
        // OpenMPI allows one rank per core by default; on one machine, more ranks than cores is
        // still a valid (if slow) measurement of the library's shared-memory path.
        if (r.default_launcher && *np > static_cast<int>(cores)) cmd.push_back("--oversubscribe");
    }
    cmd.push_back(sweep_exe);
    for (const auto& s : {std::string("--op"), r.op, std::string("--min-bytes"), std::to_string(r.min_bytes),
                          std::string("--max-bytes"), std::to_string(r.max_bytes), std::string("--iters"),
                          std::to_string(r.iters), std::string("--warmup"), std::to_string(r.warmup)})
        cmd.push_back(s);
    return cmd;
}

bool launcher_found(const std::vector<std::string>& command) {
    return !command.empty() && on_path(command.front());
}

std::string run_comm_sweep(const std::vector<std::string>& command) {
    if (command.empty()) throw Error(ExitCode::usage, "empty MPI launcher command");
    if (!launcher_found(command))
        throw Error(ExitCode::not_available, "MPI launcher '" + command.front() +
                                                 "' not found on PATH: install openmpi-bin, or use another "
                                                 "launcher (e.g. srun)");
    std::vector<std::string> env = child_environment();
    std::vector<char*> argv, envp;
    for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw Error(ExitCode::failure, std::string("cannot create a pipe: ") + std::strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(fds[0]);
        close(fds[1]);
        throw Error(ExitCode::failure, std::string("fork failed: ") + std::strerror(err));
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
        environ = envp.data();
        execvp(argv[0], argv.data());
        std::string msg = "rafter calibrate: cannot run '" + command[0] + "': " + std::strerror(errno) + "\n";
        [[maybe_unused]] auto n = write(STDERR_FILENO, msg.data(), msg.size());
        _exit(127);
    }
    close(fds[1]);
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0) out.append(buf, static_cast<size_t>(n));
        else if (n == 0 || errno != EINTR) break;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::string how;
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) how = "exited with status " + std::to_string(WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) how = "was killed by signal " + std::to_string(WTERMSIG(status));
    if (!how.empty()) {
        std::string tail = last_lines(out, 3);
        throw Error(ExitCode::failure, "the MPI sweep '" + joined(command) + "' " + how +
                                           " (the launcher's messages, if any, are above)" +
                                           (tail.empty() ? std::string() : "; its output ended with:\n" + tail));
    }
    return out;
}

} // namespace rafter
