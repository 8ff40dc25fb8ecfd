// The threads and BLAS behind the kernels. Policy: kernels run one at a time process-wide (sync and async alike), each
// on the compute team of getNumThreads() threads; OpenBLAS runs single-threaded inside the team, every product on
// one team thread's share of the rows. This keeps GEMMs with different transposes apart (OpenBLAS issue #5836) and
// never oversubscribes cores.
import { native } from './native';
import { describe } from './validate';
import { libraryError } from './errors';

export interface BlasInfo {
  /** Always `OpenBLAS`. */
  vendor: string;
  /** OpenBLAS's build configuration, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64`. */
  config: string;
  /** The CPU kernel set OpenBLAS chose, e.g. `Haswell`. */
  corename: string;
  /** How OpenBLAS runs in parallel: `pthreads`, `openmp` or `sequential`. */
  threading: string;
  /** The threads of the compute team, which one call may use now (getNumThreads()). */
  numThreads: number;
}

export interface KernelInfo {
  /**
   * How the per-step recurrent product runs: `packed`, the persistent kernel (each team thread keeps its slice of
   * the recurrent weights packed in its own cache for the whole call), or `blas`, one GEMM per gate block and step
   * (the reference; selected by RNN_NATIVE_RECURRENT=blas at start-up).
   */
  recurrent: 'packed' | 'blas';
  /** The packed kernel's microkernel: `avx512`, `avx2` or `portable` (RNN_NATIVE_ISA forces one the CPU can run). */
  isa: 'avx512' | 'avx2' | 'portable';
  /** The best microkernel this CPU can run. */
  bestIsa: 'avx512' | 'avx2' | 'portable';
  /**
   * How the packed kernel deals a call's steps to the team: `auto`, per call (by rows, each thread all hidden units of
   * its examples and no barrier between steps, when every thread gets a register tile's worth of examples and the
   * recurrent weights fit the cache; else by hidden units, each thread all examples of its units), or `units` /
   * `rows` as RNN_NATIVE_SPLIT forced at start-up. Both give the same bits.
   */
  split: 'auto' | 'units' | 'rows';
  /** The threads of the compute team (getNumThreads()). */
  numThreads: number;
}

/** Sets the number of threads each call's compute team may use (waits for a running kernel to finish). */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `n must be a number of threads, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw libraryError(RangeError, 'ERR_RNN_VALUE', `n must be an integer from 1 to 1024, got ${n}`);
  native.setNumThreads(n);
}

/** The number of threads each call's compute team may use: the machine's cores unless set (or OPENBLAS_NUM_THREADS). */
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Which BLAS the kernels run on, its build and its threading. */
export function blasInfo(): BlasInfo {
  return native.blasInfo();
}

/** Which recurrent kernel and instruction set the calls run, and on how many threads. */
export function kernelInfo(): KernelInfo {
  return native.kernelInfo();
}
