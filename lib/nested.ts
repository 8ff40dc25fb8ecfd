// Tensors back to nested arrays.
import type { NestedArray, Tensor } from './tensor';
import { toTensor } from './validate';
import { libraryError } from './errors';

/** The tensor as nested arrays: shape (2, 3) gives number[2][3]. The inverse of passing nested arrays in. */
export function toNested(tensor: Tensor): NestedArray {
  if (Array.isArray(tensor)) throw libraryError(TypeError, 'ERR_RNN_TYPE', 'tensor must be a Tensor { data, shape }, got an array');
  const { data, shape } = toTensor(tensor, 'tensor', Float64Array);
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
