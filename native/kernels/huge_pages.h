// Fresh memory in huge pages. A multi-megabyte array the kernels are about to fill for the first time (a result or a
// cache fresh from the system) takes one page fault per 4 KiB page, and a fault costs microseconds under a
// hypervisor: 30–40 thousand of them were over half of a large LSTM forward. Asking for transparent huge pages
// before the first touch makes that one fault per 2 MiB.
#pragma once
#include <cstddef>

namespace rnn {

// Arrays smaller than this are not worth the system call (and rarely span a whole huge page).
constexpr std::size_t kHugePageAdviceBytes = std::size_t(4) << 20;

// madvise(MADV_HUGEPAGE) over the whole 2 MiB pages inside [data, data + bytes), where the system has transparent
// huge pages in madvise or always mode; a no-op elsewhere, for smaller ranges, and when the call fails.
void advise_huge_pages(void* data, std::size_t bytes);

}  // namespace rnn
