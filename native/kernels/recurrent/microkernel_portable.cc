// The microkernel for the baseline ISA (SSE2 on x86-64, whatever 128-bit vectors the compiler has elsewhere): 6 rows by 2 vectors per tile.
#define RNN_ISA portable
#define RNN_VEC_BYTES 16
#define RNN_TILE_ROWS tile_rows(Isa::Portable)
#include "microkernel.inc"
