// The notebook's activations on whole tensors, computed natively in the tensor's own dtype.
import { native } from './native';
import type { Tensor, TensorLike } from './tensor';
import type { TensorFloat } from './typing';
import { checkIndexable, sizeOf, toTensor, typedArrayKind } from './validate';

/** A fresh array of the input's dtype (its intrinsic one: `constructor` can be anything) for `size` values. */
function outputLike(input: Tensor, size: number): Float64Array | Float32Array {
  return typedArrayKind(input.data) === 'Float32Array' ? new Float32Array(size) : new Float64Array(size);
}

/** Softmax over the first axis: for z (n, ...) every column z[:, j, ...] is normalized to sum to 1. */
export function softmax<Z extends TensorLike>(z: Z): Tensor<TensorFloat<Z>> {
  const input = toTensor(z, 'z', Float64Array);
  const size = sizeOf(input.shape);
  const rows = input.shape[0] as number;
  checkIndexable('the number of values in z', size);
  const out = outputLike(input, size);
  native.softmax(out, input.data, rows, size / rows);
  const result: Tensor = { data: out, shape: [...input.shape] };
  return result as Tensor<TensorFloat<Z>>;
}

/** The logistic sigmoid 1 / (1 + exp(-z)), elementwise. */
export function sigmoid<Z extends TensorLike>(z: Z): Tensor<TensorFloat<Z>> {
  const input = toTensor(z, 'z', Float64Array);
  const out = outputLike(input, sizeOf(input.shape));
  native.sigmoid(out, input.data);
  const result: Tensor = { data: out, shape: [...input.shape] };
  return result as Tensor<TensorFloat<Z>>;
}
