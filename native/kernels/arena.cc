#include "arena.h"

#include <cstdlib>
#include <new>
#include <vector>

namespace rnn {

namespace {

constexpr std::size_t kAlign = 64;

// The arena is one block. A take that does not fit while frames are open gets an overflow block of its own (the
// open frames hold pointers into the main block, so it cannot move); when the outermost frame closes, the main block
// is grown to the peak use so that the next call of the same size fits in it.
struct Arena {
  char* block = nullptr;
  std::size_t capacity = 0;
  std::size_t used = 0;
  std::size_t peak = 0;  // the most this frame nest would have used in one block
  int frames = 0;
  std::vector<void*> overflow;
};

Arena& arena() {
  static Arena* instance = new Arena;  // never destroyed: blocks are the process's, like malloc's heap
  return *instance;
}

void* aligned_block(std::size_t bytes) {
  void* p = std::aligned_alloc(kAlign, bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

Scratch::Scratch() : mark_(arena().used) { ++arena().frames; }

Scratch::~Scratch() {
  Arena& a = arena();
  a.used = mark_;
  if (--a.frames > 0) return;
  for (void* p : a.overflow) std::free(p);
  a.overflow.clear();
  if (a.peak > a.capacity) {
    std::free(a.block);
    a.block = nullptr;
    a.capacity = 0;
    try {
      a.block = static_cast<char*>(aligned_block(a.peak));
      a.capacity = a.peak;
    } catch (const std::bad_alloc&) {
      // Keep no block; the next call allocates what it needs, or fails then.
    }
  }
  a.peak = 0;
}

void* Scratch::take_bytes(std::size_t bytes) {
  Arena& a = arena();
  bytes = (bytes + kAlign - 1) / kAlign * kAlign;
  if (bytes > static_cast<std::size_t>(-1) / 2 - a.used) throw std::bad_alloc();
  const std::size_t end = a.used + bytes;
  if (end > a.peak) a.peak = end;
  if (end <= a.capacity) {
    void* p = a.block + a.used;
    a.used = end;
    return p;
  }
  // Does not fit: a block of its own, freed with the outermost frame. `used` still counts it, so that the peak
  // is the size one block would have needed.
  void* p = aligned_block(bytes == 0 ? kAlign : bytes);
  try {
    a.overflow.push_back(p);
  } catch (...) {
    std::free(p);
    throw;
  }
  a.used = end;
  return p;
}

}  // namespace rnn
