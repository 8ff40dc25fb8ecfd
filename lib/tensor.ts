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

/**
 * Zeroed arrays of the given lengths as views of one fresh ArrayBuffer: one allocation instead of several, which is
 * most of the JavaScript cost of a small call. Results made this way share a buffer (each has its own byteOffset).
 */
export function allocate<L extends number[]>(dtype: FloatArrayConstructor, ...lengths: L): { [K in keyof L]: Float } {
  const buffer = new ArrayBuffer(lengths.reduce((sum, n) => sum + n, 0) * dtype.BYTES_PER_ELEMENT);
  let offset = 0;
  return lengths.map((length) => {
    const view = new dtype(buffer, offset * dtype.BYTES_PER_ELEMENT, length);
    offset += length;
    return view;
  }) as { [K in keyof L]: Float };
}
