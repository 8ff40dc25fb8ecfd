#include "large_blocks.h"

#include <cstdlib>
#include <cstring>
#include <list>
#include <mutex>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#define RNN_HAVE_MMAP 1
#endif

namespace rnn::large_blocks {

namespace {

// Capacities are whole multiples of this: requests a little apart in size share blocks.
constexpr std::size_t kGranule = std::size_t(2) << 20;

struct Block {
  void* data;
  std::size_t capacity;
};

struct Pool {
  std::mutex mutex;
  std::list<Block> idle;  // most recently freed first
  std::size_t idle_bytes = 0;
  std::size_t live_bytes = 0;  // handed out, not yet released
  std::size_t peak_live_bytes = 0;

  // The most the pool keeps mapped, idle blocks included.
  std::size_t limit() const { return peak_live_bytes > kKeptBytes ? peak_live_bytes : kKeptBytes; }

  // Counts `bytes` more handed out.
  void take(std::size_t bytes) {
    live_bytes += bytes;
    if (live_bytes > peak_live_bytes) peak_live_bytes = live_bytes;
  }

  // Moves the least recently freed idle blocks to `evicted` until `extra` more bytes fit under the limit.
  void evict(std::size_t extra, std::list<Block>& evicted) {
    while (!idle.empty() && live_bytes + idle_bytes + extra > limit()) {
      evicted.splice(evicted.end(), idle, std::prev(idle.end()));
      idle_bytes -= evicted.back().capacity;
    }
  }
};

Pool& pool() {
  static Pool* instance = new Pool();  // never destroyed: blocks may come back while the process exits
  return *instance;
}

// A block may be reused for a request this much smaller than its capacity, at most: 1/4 of it stays unused.
bool fits(std::size_t capacity, std::size_t wanted) { return capacity >= wanted && capacity - wanted <= capacity / 4; }

void* map(std::size_t capacity) {
#if defined(RNN_HAVE_MMAP)
  void* block = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return block == MAP_FAILED ? nullptr : block;
#else
  return std::aligned_alloc(4096, capacity);  // capacities are whole 2 MiB
#endif
}

void unmap(void* block, std::size_t capacity) {
#if defined(RNN_HAVE_MMAP)
  munmap(block, capacity);
#else
  (void)capacity;
  std::free(block);
#endif
}

}  // namespace

bool enabled() {
  static const bool on = [] {
    const char* choice = std::getenv("RNN_NATIVE_MALLOC");
    return choice == nullptr || std::strcmp(choice, "system") != 0;
  }();
  return on;
}

void* acquire(std::size_t bytes, std::size_t* capacity) {
  if (bytes > SIZE_MAX - 2 * kGranule) return nullptr;
  const std::size_t wanted = (bytes + kGranule - 1) & ~(kGranule - 1);
  Pool& p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    auto best = p.idle.end();
    for (auto it = p.idle.begin(); it != p.idle.end(); ++it) {
      if (fits(it->capacity, wanted) && (best == p.idle.end() || it->capacity < best->capacity)) best = it;
    }
    if (best != p.idle.end()) {
      *capacity = best->capacity;
      void* block = best->data;
      p.idle_bytes -= best->capacity;
      p.take(best->capacity);
      p.idle.erase(best);
      return block;
    }
  }
  // A new block. Only once the system gave it does it count: a refused request changes nothing.
  void* block = map(wanted);
  if (block == nullptr) return nullptr;
  std::list<Block> evicted;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.take(wanted);
    p.evict(0, evicted);  // idle blocks that no longer fit under the limit beside it
  }
  for (const Block& old : evicted) unmap(old.data, old.capacity);  // outside the lock: munmap takes time
  *capacity = wanted;
  return block;
}

void release(void* block, std::size_t capacity) {
  Pool& p = pool();
  std::list<Block> evicted;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.live_bytes -= capacity;
    // Room for it always exists once older idle blocks are gone: live + capacity was live before, at most the peak.
    p.evict(capacity, evicted);
    p.idle.push_front(Block{block, capacity});
    p.idle_bytes += capacity;
  }
  for (const Block& old : evicted) unmap(old.data, old.capacity);
}

Stats stats() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return Stats{p.idle_bytes, p.idle.size(), p.live_bytes, p.peak_live_bytes};
}

}  // namespace rnn::large_blocks
