#include "malloc_policy.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rnn {

bool keep_large_blocks_warm() {
#if defined(__GLIBC__)
  const char* choice = std::getenv("RNN_NATIVE_MALLOC");
  if (choice != nullptr && std::strcmp(choice, "system") == 0) return false;
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr || std::getenv("MALLOC_TRIM_THRESHOLD_") != nullptr) return false;
  return mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
#else
  return false;
#endif
}

}  // namespace rnn
