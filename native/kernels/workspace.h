// One uninitialized allocation per call, carved into the buffers a kernel needs, so that nothing is
// allocated inside a time loop. Throws std::bad_alloc when the block does not fit in memory.
#pragma once
#include <cassert>
#include <cstddef>
#include <memory>

namespace rnn {

template <typename Real>
class Workspace {
 public:
  explicit Workspace(std::size_t elements) : block_(new Real[elements]), size_(elements) {}

  // The next `elements` values of the block.
  Real* take(std::size_t elements) {
    Real* slice = block_.get() + used_;
    used_ += elements;
    assert(used_ <= size_);
    return slice;
  }

  std::size_t size() const { return size_; }

 private:
  std::unique_ptr<Real[]> block_;
  std::size_t size_;
  std::size_t used_ = 0;
};

}  // namespace rnn
