// The compute team: the calling thread plus persistent worker threads that run one job at a time together and meet
// at spin barriers. Kernels run one at a time process-wide (native/binding/run.h), so there is one team and one job.
// Workers spin briefly between jobs, so that the many short jobs of one call (and back-to-back calls) start without
// a kernel wake-up, then sleep.
#pragma once
#include <cstddef>
#include <functional>

namespace rnn {

// The number of threads a job may use: setNumThreads() in the API. The default is the machine's core count, or
// OPENBLAS_NUM_THREADS / OMP_NUM_THREADS when set. OpenBLAS itself is kept single-threaded (set_team_size does it
// at start-up): every BLAS call runs on one team thread, on that thread's share of the rows.
int team_size();
void set_team_size(int threads);

// Runs job(tid) on `threads` threads, tid 0 on the calling thread, and returns when every one has returned.
// threads ≤ team_size(). Not reentrant: a job must not call team_run.
void team_run(int threads, const std::function<void(int tid)>& job);

// Inside a job: waits until all of its threads have reached the barrier. Memory written before it by any thread
// is visible after it to all.
void team_barrier();

// The half-open share [begin, end) of `total` items that thread tid of `threads` takes: contiguous, in order,
// sizes differing by at most `align` (begin is a multiple of align except where total is reached).
struct Share {
  std::size_t begin, end;
};
Share share(int tid, int threads, std::size_t total, std::size_t align = 1);

// Runs body(begin, end) over [0, total) split among `threads` threads (one share each); one team job.
void parallel_for(int threads, std::size_t total, const std::function<void(std::size_t, std::size_t)>& body);

// Elementwise work (copies, transposes, sums) below this many elements per thread is not worth another thread.
constexpr double kElementsPerThread = 1 << 16;

// How many of the team's threads a job of `work` multiply-adds (or element operations) is worth: one thread per
// `per_thread` items, at least 1, at most team_size().
int threads_for(double work, double per_thread);

}  // namespace rnn
