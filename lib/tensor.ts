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

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** A tensor of zeros. */
export function zeros(dtype: FloatArrayConstructor, shape: number[]): Tensor {
  return { data: new dtype(sizeOf(shape)), shape };
}

/** The tensor as nested arrays: shape (2, 3) gives number[2][3]. The inverse of passing nested arrays in. */
export function toNested(tensor: Tensor): NestedArray {
  const { data, shape } = tensor;
  const strides: number[] = [];
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; --axis) {
    strides[axis] = stride;
    stride *= shape[axis] ?? 1;
  }
  const build = (axis: number, offset: number): NestedArray => {
    const length = shape[axis] ?? 0;
    if (axis === shape.length - 1) return Array.from(data.subarray(offset, offset + length));
    const rows: NestedArray[] = [];
    for (let i = 0; i < length; ++i) rows.push(build(axis + 1, offset + i * (strides[axis] ?? 0)));
    return rows;
  };
  return build(0, 0);
}
