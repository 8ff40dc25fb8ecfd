// The output layer's loss and backward pass: the mean softmax cross-entropy of yPred = softmax(Wy a + by) over every
// step and example, and its gradients, all steps at once in native GEMMs.
import { native } from './native';
import type { Float, Tensor, TensorLike } from './tensor';
import type { CallFloat, OnlyKeysOf } from './typing';
import {
  callDtype, checkDtype, checkIndexable, checkIntact, checkOptions, describe, lengthOf, tensorArgument, throwShape, toTensor, typedArrayKind,
} from './validate';
import { libraryError } from './errors';

/** The output layer: for the RNN pass `{ Wy: params.Wya, by: params.by }`. */
export interface OutputLayerParams {
  /** (n_y, n_a) */
  Wy: TensorLike;
  /** (n_y, 1) */
  by: TensorLike;
}

/** Class ids per example and step: `{ data: Int32Array, shape: [m, T] }` or a nested (m, T) number array. */
export type Targets = { data: Int32Array; shape: readonly number[] } | number[][];

/** outputLayerBackward's result in dtype `F`, that of the call. */
export interface OutputLayerBackwardResult<F extends Float = Float> {
  /** The mean cross-entropy over the unmasked positions (0 when all are masked). */
  loss: number;
  /** (n_a, m, T): the loss's gradient with respect to a, to pass to rnnBackward/lstmBackward. */
  da: Tensor<F>;
  /** (n_y, n_a) */
  dWy: Tensor<F>;
  /** (n_y, 1) */
  dby: Tensor<F>;
}

function targetIds(value: unknown, m: number, T: number, n_y: number): Int32Array {
  let ids: Int32Array;
  let shape: readonly number[];
  if (Array.isArray(value)) {
    shape = [value.length, Array.isArray(value[0]) ? value[0].length : 0];
    ids = new Int32Array(m * T);
    value.forEach((row: unknown, j) => {
      if (!Array.isArray(row) || row.length !== T) throwShape('targets', 'm, T', [m, T], [value.length, Array.isArray(row) ? row.length : 0], 'm and T come from a');
      row.forEach((id: unknown, t) => {
        if (typeof id !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `targets[${j}][${t}] must be a number, got ${describe(id)}`);
        if (!Number.isInteger(id) || id < -1 || id >= n_y) throw libraryError(RangeError, 'ERR_RNN_VALUE', `targets must hold class ids in [0, ${n_y}) or -1 for a masked step, got ${id} at [${j}][${t}]`);
        ids[j * T + t] = id;
      });
    });
  } else {
    const data = (value as { data?: unknown } | null)?.data;
    if (typedArrayKind(data) !== 'Int32Array') {
      throw libraryError(TypeError, 'ERR_RNN_TYPE', `targets must be { data: Int32Array, shape: [m, T] } or a nested number array, got ${describe(value)}`);
    }
    ids = new Int32Array(data as Int32Array); // a private copy: the kernel indexes with these after the range check
    shape = (value as { shape: readonly number[] }).shape;
  }
  if (!Array.isArray(shape) || shape.length !== 2 || shape[0] !== m || shape[1] !== T || lengthOf(ids) !== m * T) {
    throwShape('targets', 'm, T', [m, T], Array.isArray(shape) ? shape : [ids.length], 'm and T come from a');
  }
  for (let i = 0; i < m * T; ++i) {
    const id = ids[i] as number;
    if (!Number.isInteger(id) || id < -1 || id >= n_y) {
      throw libraryError(RangeError, 'ERR_RNN_VALUE', `targets must hold class ids in [0, ${n_y}) or -1 for a masked step, got ${id} at index ${i}`);
    }
  }
  return ids;
}

/**
 * The mean softmax cross-entropy of the predictions softmax(Wy a⟨t⟩ + by) against `targets` over every example and
 * step (a target of -1 masks its position: padding adds neither loss nor gradient), and its gradients: `da` for the
 * cell's backward pass, `dWy` and `dby` for the output layer.
 */
export function outputLayerBackward<A extends TensorLike, P extends OutputLayerParams>(
  a: A,
  params: P & OnlyKeysOf<P, OutputLayerParams>,
  targets: Targets,
): OutputLayerBackwardResult<CallFloat<{ a: A } & P, ['a', 'Wy', 'by']>> {
  const p = checkOptions(params, 'params', ['Wy', 'by']);
  if (p.Wy === undefined || p.by === undefined) throw libraryError(TypeError, 'ERR_RNN_KEY', 'params needs Wy and by');
  const { dtype, setBy } = callDtype({ a, ...p }, ['a', 'Wy', 'by']);
  const hidden = toTensor(a, 'a', dtype);
  checkDtype(hidden, 'a', dtype, setBy);
  if (hidden.shape.length !== 3) throwShape('a', 'n_a, m, T', ['n_a', 'm', 'T'], hidden.shape, '');
  const [n_a, m, T] = hidden.shape as [number, number, number];
  const Wy = tensorArgument(p.Wy, 'Wy', dtype, setBy, 'n_y, n_a', ['n_y', n_a], 'n_a comes from a');
  const n_y = Wy.shape[0] as number;
  const by = tensorArgument(p.by, 'by', dtype, setBy, 'n_y, 1', [n_y, 1], 'n_y comes from Wy');
  const ids = targetIds(targets, m, T, n_y);
  checkIndexable('T·m·n_y', T * m * n_y);
  checkIntact({ a: hidden, Wy, by });
  if (lengthOf(ids) !== m * T) throwShape('targets', 'm, T', [m, T], [lengthOf(ids)], 'its buffer changed during the call');
  const da = new dtype(n_a * m * T);
  const dWy = new dtype(n_y * n_a);
  const dby = new dtype(n_y);
  const loss = new Float64Array(1);
  native.outputLayerBackward(da, dWy, dby, hidden.data, Wy.data, by.data, ids, loss, n_a, n_y, m, T);
  const result: OutputLayerBackwardResult = {
    loss: loss[0] as number, da: { data: da, shape: [n_a, m, T] }, dWy: { data: dWy, shape: [n_y, n_a] }, dby: { data: dby, shape: [n_y, 1] },
  };
  return result as OutputLayerBackwardResult<CallFloat<{ a: A } & P, ['a', 'Wy', 'by']>>;
}
