// The process's allocator policy for the multi-megabyte arrays that every call hands to JavaScript.
#pragma once

namespace rnn {

// With glibc's defaults, blocks of a few MB come from fresh mmaps or from heap memory trimmed back to the system
// after each call, so every call page-faults on all of its results (hundreds of faults and ~1 ms a call at the
// benchmark's medium shape). This raises the mmap threshold to 32 MiB and the trim threshold to 256 MiB, so that
// such blocks come from the heap and are reused warm. Nothing happens when the user chose a policy of their own
// (MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_ set), with RNN_NATIVE_MALLOC=system, or off glibc.
// Returns whether the policy was applied.
bool keep_large_blocks_warm();

}  // namespace rnn
