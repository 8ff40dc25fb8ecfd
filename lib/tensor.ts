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
