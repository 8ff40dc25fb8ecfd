#include "team.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace rnn {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Waiting for other team threads: spin (a barrier between two running threads takes well under a microsecond), and
// after kSpinsBeforeYield turns give the core away at every turn, so that a thread the OS has descheduled (more
// runnable threads than free cores: other processes, a team larger than the machine) gets to run instead of waiting
// out a whole time slice behind the spinner.
constexpr unsigned kSpinsBeforeYield = 1 << 8;

template <typename Done>
inline void wait_until(Done done) {
  for (unsigned spins = 0; !done(); ++spins) {
    if (spins < kSpinsBeforeYield) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
}

// How long an idle worker spins for the next job before it sleeps.
constexpr auto kIdleSpin = std::chrono::microseconds(300);

struct Team {
  std::mutex mutex;
  std::condition_variable wake;
  std::atomic<std::uint64_t> generation{0};  // one more for every job
  std::atomic<int> remaining{0};             // workers still running the current job
  const std::function<void(int)>* job = nullptr;
  int job_threads = 1;
  int workers = 0;  // started so far; they never exit (detached, so process exit does not wait for them)
  std::atomic<int> size{1};  // team_size(): read by any thread, set by kernels' turn on the executor
  std::atomic<int> barrier_count{0};
  std::atomic<int> barrier_phase{0};
};

Team& team() {
  // Never destroyed: detached workers may still read it while the process exits.
  static Team* instance = [] {
    auto* t = new Team;
    t->size.store(std::max(1, openblas_get_num_threads()));
    openblas_set_num_threads(1);
    return t;
  }();
  return *instance;
}

// `seen`: the generation when the worker was started, so that it runs the job it was started for.
void worker_loop(int id, std::uint64_t seen) {
  Team& t = team();
  for (;;) {
    const auto start = std::chrono::steady_clock::now();
    for (unsigned spins = 0; t.generation.load(std::memory_order_acquire) == seen; ++spins) {
      cpu_relax();
      if ((spins & 255) == 255 && std::chrono::steady_clock::now() - start > kIdleSpin) {
        std::unique_lock<std::mutex> lock(t.mutex);
        t.wake.wait(lock, [&] { return t.generation.load(std::memory_order_acquire) != seen; });
        break;
      }
    }
    seen = t.generation.load(std::memory_order_acquire);
    if (id < t.job_threads) {
      (*t.job)(id);
      t.remaining.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
}

}  // namespace

int team_size() { return team().size.load(std::memory_order_relaxed); }

void set_team_size(int threads) { team().size.store(std::max(1, threads), std::memory_order_relaxed); }

void team_run(int threads, const std::function<void(int tid)>& job) {
  Team& t = team();
  threads = std::max(1, std::min(threads, t.size.load(std::memory_order_relaxed)));
  if (threads == 1) {
    t.job_threads = 1;
    job(0);
    return;
  }
  while (t.workers < threads - 1) {
    try {
      std::thread(worker_loop, t.workers + 1, t.generation.load(std::memory_order_relaxed)).detach();
    } catch (const std::system_error&) {
      throw std::bad_alloc();  // no thread to be had (memory or process limits): the call fails cleanly
    }
    ++t.workers;
  }
  t.job = &job;
  t.job_threads = threads;
  t.remaining.store(threads - 1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(t.mutex);
    t.generation.fetch_add(1, std::memory_order_acq_rel);
  }
  t.wake.notify_all();
  job(0);
  wait_until([&] { return t.remaining.load(std::memory_order_acquire) == 0; });
  t.job_threads = 1;
}

void team_barrier() {
  Team& t = team();
  const int n = t.job_threads;
  if (n == 1) return;
  const int phase = t.barrier_phase.load(std::memory_order_acquire);
  if (t.barrier_count.fetch_add(1, std::memory_order_acq_rel) == n - 1) {
    t.barrier_count.store(0, std::memory_order_relaxed);
    t.barrier_phase.store(phase + 1, std::memory_order_release);
  } else {
    wait_until([&] { return t.barrier_phase.load(std::memory_order_acquire) != phase; });
  }
}

Share share(int tid, int threads, std::size_t total, std::size_t align) {
  const std::size_t blocks = (total + align - 1) / align;
  const std::size_t begin = std::min(total, blocks * tid / threads * align);
  const std::size_t end = std::min(total, blocks * (tid + 1) / threads * align);
  return {begin, end};
}

void parallel_for(int threads, std::size_t total, const std::function<void(std::size_t, std::size_t)>& body) {
  threads = std::max(1, std::min<int>(threads, int(std::min<std::size_t>(total, 1 << 20))));
  team_run(threads, [&](int tid) {
    const Share s = share(tid, threads, total);
    if (s.begin < s.end) body(s.begin, s.end);
  });
}

int threads_for(double work, double per_thread) {
  const double wanted = work / per_thread;
  return wanted < 2 ? 1 : int(std::min<double>(wanted, team_size()));
}

}  // namespace rnn
