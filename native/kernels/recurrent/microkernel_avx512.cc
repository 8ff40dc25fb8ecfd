// The microkernel for AVX-512: 512-bit vectors, 8 rows by 2 vectors per tile (16 of the 32 registers accumulate).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#pragma GCC target("avx512f,avx512vl,avx2,fma")
#endif
#define RNN_ISA avx512
#define RNN_VEC_BYTES 64
#define RNN_TILE_ROWS tile_rows(Isa::Avx512)
#include "microkernel.inc"
