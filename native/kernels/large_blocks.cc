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
  std::size_t mapped_blocks = 0;
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
  return std::malloc(capacity);
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
      const Block block = *best;
      p.idle.erase(best);
      p.idle_bytes -= block.capacity;
      *capacity = block.capacity;
      return block.data;
    }
  }
  void* block = map(wanted);
  if (block == nullptr) return nullptr;
  std::lock_guard<std::mutex> lock(p.mutex);
  ++p.mapped_blocks;
  *capacity = wanted;
  return block;
}

void release(void* block, std::size_t capacity) {
  Pool& p = pool();
  std::list<Block> evicted;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.idle.push_front(Block{block, capacity});
    p.idle_bytes += capacity;
    while (p.idle_bytes > kIdleBytes) {
      evicted.splice(evicted.end(), p.idle, std::prev(p.idle.end()));
      p.idle_bytes -= evicted.back().capacity;
      --p.mapped_blocks;
    }
  }
  for (const Block& old : evicted) unmap(old.data, old.capacity);  // outside the lock: munmap takes time
}

Stats stats() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return Stats{p.idle_bytes, p.idle.size(), p.mapped_blocks};
}

}  // namespace rnn::large_blocks
