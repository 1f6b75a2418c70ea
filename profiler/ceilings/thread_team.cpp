#include "profiler/ceilings/thread_team.h"

#include <pthread.h>
#include <sched.h>

#include <chrono>

namespace rafter::ceilings {

namespace {

bool pin_to(int cpu) {
    long n = static_cast<long>(std::thread::hardware_concurrency());
    if (n <= 0) return false;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(static_cast<size_t>(cpu % n), &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

} // namespace

ThreadTeam::ThreadTeam(int threads)
    : size_(threads < 1 ? 1 : threads), start_(size_), done_(size_) {
    for (int m = 1; m < size_; ++m) threads_.emplace_back([this, m] { worker(m); });
    // The caller stays pinned for the team's life: the measurement is what matters here.
    if (!pin_to(0)) pinned_ = false;
}

ThreadTeam::~ThreadTeam() {
    stop_ = true;
    start_.arrive_and_wait();
    for (auto& t : threads_) t.join();
}

void ThreadTeam::worker(int member) {
    if (!pin_to(member)) pinned_ = false;  // benign race: only ever set to false
    for (;;) {
        start_.arrive_and_wait();
        if (stop_) return;
        (*job_)(member);
        done_.arrive_and_wait();
    }
}

double ThreadTeam::run(const std::function<void(int)>& job) {
    job_ = &job;
    start_.arrive_and_wait();
    auto t0 = std::chrono::steady_clock::now();
    job(0);
    done_.arrive_and_wait();
    auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double>(t1 - t0).count();
}

} // namespace rafter::ceilings
