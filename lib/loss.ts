// The output layer's loss and backward pass: the mean softmax cross-entropy of yPred = softmax(Wy a + by) over every
// step and example, and its gradients, all steps at once in native GEMMs.
import { callNative, native } from './native';
import { type Float, type Tensor, type TensorLike, allocateResults, shapeText } from './tensor';
import type { CallFloat, OnlyKeysOf, TensorFloat } from './typing';
import {
  callDtype, checkDtype, checkIndexable, checkIntact, checkMemory, checkOptions, checkShapeIs, describe, lengthOf, sizeOf, tensorArgument, throwShape,
  toTensor, typedArrayKind,
} from './validate';
import { type Layout, type Lengths, sequenceLayout, sequenceLengths } from './sequences';
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

/**
 * Class ids of any shape: `{ data: Int32Array, shape }`, a nested number array (rank 1 to 3), or one number (the target
 * of rank-1 logits). -1 masks a position.
 */
export type ClassIds = { data: Int32Array; shape: readonly number[] } | number | number[] | number[][] | number[][][];

/** softmaxCrossEntropy's options. */
export interface SoftmaxCrossEntropyOptions {
  /** For rank-3 logits: `m` integers in `[0, T]`; positions at steps `t ≥ lengths[b]` are masked. */
  lengths?: Lengths;
  /** Which axis of rank-3 logits is time: `'time-major'` (T, m, C), the default, or `'batch-major'` (m, T, C). */
  layout?: Layout;
}

/** softmaxCrossEntropy's result in dtype `F`, that of the logits. */
export interface SoftmaxCrossEntropyResult<F extends Float = Float> {
  /** The mean cross-entropy over the unmasked positions (0 when all are masked). */
  loss: number;
  /** (…, C): the loss's gradient with respect to the logits, zero at masked positions. */
  dlogits: Tensor<F>;
}

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

/** Where class ids go: their shape (in symbols and numbers), the number of classes C (and its symbol), where both come from. */
interface IdsShape {
  readonly shape: readonly number[];
  readonly symbols: string;
  readonly classes: number;
  readonly classSymbol: string;
  readonly origin: string;
}

/** `[1][2]`: the multi-index of flat index `i` in a row-major `shape` (empty for rank 0). */
function indexText(i: number, shape: readonly number[]): string {
  let text = '';
  for (let axis = shape.length - 1, rest = i; axis >= 0; --axis) {
    const d = shape[axis] as number;
    text = `[${rest % d}]${text}`;
    rest = Math.floor(rest / d);
  }
  return text;
}

/** The targets as a private Int32Array of `want.shape`, every id in [0, C) or -1, each value read once. */
function classIds(value: unknown, want: IdsShape): Int32Array {
  const size = sizeOf(want.shape);
  let values: ArrayLike<number>;
  if (typeof value === 'number' || Array.isArray(value)) {
    const nested = typeof value === 'number' ? { data: Float64Array.of(value), shape: [] } : toTensor(value, 'targets', Float64Array);
    checkShapeIs(nested, 'targets', want.symbols, want.shape, want.origin);
    values = nested.data;
  } else {
    const data = (value as { data?: unknown } | null | undefined)?.data;
    const kind = typedArrayKind(data);
    if (kind !== 'Int32Array') {
      throw libraryError(TypeError, kind === undefined ? 'ERR_RNN_TYPE' : 'ERR_RNN_DTYPE',
        `targets must be { data: Int32Array, shape } or a nested number array of class ids, got ${kind === undefined ? describe(value) : `data of type ${kind}`}`);
    }
    const shape: unknown = (value as { shape?: unknown }).shape;
    if (!Array.isArray(shape)) throw libraryError(TypeError, 'ERR_RNN_TYPE', `targets.shape must be an array of dimensions, got ${describe(shape)}`);
    const dims: unknown[] = [];
    for (let axis = 0; axis < shape.length; ++axis) dims.push(shape[axis]);
    if (dims.length !== want.shape.length || dims.some((d, axis) => d !== want.shape[axis])) {
      throwShape('targets', want.symbols, want.shape, dims as number[], want.origin);
    }
    const length = lengthOf(data as Int32Array);
    if (length !== size) {
      throw libraryError(RangeError, 'ERR_RNN_SHAPE', `targets.data has ${length} values but its shape ${shapeText(want.shape)} needs ${size}`);
    }
    values = data as Int32Array;
  }
  const ids = new Int32Array(size); // a private copy: the kernel indexes with these after the range check
  for (let i = 0; i < size; ++i) {
    const id = values[i] as number;
    if (!Number.isInteger(id) || id < -1 || id >= want.classes) {
      throw libraryError(RangeError, 'ERR_RNN_VALUE', `targets${indexText(i, want.shape)} must be a class id in [0, ${want.classSymbol}) = ` +
        `[0, ${want.classes}) or -1 (masked), got ${id}`);
    }
    ids[i] = id;
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
  const ids = classIds(targets, { shape: [m, T], symbols: 'm, T', classes: n_y, classSymbol: 'n_y', origin: 'm and T come from a' });
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

/**
 * The mean softmax cross-entropy of `logits` (…, C) against `targets` (…), class ids in [0, C) with -1 masking a
 * position, over the unmasked positions (0 when all are masked), and its gradient `dlogits` (…, C), zero where masked.
 * With `lengths`, rank-3 logits (T, m, C) (or (m, T, C) with `layout: 'batch-major'`) also mask the steps
 * t ≥ lengths[b] of each sequence b. Every id is range-checked, masked ones too. Numerically stable (each row's
 * maximum is subtracted), native, in the logits' dtype.
 */
export function softmaxCrossEntropy<L extends TensorLike>(
  logits: L,
  targets: ClassIds,
  options?: SoftmaxCrossEntropyOptions,
): SoftmaxCrossEntropyResult<TensorFloat<L>> {
  const o = checkOptions(options, 'options', ['lengths', 'layout']);
  const layout = sequenceLayout(o.layout, 'options.layout');
  const z = toTensor(logits, 'logits', Float64Array);
  const dtype = typedArrayKind(z.data) === 'Float32Array' ? Float32Array : Float64Array;
  const { shape } = z;
  const C = shape[shape.length - 1] as number;
  const lead = shape.slice(0, -1);
  const timeMajor = layout === 'time-major';
  const [T, m] = (timeMajor ? lead : [lead[1], lead[0]]) as [number, number]; // the sequence sizes of rank-3 logits
  const sequences = shape.length === 3 ? (timeMajor ? 'T, m' : 'm, T') : '…';
  let lengths: Int32Array | undefined;
  if (o.lengths !== undefined) {
    if (shape.length !== 3) throwShape('logits', `${timeMajor ? 'T, m' : 'm, T'}, C`, [], shape, 'lengths needs logits of rank 3');
    lengths = sequenceLengths(o.lengths, m, T, `m comes from logits, ${layout}`);
  }
  const origin = shape.length === 3 ? `T and m come from logits, ${layout}` : 'the leading axes of logits';
  const ids = classIds(targets, { shape: lead, symbols: sequences, classes: C, classSymbol: 'C', origin });
  if (lengths) {
    for (let b = 0; b < m; ++b) {
      for (let t = lengths[b] as number; t < T; ++t) ids[timeMajor ? t * m + b : b * T + t] = -1;
    }
  }
  const rows = sizeOf(lead);
  checkIndexable('C', C);
  checkMemory(2 * rows * C + rows, dtype.BYTES_PER_ELEMENT, { rows, C });
  checkIntact({ logits: z });
  const [dlogits] = allocateResults(dtype, true, rows * C);
  const loss = new Float64Array(1);
  callNative(native.softmaxCrossEntropy, [dlogits, z.data, ids, loss, rows, C]);
  const result: SoftmaxCrossEntropyResult = { loss: loss[0] as number, dlogits: { data: dlogits, shape } };
  return result as SoftmaxCrossEntropyResult<TensorFloat<L>>;
}
