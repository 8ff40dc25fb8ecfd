// Scratch memory that stays warm: one process-wide arena (kernels run one at a time, see team.h) that only grows,
// handed out in LIFO frames. After the first call of a given size, calls take already-touched pages and never
// page-fault or return memory to the system. Replaces one fresh allocation per call.
#pragma once
#include <cstddef>

namespace rnn {

// A frame of the arena: everything taken through it is given back when it goes out of scope. Frames nest (a kernel
// calling another kernel). Memory is 64-byte aligned and uninitialized. Throws std::bad_alloc when a block does
// not fit in memory.
class Scratch {
 public:
  Scratch();
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  template <typename T>
  T* take(std::size_t count) {
    return static_cast<T*>(take_bytes(count * sizeof(T)));
  }

 private:
  void* take_bytes(std::size_t bytes);
  std::size_t mark_;
};

}  // namespace rnn
