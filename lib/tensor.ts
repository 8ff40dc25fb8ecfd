// The Tensor type, its conversions from and to nested arrays, and shape formatting.
import { native } from './native';

/** The two float dtypes: Float64Array runs on dgemm, Float32Array on sgemm. */
export type Float = Float64Array | Float32Array;

/** A row-major (C order) array, exactly like a numpy array: `data[i * shape[1] + j]` is element (i, j). */
export interface Tensor<F extends Float = Float> {
  readonly data: F;
  readonly shape: readonly number[];
}

/** What every tensor argument accepts. Nested arrays are copied into the dtype of the call (Float64Array unless the parameters are Float32Array tensors). */
export type TensorLike = Tensor | number[] | number[][] | number[][][];

/** A nested array of numbers, as `toNested` returns. */
export type NestedArray = number[] | NestedArray[];

export type FloatArrayConstructor = Float64ArrayConstructor | Float32ArrayConstructor;

/** `(5, 8)` */
export function shapeText(shape: readonly (number | string)[]): string {
  return `(${shape.join(', ')})`;
}

function carve<L extends number[]>(dtype: FloatArrayConstructor, buffer: ArrayBuffer, start: number, lengths: L): { [K in keyof L]: Float } {
  let offset = start;
  return lengths.map((length) => {
    const view = new dtype(buffer, offset, length);
    offset += length * dtype.BYTES_PER_ELEMENT;
    return view;
  }) as { [K in keyof L]: Float };
}

/**
 * An ArrayBuffer of `bytes` bytes whose contents are not zeroed first, for arrays the kernel overwrites entirely
 * (every result and cache buffer is): zeroing megabytes the kernel then overwrites cost a tenth of a call. Multi-megabyte
 * ones come from the addon's recycled blocks, whose pages stay mapped from one call to the next (the addon decides
 * which sizes it serves); the others from Node's allocator.
 */
const uninitialized = (bytes: number): ArrayBuffer => native.largeArrayBuffer(bytes) ?? (Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);

const bytesOf = (dtype: FloatArrayConstructor, lengths: number[]) => lengths.reduce((sum, n) => sum + n, 0) * dtype.BYTES_PER_ELEMENT;

/**
 * Small arrays carved from shared slabs, as Node's Buffer pool does: an ArrayBuffer allocation costs about 1 µs, as
 * much as the whole native work of a tiny call. Each slice is handed out once (zeroed, never reused); a live slice
 * keeps its slab alive, so only requests up to `largest` bytes share one, and larger ones get a buffer of their own.
 */
class Slabs {
  #slab: ArrayBuffer;
  #used = 0;

  constructor(private readonly slabBytes: number, private readonly largest: number) {
    this.#slab = new ArrayBuffer(slabBytes);
  }

  carve<L extends number[]>(dtype: FloatArrayConstructor, lengths: L): { [K in keyof L]: Float } {
    const bytes = bytesOf(dtype, lengths);
    if (bytes > this.largest) return carve(dtype, uninitialized(bytes), 0, lengths);
    // A caller may have detached the slab through one of its slices (its byteLength is then 0).
    if (this.#used + bytes > this.#slab.byteLength) {
      this.#slab = new ArrayBuffer(this.slabBytes);
      this.#used = 0;
    }
    const views = carve(dtype, this.#slab, this.#used, lengths);
    this.#used += Math.ceil(bytes / 64) * 64; // the next slice starts on a fresh cache line
    return views;
  }
}

// Caches' arrays are private (no caller can reach or detach their buffer), so they share slabs in every call.
const cacheSlabs = new Slabs(120 * 1024, 30 * 1024);
const resultSlabs = new Slabs(64 * 1024, 8 * 1024);

/**
 * Arrays of the given lengths as views of one ArrayBuffer, for what a call keeps to itself (caches): one allocation
 * instead of several, shared with other calls' caches when small. Small ones are zeroed, large ones are not: the
 * caller must write every element (the kernels do).
 */
export function allocate<L extends number[]>(dtype: FloatArrayConstructor, ...lengths: L): { [K in keyof L]: Float } {
  return cacheSlabs.carve(dtype, lengths);
}

/**
 * Like allocate, for the results a caller receives. With `shared` (sync calls only), results of up to 8 KiB in all
 * are views of a shared 64 KiB slab (their `buffer` is larger than they are and holds other results too); larger
 * ones, and those of async calls, get a buffer of their own: a kernel still writing must never share a buffer the
 * caller could detach.
 */
export function allocateResults<L extends number[]>(dtype: FloatArrayConstructor, shared: boolean, ...lengths: L): { [K in keyof L]: Float } {
  return shared ? resultSlabs.carve(dtype, lengths) : carve(dtype, uninitialized(bytesOf(dtype, lengths)), 0, lengths);
}
