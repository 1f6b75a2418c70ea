#pragma once
// What the benchmarks share: a wall clock, the median of repetitions, this process's resource
// usage (CPU time, peak RSS) and running one measurement in a fresh child process, so that the
// child's peak RSS is that run's alone.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace rafter::bench {

// Seconds on the monotonic clock; only differences mean anything.
inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The median; the mean of the middle two for an even count.
inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// getrusage of this process (RUSAGE_SELF) or of its waited-for children (RUSAGE_CHILDREN).
inline rusage resource_usage(int who = RUSAGE_SELF) {
    rusage ru{};
    getrusage(who, &ru);
    return ru;
}

// User + system CPU seconds.
inline double cpu_seconds(const rusage& ru) {
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

// Peak RSS in MiB (ru_maxrss is in KiB on Linux).
inline double peak_rss_mb(const rusage& ru) { return static_cast<double>(ru.ru_maxrss) / 1024.0; }

// This executable's path, for re-executing it as a child ("/proc/self/exe" if it cannot be read).
inline std::string self_exe() {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "/proc/self/exe";
    buf[n] = '\0';
    return buf;
}

struct ChildRun {
    double seconds = 0;      // wall time from fork to exit
    double cpu_seconds = 0;  // user + system of the child, from wait4
    double peak_rss_mb = 0;  // of the child alone
    std::string out;         // what the child printed on stdout
    int status = -1;         // as wait4 reports it; -1 when the child could not be started

    bool succeeded() const { return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

// Runs argv (a path, or a name looked up on PATH) in a child process and waits for it.
inline ChildRun run_child(const std::vector<std::string>& argv) {
    ChildRun r;
    int fds[2];
    if (pipe(fds) != 0) {
        std::perror("pipe");
        return r;
    }
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        std::perror("fork");
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        std::perror("execvp");
        _exit(127);
    }
    close(fds[1]);
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
    close(fds[0]);
    rusage ru{};
    if (wait4(pid, &r.status, 0, &ru) < 0) r.status = -1;
    r.seconds = now_s() - t0;
    r.cpu_seconds = cpu_seconds(ru);
    r.peak_rss_mb = peak_rss_mb(ru);
    return r;
}

} // namespace rafter::bench
