// The Tensor type, its conversions from and to nested arrays, and shape formatting.

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

const bytesOf = (dtype: FloatArrayConstructor, lengths: number[]) => lengths.reduce((sum, n) => sum + n, 0) * dtype.BYTES_PER_ELEMENT;

/**
 * Zeroed arrays of the given lengths as views of one fresh ArrayBuffer: one allocation instead of several, which is
 * most of the JavaScript cost of a small call. For what a call keeps to itself (caches).
 */
export function allocate<L extends number[]>(dtype: FloatArrayConstructor, ...lengths: L): { [K in keyof L]: Float } {
  return carve(dtype, new ArrayBuffer(bytesOf(dtype, lengths)), 0, lengths);
}

// Small results are carved from a shared slab, as Node's Buffer pool does: an ArrayBuffer allocation costs about
// 1 µs, as much as the whole native work of a tiny call. Each slice is handed out once (zeroed, never reused); a live
// result keeps its slab alive, so only results up to POOLED_BYTES share one.
const SLAB_BYTES = 64 * 1024;
const POOLED_BYTES = 8 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * Like allocate, for the results a caller receives. With `shared` (sync calls only), results of up to 8 KiB in all
 * are views of a shared 64 KiB slab (their `buffer` is larger than they are and holds other results too); larger
 * ones, and those of async calls, get a buffer of their own: a kernel still writing must never share a buffer the
 * caller could detach.
 */
export function allocateResults<L extends number[]>(dtype: FloatArrayConstructor, shared: boolean, ...lengths: L): { [K in keyof L]: Float } {
  const bytes = bytesOf(dtype, lengths);
  if (!shared || bytes > POOLED_BYTES) return carve(dtype, new ArrayBuffer(bytes), 0, lengths);
  // A caller may have detached the slab through one of its results (its byteLength is then 0).
  if (slabUsed + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const views = carve(dtype, slab, slabUsed, lengths);
  slabUsed += Math.ceil(bytes / 64) * 64;  // the next results start on a fresh cache line
  return views;
}
