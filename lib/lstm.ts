// LSTM: one cell and whole sequences, forward and backward. A cell is a sequence of one step. The four gate
// matrices are fused into one (4 n_a, n_a + n_x) matrix in the order f, i, c, o, so a step is one GEMM.
import { Cache, makeCache, type SequenceState } from './caches';
import type { NativeAddon } from '../binding';
import { callNative, native } from './native';
import { allocate, allocateResults, type Float, type FloatArrayConstructor, type Tensor, type TensorLike } from './tensor';
import type { CallFloat, OnlyKeysOf, Prediction } from './typing';
import {
  upstreamGradient, checkDtype, checkIndexable, checkIntact, checkMemory, checkOptions, checkParams, callDtype, copyOf, setValues, tensorArgument,
  throwShape, toTensor,
} from './validate';

/** The notebook's LSTM parameters. Gate weights act on [a_prev; x_t]. Without `Wy` and `by` no prediction is computed. */
export interface LstmParams {
  /** (n_a, n_a + n_x): forget gate; defines n_a and n_x and the dtype of the call. */
  Wf: TensorLike;
  /** (n_a, 1) */
  bf: TensorLike;
  /** (n_a, n_a + n_x): update (input) gate. */
  Wi: TensorLike;
  /** (n_a, 1) */
  bi: TensorLike;
  /** (n_a, n_a + n_x): candidate cell value. */
  Wc: TensorLike;
  /** (n_a, 1) */
  bc: TensorLike;
  /** (n_a, n_a + n_x): output gate. */
  Wo: TensorLike;
  /** (n_a, 1) */
  bo: TensorLike;
  /** (n_y, n_a): hidden to prediction; defines n_y. */
  Wy?: TensorLike;
  /** (n_y, 1) */
  by?: TensorLike;
}

export interface LstmForwardOptions {
  /** (n_a, m) initial cell state; zeros when absent. */
  c0?: TensorLike;
}

interface LstmState extends SequenceState {
  /** (T + 1, m, n_a) the cell states, time-major, c0 first. */
  readonly C: Float;
  /** (T, m, 4 n_a) the activated gates f, i, c̃, o of every step. */
  readonly G: Float;
  /** (4 n_a, n_a + n_x) the fused gate weights the forward pass used. */
  readonly W: Float;
}

/** The cache of lstmCellForward, for lstmCellBackward; `F` is the dtype of the call that made it. */
export type LstmCellCache<F extends Float = Float> = Cache<'lstmCell', LstmState, F>;
/** The caches of lstmForward, for lstmBackward; `F` is the dtype of the call that made them. */
export type LstmCaches<F extends Float = Float> = Cache<'lstm', LstmState, F>;

/** The dtype LSTM parameters `P` set: that of the first of Wf, bf, …, Wy, by given as a Tensor. */
export type LstmFloat<P> = CallFloat<P, ['Wf', 'bf', 'Wi', 'bi', 'Wc', 'bc', 'Wo', 'bo', 'Wy', 'by']>;

/** lstmCellForward's result in dtype `F`; `ytPred` is there when the parameters `P` have Wy and by. */
export type LstmCellForwardResult<F extends Float = Float, P = LstmParams> = {
  aNext: Tensor<F>;
  cNext: Tensor<F>;
  cache: LstmCellCache<F>;
} & Prediction<P, 'Wy', 'ytPred', F>;
/** lstmForward's result in dtype `F`; `y` is there when the parameters `P` have Wy and by. */
export type LstmForwardResult<F extends Float = Float, P = LstmParams> = {
  a: Tensor<F>;
  c: Tensor<F>;
  caches: LstmCaches<F>;
} & Prediction<P, 'Wy', 'y', F>;
/** The gate gradients, views of one fused buffer. */
export interface LstmGateGradients<F extends Float = Float> {
  dWf: Tensor<F>;
  dWi: Tensor<F>;
  dWc: Tensor<F>;
  dWo: Tensor<F>;
  dbf: Tensor<F>;
  dbi: Tensor<F>;
  dbc: Tensor<F>;
  dbo: Tensor<F>;
}
export interface LstmCellBackwardResult<F extends Float = Float> extends LstmGateGradients<F> {
  dxt: Tensor<F>;
  daPrev: Tensor<F>;
  dcPrev: Tensor<F>;
}
export interface LstmBackwardResult<F extends Float = Float> extends LstmGateGradients<F> {
  dx: Tensor<F>;
  da0: Tensor<F>;
  /** (n_a, m) gradient of the initial cell state c0. */
  dc0: Tensor<F>;
}

const GATES = [
  ['Wf', 'bf'],
  ['Wi', 'bi'],
  ['Wc', 'bc'],
  ['Wo', 'bo'],
] as const;

interface LstmLayer {
  dtype: FloatArrayConstructor;
  /** The parameter whose dtype the call takes. */
  setBy: string;
  n_x: number;
  n_a: number;
  n_y: number;
  /** Wf, Wi, Wc, Wo (n_a, n_a + n_x), fused into W (4 n_a, n_a + n_x) by prepareForward. */
  weights: Tensor[];
  /** bf, bi, bc, bo (n_a, 1), fused into b (4 n_a). */
  biases: Tensor[];
  prediction: { Wy: Tensor; by: Tensor } | undefined;
}

function lstmLayer(params: unknown): LstmLayer {
  const p = checkParams(params, 'LSTM', ['Wf', 'bf', 'Wi', 'bi', 'Wc', 'bc', 'Wo', 'bo'], ['Wy', 'by']);
  const { dtype, setBy } = callDtype(p, ['Wf', 'bf', 'Wi', 'bi', 'Wc', 'bc', 'Wo', 'bo', 'Wy', 'by']);
  const Wf = toTensor(p.Wf, 'Wf', dtype);
  checkDtype(Wf, 'Wf', dtype, setBy);
  const [rows, columns] = Wf.shape as [number, number];
  if (Wf.shape.length !== 2 || columns <= rows) {
    throwShape('Wf', 'n_a, n_a + n_x', ['n_a', 'n_a + n_x'], Wf.shape, 'n_x must be at least 1');
  }
  const n_a = rows;
  const n_x = columns - rows;
  const param = (name: string, symbols: string, expected: (number | string)[], origin: string) =>
    tensorArgument(p[name], name, dtype, setBy, symbols, expected, origin);
  const weights: Tensor[] = [];
  const biases: Tensor[] = [];
  for (const [weight, bias] of GATES) {
    weights.push(weight === 'Wf' ? Wf : param(weight, 'n_a, n_a + n_x', [n_a, columns], 'n_a and n_x come from Wf'));
    biases.push(param(bias, 'n_a, 1', [n_a, 1], 'n_a comes from Wf'));
  }
  if (p.Wy === undefined) return { dtype, setBy, n_x, n_a, n_y: 0, weights, biases, prediction: undefined };
  const Wy = param('Wy', 'n_y, n_a', ['n_y', n_a], 'n_a comes from Wf');
  const n_y = Wy.shape[0] as number;
  const by = param('by', 'n_y, 1', [n_y, 1], 'n_y comes from Wy');
  return { dtype, setBy, n_x, n_a, n_y, weights, biases, prediction: { Wy, by } };
}

/** The layer's tensors by parameter name, for the last check before the native call. */
function layerTensors(layer: LstmLayer): Record<string, Tensor | undefined> {
  const named: Record<string, Tensor | undefined> = { Wy: layer.prediction?.Wy, by: layer.prediction?.by };
  GATES.forEach(([weight, bias], gate) => {
    named[weight] = layer.weights[gate];
    named[bias] = layer.biases[gate];
  });
  return named;
}

type ForwardArgs = Parameters<NativeAddon['lstmForward']>;
type BackwardArgs = Parameters<NativeAddon['lstmBackward']>;

/**
 * Allocates the outputs and cache of a forward pass over x (n_x, m, T) from a0 and c0 (n_a, m; undefined means
 * zeros) and binds the native arguments. `copyInputs` gives the kernel private copies of the caller's arrays, for
 * calls that run while the caller's code goes on (async).
 */
function prepareForward(layer: LstmLayer, x: Tensor, a0: Tensor, c0: Tensor | undefined, m: number, T: number, copyInputs: boolean) {
  const { dtype, n_x, n_a, n_y, prediction } = layer;
  checkIndexable('T·m', T * m);
  checkIndexable('4·n_a', 4 * n_a);
  // a, c, G; y and the prediction scratch; X and the input copies; H and C with their first steps and the copies.
  checkMemory(T * m * (6 * n_a + 2 * n_y + 2 * n_x) + 2 * (T + 2) * m * n_a, dtype.BYTES_PER_ELEMENT, { n_x, n_a, n_y, m, T });
  // The caller ran checkIntact: from there on no user code runs until the kernel has its arrays.
  const own = copyInputs ? copyOf : (data: Float) => data;
  const [a, c, predictionY] = allocateResults(dtype, !copyInputs, n_a * m * T, n_a * m * T, prediction ? n_y * m * T : 0);
  const y = prediction ? predictionY : null;
  const columns = n_a + n_x;
  const [X, H, C, G, W, b] = allocate(dtype, T * m * n_x, (T + 1) * m * n_a, (T + 1) * m * n_a, T * m * 4 * n_a,
    4 * n_a * columns, 4 * n_a);
  // Indexed loops and the intrinsic set: a patched Array.prototype.forEach or TypedArray.prototype.set would run
  // user code after the last check.
  for (let gate = 0; gate < 4; ++gate) {
    setValues(W, (layer.weights[gate] as Tensor).data, gate * n_a * columns);
    setValues(b, (layer.biases[gate] as Tensor).data, gate * n_a);
  }
  const state: LstmState = { dtype, n_x, n_a, m, T, X, H, C, G, W };
  const args: ForwardArgs = [a, c, y, state.X, state.H, state.C, state.G, own(x.data), own(a0.data),
    c0 ? own(c0.data) : null, W, b, prediction ? own(prediction.Wy.data) : null,
    prediction ? own(prediction.by.data) : null, n_x, n_a, n_y, m, T];
  return { args, a, c, y, state };
}

/**
 * Allocates the gradients of a backward pass over da (n_a, m, Tb), with dcLast (n_a, m) the gradient of the last
 * cell state (undefined means zero), and binds the native arguments.
 */
function prepareBackward(state: LstmState, da: Tensor, dcLast: Tensor | undefined, Tb: number, copyInputs: boolean) {
  const { dtype, n_x, n_a, m } = state;
  const columns = n_a + n_x;
  // dx and the workspace's dX; da, its copy and the workspace's DA; the workspace's dG; dW.
  checkMemory(Tb * m * (2 * n_x + 7 * n_a) + 4 * m * n_a + 4 * n_a * columns, dtype.BYTES_PER_ELEMENT, { n_x, n_a, m, "T'": Tb });
  const [dx, da0, dc0, dW, db] = allocateResults(dtype, !copyInputs, n_x * m * Tb, n_a * m, n_a * m, 4 * n_a * columns, 4 * n_a);
  const own = copyInputs ? copyOf : (data: Float) => data;
  const args: BackwardArgs = [dx, da0, dc0, dW, db, own(da.data), dcLast ? own(dcLast.data) : null, state.X, state.H,
    state.C, state.G, state.W, n_x, n_a, m, Tb];
  // The four gates' gradients are row blocks of the fused dW and db: views, no copies.
  const weight = (gate: number): Tensor => ({ data: dW.subarray(gate * n_a * columns, (gate + 1) * n_a * columns), shape: [n_a, columns] });
  const bias = (gate: number): Tensor => ({ data: db.subarray(gate * n_a, (gate + 1) * n_a), shape: [n_a, 1] });
  const gradients: LstmGateGradients = {
    dWf: weight(0), dWi: weight(1), dWc: weight(2), dWo: weight(3),
    dbf: bias(0), dbi: bias(1), dbc: bias(2), dbo: bias(3),
  };
  return { args, dx, da0: { data: da0, shape: [n_a, m] }, dc0: { data: dc0, shape: [n_a, m] }, gradients };
}

function prepareSequenceForward(x: unknown, a0: unknown, params: unknown, opts: unknown, copyInputs: boolean) {
  const layer = lstmLayer(params);
  const { dtype, setBy, n_x, n_a, n_y } = layer;
  const input = tensorArgument(x, 'x', dtype, setBy, 'n_x, m, T', [n_x, 'm', 'T'], 'n_x comes from Wf');
  const [, m, T] = input.shape as [number, number, number];
  const origin = 'n_a comes from Wf, m from x';
  const start = tensorArgument(a0, 'a0', dtype, setBy, 'n_a, m', [n_a, m], origin);
  const options = checkOptions(opts, 'opts', ['c0']);
  const c0 = options.c0 === undefined ? undefined : tensorArgument(options.c0, 'c0', dtype, setBy, 'n_a, m', [n_a, m], origin);
  checkIntact({ x: input, a0: start, c0, ...layerTensors(layer) });
  const { args, a, c, y, state } = prepareForward(layer, input, start, c0, m, T, copyInputs);
  const result = (): LstmForwardResult => {
    const out: LstmForwardResult = {
      a: { data: a, shape: [n_a, m, T] },
      c: { data: c, shape: [n_a, m, T] },
      caches: makeCache('lstm', input, state),
    };
    if (y) out.y = { data: y, shape: [n_y, m, T] };
    return out;
  };
  return { args, result };
}

function prepareSequenceBackward(da: unknown, caches: unknown, copyInputs: boolean) {
  const state = Cache.stateOf<'lstm', LstmState>(caches, 'lstm', 'caches');
  const { n_x, m } = state;
  const { upstream, Tb } = upstreamGradient(da, state);
  checkIntact({ da: upstream });
  const { args, dx, da0, dc0, gradients } = prepareBackward(state, upstream, undefined, Tb, copyInputs);
  const result = (): LstmBackwardResult => ({ dx: { data: dx, shape: [n_x, m, Tb] }, da0, dc0, ...gradients });
  return { args, result };
}

/** One step from xt (n_x, m), aPrev and cPrev (n_a, m): aNext, cNext and ytPred = softmax(Wy aNext + by). */
export function lstmCellForward<P extends LstmParams>(
  xt: TensorLike,
  aPrev: TensorLike,
  cPrev: TensorLike,
  params: P & OnlyKeysOf<P, LstmParams>,
): LstmCellForwardResult<LstmFloat<P>, P> {
  const layer = lstmLayer(params);
  const { dtype, setBy, n_x, n_a, n_y } = layer;
  const x = tensorArgument(xt, 'xt', dtype, setBy, 'n_x, m', [n_x, 'm'], 'n_x comes from Wf');
  const m = x.shape[1] as number;
  const origin = 'n_a comes from Wf, m from xt';
  const a0 = tensorArgument(aPrev, 'aPrev', dtype, setBy, 'n_a, m', [n_a, m], origin);
  const c0 = tensorArgument(cPrev, 'cPrev', dtype, setBy, 'n_a, m', [n_a, m], origin);
  checkIntact({ xt: x, aPrev: a0, cPrev: c0, ...layerTensors(layer) });
  const { args, a, c, y, state } = prepareForward(layer, x, a0, c0, m, 1, false);
  callNative(native.lstmForward, args);
  const result: LstmCellForwardResult = {
    aNext: { data: a, shape: [n_a, m] },
    cNext: { data: c, shape: [n_a, m] },
    cache: makeCache('lstmCell', x, state),
  };
  if (y) result.ytPred = { data: y, shape: [n_y, m] };
  return result as LstmCellForwardResult<LstmFloat<P>, P>;
}

/** The whole sequence x (n_x, m, T) from a0 (n_a, m) and c0 (zeros unless given): a, c (n_a, m, T), y (n_y, m, T). */
export function lstmForward<P extends LstmParams>(
  x: TensorLike,
  a0: TensorLike,
  params: P & OnlyKeysOf<P, LstmParams>,
  opts?: LstmForwardOptions,
): LstmForwardResult<LstmFloat<P>, P> {
  const { args, result } = prepareSequenceForward(x, a0, params, opts, false);
  callNative(native.lstmForward, args);
  return result() as LstmForwardResult<LstmFloat<P>, P>;
}

/** lstmForward on the native executor's thread: the same result, without blocking the event loop. Bad input rejects. */
export async function lstmForwardAsync<P extends LstmParams>(
  x: TensorLike,
  a0: TensorLike,
  params: P & OnlyKeysOf<P, LstmParams>,
  opts?: LstmForwardOptions,
): Promise<LstmForwardResult<LstmFloat<P>, P>> {
  const { args, result } = prepareSequenceForward(x, a0, params, opts, true);
  await callNative(native.lstmForwardAsync, args);
  return result() as LstmForwardResult<LstmFloat<P>, P>;
}

/** Gradients of one step given daNext = ∂J/∂aNext and dcNext = ∂J/∂cNext, both (n_a, m). */
export function lstmCellBackward<F extends Float>(daNext: TensorLike, dcNext: TensorLike, cache: LstmCellCache<F>): LstmCellBackwardResult<F> {
  const state = Cache.stateOf<'lstmCell', LstmState>(cache, 'lstmCell', 'cache');
  const { dtype, n_x, n_a, m } = state;
  const origin = 'n_a and m come from the cache';
  const da = tensorArgument(daNext, 'daNext', dtype, 'the cache', 'n_a, m', [n_a, m], origin);
  const dc = tensorArgument(dcNext, 'dcNext', dtype, 'the cache', 'n_a, m', [n_a, m], origin);
  checkIntact({ daNext: da, dcNext: dc });
  const { args, dx, da0, dc0, gradients } = prepareBackward(state, da, dc, 1, false);
  callNative(native.lstmBackward, args);
  const result: LstmCellBackwardResult = { dxt: { data: dx, shape: [n_x, m] }, daPrev: da0, dcPrev: dc0, ...gradients };
  return result as LstmCellBackwardResult<F>;
}

/**
 * Backpropagation through time given da (n_a, m, T') with T' ≤ T, the upstream gradient of the first T' hidden
 * states. Gate gradients are summed over the steps; dx is (n_x, m, T'); dc0 is the gradient of c0.
 */
export function lstmBackward<F extends Float>(da: TensorLike, caches: LstmCaches<F>): LstmBackwardResult<F> {
  const { args, result } = prepareSequenceBackward(da, caches, false);
  callNative(native.lstmBackward, args);
  return result() as LstmBackwardResult<F>;
}

/** lstmBackward on the native executor's thread: the same result, without blocking the event loop. Bad input rejects. */
export async function lstmBackwardAsync<F extends Float>(da: TensorLike, caches: LstmCaches<F>): Promise<LstmBackwardResult<F>> {
  const { args, result } = prepareSequenceBackward(da, caches, true);
  await callNative(native.lstmBackwardAsync, args);
  return result() as LstmBackwardResult<F>;
}
