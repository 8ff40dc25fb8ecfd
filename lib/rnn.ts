// Vanilla RNN: one cell and whole sequences, forward and backward. A cell is a sequence of one step.
import { Cache, makeCache } from './caches';
import { native } from './native';
import type { Float, FloatArrayConstructor, Tensor, TensorLike } from './tensor';
import { checkIndexable, checkParams, dtypeOf, tensorArgument, throwShape, toTensor } from './validate';

/** The notebook's RNN parameters. Without `Wya` and `by` no prediction is computed. */
export interface RnnParams {
  /** (n_a, n_x): input to hidden; defines n_a and n_x and the dtype of the call. */
  Wax: TensorLike;
  /** (n_a, n_a): hidden to hidden. */
  Waa: TensorLike;
  /** (n_a, 1) */
  ba: TensorLike;
  /** (n_y, n_a): hidden to prediction; defines n_y. */
  Wya?: TensorLike;
  /** (n_y, 1) */
  by?: TensorLike;
}

interface RnnState {
  readonly dtype: FloatArrayConstructor;
  readonly n_x: number;
  readonly n_a: number;
  readonly m: number;
  readonly T: number;
  /** (T, m, n_x) the input, time-major. */
  readonly X: Float;
  /** (T + 1, m, n_a) the hidden states, time-major, a0 first. */
  readonly H: Float;
  /** Copies of the weights the forward pass used. */
  readonly Wax: Float;
  readonly Waa: Float;
}

export type RnnCellCache = Cache<'rnnCell', RnnState>;
export type RnnCaches = Cache<'rnn', RnnState>;

export interface RnnCellForwardResult {
  aNext: Tensor;
  ytPred?: Tensor;
  cache: RnnCellCache;
}
export interface RnnForwardResult {
  a: Tensor;
  yPred?: Tensor;
  caches: RnnCaches;
}
export interface RnnCellBackwardResult {
  dxt: Tensor;
  daPrev: Tensor;
  dWax: Tensor;
  dWaa: Tensor;
  dba: Tensor;
}
export interface RnnBackwardResult {
  dx: Tensor;
  da0: Tensor;
  dWax: Tensor;
  dWaa: Tensor;
  dba: Tensor;
}

interface RnnLayer {
  dtype: FloatArrayConstructor;
  n_x: number;
  n_a: number;
  n_y: number;
  Wax: Tensor;
  Waa: Tensor;
  ba: Tensor;
  prediction: { Wya: Tensor; by: Tensor } | undefined;
}

function rnnLayer(params: unknown): RnnLayer {
  const p = checkParams(params, 'RNN', ['Wax', 'Waa', 'ba'], ['Wya', 'by']);
  const dtype = dtypeOf(p.Wax);
  const Wax = toTensor(p.Wax, 'Wax', dtype);
  if (Wax.shape.length !== 2) throwShape('Wax', 'n_a, n_x', ['n_a', 'n_x'], Wax.shape, '');
  const [n_a, n_x] = Wax.shape as [number, number];
  const param = (name: string, symbols: string, expected: (number | string)[], origin: string) =>
    tensorArgument(p[name], name, dtype, 'Wax', symbols, expected, origin);
  const Waa = param('Waa', 'n_a, n_a', [n_a, n_a], 'n_a comes from Wax');
  const ba = param('ba', 'n_a, 1', [n_a, 1], 'n_a comes from Wax');
  if (p.Wya === undefined) return { dtype, n_x, n_a, n_y: 0, Wax, Waa, ba, prediction: undefined };
  const Wya = param('Wya', 'n_y, n_a', ['n_y', n_a], 'n_a comes from Wax');
  const n_y = Wya.shape[0] as number;
  const by = param('by', 'n_y, 1', [n_y, 1], 'n_y comes from Wya');
  return { dtype, n_x, n_a, n_y, Wax, Waa, ba, prediction: { Wya, by } };
}

/** Runs the native forward pass over x (n_x, m, T) from a0 (n_a, m). */
function forward(layer: RnnLayer, x: Tensor, a0: Tensor, m: number, T: number) {
  const { dtype, n_x, n_a, n_y, prediction } = layer;
  checkIndexable('T·m', T * m);
  const a = new dtype(n_a * m * T);
  const y = prediction ? new dtype(n_y * m * T) : null;
  const X = new dtype(T * m * n_x);
  const H = new dtype((T + 1) * m * n_a);
  native.rnnForward(a, y, X, H, x.data, a0.data, layer.Wax.data, layer.Waa.data, layer.ba.data,
    prediction?.Wya.data ?? null, prediction?.by.data ?? null, n_x, n_a, n_y, m, T);
  const state: RnnState = { dtype, n_x, n_a, m, T, X, H, Wax: layer.Wax.data.slice(), Waa: layer.Waa.data.slice() };
  return { a, y, state };
}

/** Runs the native backward pass over da (n_a, m, Tb). */
function backward(state: RnnState, da: Tensor, Tb: number) {
  const { dtype, n_x, n_a, m } = state;
  const dx = new dtype(n_x * m * Tb);
  const da0 = new dtype(n_a * m);
  const dWax = new dtype(n_a * n_x);
  const dWaa = new dtype(n_a * n_a);
  const dba = new dtype(n_a);
  native.rnnBackward(dx, da0, dWax, dWaa, dba, da.data, state.X, state.H, state.Wax, state.Waa, n_x, n_a, m, Tb);
  return {
    dx,
    da0: { data: da0, shape: [n_a, m] },
    dWax: { data: dWax, shape: [n_a, n_x] },
    dWaa: { data: dWaa, shape: [n_a, n_a] },
    dba: { data: dba, shape: [n_a, 1] },
  };
}

/** One step: aNext = tanh(Waa aPrev + Wax xt + ba), ytPred = softmax(Wya aNext + by). xt (n_x, m), aPrev (n_a, m). */
export function rnnCellForward(xt: TensorLike, aPrev: TensorLike, params: RnnParams): RnnCellForwardResult {
  const layer = rnnLayer(params);
  const { dtype, n_x, n_a, n_y } = layer;
  const x = tensorArgument(xt, 'xt', dtype, 'Wax', 'n_x, m', [n_x, 'm'], 'n_x comes from Wax');
  const m = x.shape[1] as number;
  const a0 = tensorArgument(aPrev, 'aPrev', dtype, 'Wax', 'n_a, m', [n_a, m], 'n_a comes from Wax, m from xt');
  const { a, y, state } = forward(layer, x, a0, m, 1);
  const result: RnnCellForwardResult = { aNext: { data: a, shape: [n_a, m] }, cache: makeCache('rnnCell', x, state) };
  if (y) result.ytPred = { data: y, shape: [n_y, m] };
  return result;
}

/** The whole sequence x (n_x, m, T) from a0 (n_a, m): hidden states a (n_a, m, T) and predictions yPred (n_y, m, T). */
export function rnnForward(x: TensorLike, a0: TensorLike, params: RnnParams): RnnForwardResult {
  const layer = rnnLayer(params);
  const { dtype, n_x, n_a, n_y } = layer;
  const input = tensorArgument(x, 'x', dtype, 'Wax', 'n_x, m, T', [n_x, 'm', 'T'], 'n_x comes from Wax');
  const [, m, T] = input.shape as [number, number, number];
  const start = tensorArgument(a0, 'a0', dtype, 'Wax', 'n_a, m', [n_a, m], 'n_a comes from Wax, m from x');
  const { a, y, state } = forward(layer, input, start, m, T);
  const result: RnnForwardResult = { a: { data: a, shape: [n_a, m, T] }, caches: makeCache('rnn', input, state) };
  if (y) result.yPred = { data: y, shape: [n_y, m, T] };
  return result;
}

/** Gradients of one step given daNext (n_a, m) = ∂J/∂aNext (the softmax's loss path not included). */
export function rnnCellBackward(daNext: TensorLike, cache: RnnCellCache): RnnCellBackwardResult {
  const state = Cache.stateOf<'rnnCell', RnnState>(cache, 'rnnCell', 'cache');
  const { dtype, n_a, m } = state;
  const da = tensorArgument(daNext, 'daNext', dtype, 'the cache', 'n_a, m', [n_a, m], 'n_a and m come from the cache');
  const { dx, da0, ...weights } = backward(state, da, 1);
  return { dxt: { data: dx, shape: [state.n_x, m] }, daPrev: da0, ...weights };
}

/**
 * Backpropagation through time given da (n_a, m, T') with T' ≤ T, the upstream gradient of the first T' hidden
 * states. Parameter gradients are summed over the steps; dx is (n_x, m, T').
 */
export function rnnBackward(da: TensorLike, caches: RnnCaches): RnnBackwardResult {
  const state = Cache.stateOf<'rnn', RnnState>(caches, 'rnn', 'caches');
  const { dtype, n_a, m, T } = state;
  const symbols = "n_a, m, T'";
  const expected = [n_a, m, `T' ≤ ${T}`];
  const origin = 'n_a, m and T come from the caches';
  const upstream = tensorArgument(da, 'da', dtype, 'the caches', symbols, expected, origin);
  const Tb = upstream.shape[2] as number;
  if (Tb > T) throwShape('da', symbols, expected, upstream.shape, origin);
  const { dx, ...rest } = backward(state, upstream, Tb);
  return { dx: { data: dx, shape: [state.n_x, m, Tb] }, ...rest };
}
