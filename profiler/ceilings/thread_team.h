#pragma once
// A team of persistent worker threads, each pinned to one CPU where the OS allows, that run the
// same job together between two barriers; the caller is member 0 and times the whole round.
#include <atomic>
#include <barrier>
#include <functional>
#include <thread>
#include <vector>

namespace rafter::ceilings {

class ThreadTeam {
public:
    explicit ThreadTeam(int threads);
    ~ThreadTeam();
    ThreadTeam(const ThreadTeam&) = delete;
    ThreadTeam& operator=(const ThreadTeam&) = delete;

    int size() const { return size_; }
    bool pinned() const { return pinned_; }
    // Runs job(member) on every member; returns the seconds from the common start to the end
    // of the slowest member.
    double run(const std::function<void(int)>& job);

private:
    void worker(int member);
    int size_;
    std::atomic<bool> pinned_{true};
    bool stop_ = false;
    const std::function<void(int)>* job_ = nullptr;
    std::barrier<> start_, done_;
    std::vector<std::thread> threads_;
};

} // namespace rafter::ceilings
