// The notebook's activations on whole tensors, computed natively in the tensor's own dtype.
import { native } from './native';
import type { Tensor, TensorLike } from './tensor';
import { checkIndexable, toTensor } from './validate';

/** Softmax over the first axis: for z (n, ...) every column z[:, j, ...] is normalized to sum to 1. */
export function softmax(z: TensorLike): Tensor {
  const input = toTensor(z, 'z', Float64Array);
  const rows = input.shape[0] as number;
  const columns = input.data.length / rows;
  checkIndexable('the number of values in z', input.data.length);
  const out = new (input.data.constructor as Float64ArrayConstructor | Float32ArrayConstructor)(input.data.length);
  native.softmax(out, input.data, rows, columns);
  return { data: out, shape: [...input.shape] };
}

/** The logistic sigmoid 1 / (1 + exp(-z)), elementwise. */
export function sigmoid(z: TensorLike): Tensor {
  const input = toTensor(z, 'z', Float64Array);
  const out = new (input.data.constructor as Float64ArrayConstructor | Float32ArrayConstructor)(input.data.length);
  native.sigmoid(out, input.data);
  return { data: out, shape: [...input.shape] };
}
