// Recycled multi-megabyte blocks for the arrays the facade hands to JavaScript: results and caches.
//
// Every call allocates its results and caches afresh, and JavaScript frees them only when its collector finds them
// dead. A block fresh from the system page-faults on each page it touches first (microseconds a fault under a
// hypervisor: 40 thousand faults were over half of a large LSTM forward), and glibc serves anything of 32 MiB or more
// (the highest mmap threshold it accepts) from a fresh mmap every time. Here a freed block goes to an idle list
// instead, and the next call of the same sizes gets it back with its pages still mapped: no fault and no zeroing.
// Capacities are multiples of 2 MiB. Blocks are not advised into transparent huge pages: with recycling, only a process's first
// calls touch fresh memory, and there (this machine's defrag=madvise compacting memory on each fault) huge pages made
// a large LSTM forward's first calls 450–520 ms against 220–400 ms in 4 KiB pages; later calls ran alike.
//
// The pool keeps mapped, idle blocks included, at most the larger of kKeptBytes and the most bytes the program ever
// held live in such arrays at once: it never holds more memory than the program's own high-water mark (or 256 MiB).
// Beyond that the least recently freed blocks go back to the system. The collector frees results in bursts, several
// calls' worth at a time, so a fixed 256 MiB of idle blocks let large calls (150 MB each) map a third of their
// arrays afresh every call. Off with RNN_NATIVE_MALLOC=system (the facade then allocates through Node, as for small
// arrays).
#pragma once
#include <cstddef>

namespace rnn::large_blocks {

// Arrays smaller than this come from Node's allocator: glibc's heap recycles them well enough (malloc_policy.h).
constexpr std::size_t kMinBytes = std::size_t(4) << 20;
// The pool may keep this many bytes mapped even when the program never held as much live.
constexpr std::size_t kKeptBytes = std::size_t(256) << 20;

// Whether the pool serves arrays (RNN_NATIVE_MALLOC is not `system`); read once per process.
bool enabled();

// A page-aligned block of at least `bytes` bytes (bytes >= kMinBytes), uninitialized; its capacity is stored in
// `*capacity` for release. nullptr when the system refuses the memory.
void* acquire(std::size_t bytes, std::size_t* capacity);

// Gives back a block from acquire with its capacity; any thread may call it.
void release(void* block, std::size_t capacity);

// The pool's state (for the tests): idle bytes and blocks waiting for reuse, bytes handed out and their peak.
struct Stats {
  std::size_t idle_bytes;
  std::size_t idle_blocks;
  std::size_t live_bytes;
  std::size_t peak_live_bytes;
};
Stats stats();

}  // namespace rnn::large_blocks
