// Vanilla RNN: one cell and whole sequences, forward and backward. A cell is a sequence of one step.
import { Cache, makeCache, type SequenceState } from './caches';
import type { NativeAddon } from '../binding';
import { callNative, native } from './native';
import { allocate, allocateResults, type Float, type FloatArrayConstructor, type Tensor, type TensorLike } from './tensor';
import type { CallFloat, OnlyKeysOf, Prediction } from './typing';
import {
  upstreamGradient, checkDtype, checkIndexable, checkIntact, checkMemory, checkParams, callDtype, copyOf, setValues, tensorArgument, throwShape,
  toTensor,
} from './validate';

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

interface RnnState extends SequenceState {
  /** Copies of the weights the forward pass used. */
  readonly Wax: Float;
  readonly Waa: Float;
}

/** The cache of rnnCellForward, for rnnCellBackward; `F` is the dtype of the call that made it. */
export type RnnCellCache<F extends Float = Float> = Cache<'rnnCell', RnnState, F>;
/** The caches of rnnForward, for rnnBackward; `F` is the dtype of the call that made them. */
export type RnnCaches<F extends Float = Float> = Cache<'rnn', RnnState, F>;

/** The dtype RNN parameters `P` set: that of the first of Wax, Waa, ba, Wya, by given as a Tensor. */
export type RnnFloat<P> = CallFloat<P, ['Wax', 'Waa', 'ba', 'Wya', 'by']>;

/** rnnCellForward's result in dtype `F`; `ytPred` is there when the parameters `P` have Wya and by. */
export type RnnCellForwardResult<F extends Float = Float, P = RnnParams> = {
  aNext: Tensor<F>;
  cache: RnnCellCache<F>;
} & Prediction<P, 'Wya', 'ytPred', F>;
/** rnnForward's result in dtype `F`; `yPred` is there when the parameters `P` have Wya and by. */
export type RnnForwardResult<F extends Float = Float, P = RnnParams> = {
  a: Tensor<F>;
  caches: RnnCaches<F>;
} & Prediction<P, 'Wya', 'yPred', F>;
export interface RnnCellBackwardResult<F extends Float = Float> {
  dxt: Tensor<F>;
  daPrev: Tensor<F>;
  dWax: Tensor<F>;
  dWaa: Tensor<F>;
  dba: Tensor<F>;
}
export interface RnnBackwardResult<F extends Float = Float> {
  dx: Tensor<F>;
  da0: Tensor<F>;
  dWax: Tensor<F>;
  dWaa: Tensor<F>;
  dba: Tensor<F>;
}

interface RnnLayer {
  dtype: FloatArrayConstructor;
  /** The parameter whose dtype the call takes. */
  setBy: string;
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
  const { dtype, setBy } = callDtype(p, ['Wax', 'Waa', 'ba', 'Wya', 'by']);
  const Wax = toTensor(p.Wax, 'Wax', dtype);
  checkDtype(Wax, 'Wax', dtype, setBy);
  if (Wax.shape.length !== 2) throwShape('Wax', 'n_a, n_x', ['n_a', 'n_x'], Wax.shape, '');
  const [n_a, n_x] = Wax.shape as [number, number];
  const param = (name: string, symbols: string, expected: (number | string)[], origin: string) =>
    tensorArgument(p[name], name, dtype, setBy, symbols, expected, origin);
  const Waa = param('Waa', 'n_a, n_a', [n_a, n_a], 'n_a comes from Wax');
  const ba = param('ba', 'n_a, 1', [n_a, 1], 'n_a comes from Wax');
  if (p.Wya === undefined) return { dtype, setBy, n_x, n_a, n_y: 0, Wax, Waa, ba, prediction: undefined };
  const Wya = param('Wya', 'n_y, n_a', ['n_y', n_a], 'n_a comes from Wax');
  const n_y = Wya.shape[0] as number;
  const by = param('by', 'n_y, 1', [n_y, 1], 'n_y comes from Wya');
  return { dtype, setBy, n_x, n_a, n_y, Wax, Waa, ba, prediction: { Wya, by } };
}

/** The caller's arrays a layer holds (Wax and Waa are copied, the others passed as they are). */
const layerTensors = (layer: RnnLayer) =>
  ({ Wax: layer.Wax, Waa: layer.Waa, ba: layer.ba, Wya: layer.prediction?.Wya, by: layer.prediction?.by });

type ForwardArgs = Parameters<NativeAddon['rnnForward']>;
type BackwardArgs = Parameters<NativeAddon['rnnBackward']>;

/**
 * Allocates the outputs and cache of a forward pass over x (n_x, m, T) from a0 (n_a, m) and binds the native
 * arguments. `copyInputs` gives the kernel private copies of the caller's arrays, for calls that run while the
 * caller's code goes on (async).
 */
function prepareForward(layer: RnnLayer, x: Tensor, a0: Tensor, m: number, T: number, copyInputs: boolean) {
  const { dtype, n_x, n_a, n_y, prediction } = layer;
  checkIndexable('T·m', T * m);
  // a, y and the prediction scratch; X and the input copies; H; the weight copies.
  checkMemory(T * m * (n_a + 2 * n_y + 2 * n_x) + (T + 2) * m * n_a + 2 * n_a * (n_a + n_x), dtype.BYTES_PER_ELEMENT, { n_x, n_a, n_y, m, T });
  // The caller ran checkIntact: from there on no user code runs until the kernel has its arrays.
  const own = copyInputs ? copyOf : (data: Float) => data;
  const [a, predictionY] = allocateResults(dtype, !copyInputs, n_a * m * T, prediction ? n_y * m * T : 0);
  const y = prediction ? predictionY : null;
  const [X, H, Wax, Waa] = allocate(dtype, T * m * n_x, (T + 1) * m * n_a, n_a * n_x, n_a * n_a);
  setValues(Wax, layer.Wax.data);
  setValues(Waa, layer.Waa.data);
  const state: RnnState = { dtype, n_x, n_a, m, T, X, H, Wax, Waa };
  const args: ForwardArgs = [a, y, state.X, state.H, own(x.data), own(a0.data), state.Wax, state.Waa, own(layer.ba.data),
    prediction ? own(prediction.Wya.data) : null, prediction ? own(prediction.by.data) : null, n_x, n_a, n_y, m, T];
  return { args, a, y, state };
}

/** Allocates the gradients of a backward pass over da (n_a, m, Tb) and binds the native arguments. */
function prepareBackward(state: RnnState, da: Tensor, Tb: number, copyInputs: boolean) {
  const { dtype, n_x, n_a, m } = state;
  // dx and the workspace's dX; the copy of da, the workspace's dH and dZ.
  checkMemory(Tb * m * (2 * n_x + 3 * n_a) + m * n_a, dtype.BYTES_PER_ELEMENT, { n_x, n_a, m, "T'": Tb });
  const [dx, da0, dWax, dWaa, dba] = allocateResults(dtype, !copyInputs, n_x * m * Tb, n_a * m, n_a * n_x, n_a * n_a, n_a);
  const gradients = {
    da0: { data: da0, shape: [n_a, m] },
    dWax: { data: dWax, shape: [n_a, n_x] },
    dWaa: { data: dWaa, shape: [n_a, n_a] },
    dba: { data: dba, shape: [n_a, 1] },
  };
  const args: BackwardArgs = [dx, gradients.da0.data, gradients.dWax.data, gradients.dWaa.data, gradients.dba.data,
    copyInputs ? copyOf(da.data) : da.data, state.X, state.H, state.Wax, state.Waa, n_x, n_a, m, Tb];
  return { args, dx, gradients };
}

function prepareSequenceForward(x: unknown, a0: unknown, params: unknown, copyInputs: boolean) {
  const layer = rnnLayer(params);
  const { dtype, setBy, n_x, n_a, n_y } = layer;
  const input = tensorArgument(x, 'x', dtype, setBy, 'n_x, m, T', [n_x, 'm', 'T'], 'n_x comes from Wax');
  const [, m, T] = input.shape as [number, number, number];
  const start = tensorArgument(a0, 'a0', dtype, setBy, 'n_a, m', [n_a, m], 'n_a comes from Wax, m from x');
  checkIntact({ x: input, a0: start, ...layerTensors(layer) });
  const { args, a, y, state } = prepareForward(layer, input, start, m, T, copyInputs);
  const result = (): RnnForwardResult => {
    const out: RnnForwardResult = { a: { data: a, shape: [n_a, m, T] }, caches: makeCache('rnn', input, state) };
    if (y) out.yPred = { data: y, shape: [n_y, m, T] };
    return out;
  };
  return { args, result };
}

function prepareSequenceBackward(da: unknown, caches: unknown, copyInputs: boolean) {
  const state = Cache.stateOf<'rnn', RnnState>(caches, 'rnn', 'caches');
  const { n_x, m } = state;
  const { upstream, Tb } = upstreamGradient(da, state);
  checkIntact({ da: upstream });
  const { args, dx, gradients } = prepareBackward(state, upstream, Tb, copyInputs);
  const result = (): RnnBackwardResult => ({ dx: { data: dx, shape: [n_x, m, Tb] }, ...gradients });
  return { args, result };
}

/** One step: aNext = tanh(Waa aPrev + Wax xt + ba), ytPred = softmax(Wya aNext + by). xt (n_x, m), aPrev (n_a, m). */
export function rnnCellForward<P extends RnnParams>(
  xt: TensorLike,
  aPrev: TensorLike,
  params: P & OnlyKeysOf<P, RnnParams>,
): RnnCellForwardResult<RnnFloat<P>, P> {
  const layer = rnnLayer(params);
  const { dtype, setBy, n_x, n_a, n_y } = layer;
  const x = tensorArgument(xt, 'xt', dtype, setBy, 'n_x, m', [n_x, 'm'], 'n_x comes from Wax');
  const m = x.shape[1] as number;
  const a0 = tensorArgument(aPrev, 'aPrev', dtype, setBy, 'n_a, m', [n_a, m], 'n_a comes from Wax, m from xt');
  checkIntact({ xt: x, aPrev: a0, ...layerTensors(layer) });
  const { args, a, y, state } = prepareForward(layer, x, a0, m, 1, false);
  callNative(native.rnnForward, args);
  const result: RnnCellForwardResult = { aNext: { data: a, shape: [n_a, m] }, cache: makeCache('rnnCell', x, state) };
  if (y) result.ytPred = { data: y, shape: [n_y, m] };
  return result as RnnCellForwardResult<RnnFloat<P>, P>;
}

/** The whole sequence x (n_x, m, T) from a0 (n_a, m): hidden states a (n_a, m, T) and predictions yPred (n_y, m, T). */
export function rnnForward<P extends RnnParams>(x: TensorLike, a0: TensorLike, params: P & OnlyKeysOf<P, RnnParams>): RnnForwardResult<RnnFloat<P>, P> {
  const { args, result } = prepareSequenceForward(x, a0, params, false);
  callNative(native.rnnForward, args);
  return result() as RnnForwardResult<RnnFloat<P>, P>;
}

/** rnnForward on the native executor's thread: the same result, without blocking the event loop. Bad input rejects. */
export async function rnnForwardAsync<P extends RnnParams>(
  x: TensorLike,
  a0: TensorLike,
  params: P & OnlyKeysOf<P, RnnParams>,
): Promise<RnnForwardResult<RnnFloat<P>, P>> {
  const { args, result } = prepareSequenceForward(x, a0, params, true);
  await callNative(native.rnnForwardAsync, args);
  return result() as RnnForwardResult<RnnFloat<P>, P>;
}

/** Gradients of one step given daNext (n_a, m) = ∂J/∂aNext (the softmax's loss path not included). */
export function rnnCellBackward<F extends Float>(daNext: TensorLike, cache: RnnCellCache<F>): RnnCellBackwardResult<F> {
  const state = Cache.stateOf<'rnnCell', RnnState>(cache, 'rnnCell', 'cache');
  const { dtype, n_a, m } = state;
  const da = tensorArgument(daNext, 'daNext', dtype, 'the cache', 'n_a, m', [n_a, m], 'n_a and m come from the cache');
  checkIntact({ daNext: da });
  const { args, dx, gradients } = prepareBackward(state, da, 1, false);
  callNative(native.rnnBackward, args);
  const { da0, ...weights } = gradients;
  const result: RnnCellBackwardResult = { dxt: { data: dx, shape: [state.n_x, m] }, daPrev: da0, ...weights };
  return result as RnnCellBackwardResult<F>;
}

/**
 * Backpropagation through time given da (n_a, m, T') with T' ≤ T, the upstream gradient of the first T' hidden
 * states. Parameter gradients are summed over the steps; dx is (n_x, m, T').
 */
export function rnnBackward<F extends Float>(da: TensorLike, caches: RnnCaches<F>): RnnBackwardResult<F> {
  const { args, result } = prepareSequenceBackward(da, caches, false);
  callNative(native.rnnBackward, args);
  return result() as RnnBackwardResult<F>;
}

/** rnnBackward on the native executor's thread: the same result, without blocking the event loop. Bad input rejects. */
export async function rnnBackwardAsync<F extends Float>(da: TensorLike, caches: RnnCaches<F>): Promise<RnnBackwardResult<F>> {
  const { args, result } = prepareSequenceBackward(da, caches, true);
  await callNative(native.rnnBackwardAsync, args);
  return result() as RnnBackwardResult<F>;
}
