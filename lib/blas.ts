// The BLAS behind the kernels. Policy: kernels run one at a time process-wide (sync and async alike), and each uses
// all of OpenBLAS's threads. This keeps concurrent GEMMs apart (OpenBLAS issue #5836) and never oversubscribes cores.
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
  /** The threads one GEMM may use now. */
  numThreads: number;
}

/** Sets the number of threads OpenBLAS uses for each matrix product (waits for a running kernel to finish). */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `n must be a number of threads, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw libraryError(RangeError, 'ERR_RNN_VALUE', `n must be an integer from 1 to 1024, got ${n}`);
  native.setNumThreads(n);
}

/** The number of threads OpenBLAS uses for each matrix product. */
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Which BLAS the kernels run on, its build and its threading. */
export function blasInfo(): BlasInfo {
  return native.blasInfo();
}
