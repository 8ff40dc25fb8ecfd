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
// Idle blocks are kept up to kIdleBytes in all; beyond that the least recently freed go back to the system. Off with
// RNN_NATIVE_MALLOC=system (the facade then allocates through Node, as for small arrays).
#pragma once
#include <cstddef>

namespace rnn::large_blocks {

// Arrays smaller than this come from Node's allocator: glibc's heap recycles them well enough (malloc_policy.h).
constexpr std::size_t kMinBytes = std::size_t(4) << 20;
// At most this many bytes of freed blocks wait for reuse.
constexpr std::size_t kIdleBytes = std::size_t(256) << 20;

// Whether the pool serves arrays (RNN_NATIVE_MALLOC is not `system`); read once per process.
bool enabled();

// A page-aligned block of at least `bytes` bytes (bytes >= kMinBytes), uninitialized; its capacity is stored in
// `*capacity` for release. nullptr when the system refuses the memory.
void* acquire(std::size_t bytes, std::size_t* capacity);

// Gives back a block from acquire with its capacity; any thread may call it.
void release(void* block, std::size_t capacity);

// Idle bytes waiting for reuse and blocks mapped in all (for the tests).
struct Stats {
  std::size_t idle_bytes;
  std::size_t idle_blocks;
  std::size_t mapped_blocks;
};
Stats stats();

}  // namespace rnn::large_blocks
