// The microkernel for AVX2 + FMA: 256-bit vectors, 6 rows by 2 vectors per tile (12 of the 16 registers accumulate).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC target("avx2,fma")
#endif
#define RNN_ISA avx2
#define RNN_VEC_BYTES 32
#define RNN_TILE_ROWS tile_rows(Isa::Avx2)
#include "microkernel.inc"
