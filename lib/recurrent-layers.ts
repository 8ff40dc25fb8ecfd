// The recurrent layers of LAYERS.md §1–2 — Lstm, Gru, Rnn — stacked, one or two directions, variable lengths,
// time-major or batch-major data, on PyTorch's parameter names and shapes. This file checks and converts; the
// native code (native/kernels/layers.h) owns the parameter and tape layouts and every computation.
import { native, callNative } from './native';
import { writeFileAtomic } from './atomic-write';
import { libraryError } from './errors';
import { encodeLayerFile, type LayerClassName, type LayerConfig } from './layer-file';
import { fromPyTorch } from './layer-readers';
import { RandomState } from './random';
import { sequenceLayout, sequenceLengths, type Layout, type Lengths } from './sequences';
import { parameterShapes } from './state-dict';
import { allocateResults, type Float, type FloatArrayConstructor, type Tensor, type TensorLike } from './tensor';
import type { LayerFloat } from './typing';
import {
  checkIndexable, checkIntact, checkMemory, checkOptions, checkShapeIs, describe, positiveInteger, toTensor, typedArrayKind,
} from './validate';

export type { Layout, Lengths };

/** The dtype of a layer: every tensor it takes and returns. */
export type LayerDtype = 'float32' | 'float64';

/** What every recurrent layer is built from. */
export interface RecurrentOptions<D extends LayerDtype = LayerDtype> {
  /** I: the features of each step of x. */
  inputSize: number;
  /** H: the units of each direction of each layer. */
  hiddenSize: number;
  /** L, default 1: layer k > 0 reads layer k − 1's output. */
  numLayers?: number;
  /** Default false: a reverse direction too, y = [forward | reverse] on the last axis. */
  bidirectional?: boolean;
  /** Default 'time-major'. */
  layout?: Layout;
  /** Default 'float32'. */
  dtype?: D;
  /** p in [0, 1), default 0: in `training` forwards, each layer's output but the last is multiplied by a Bernoulli(1 − p) mask scaled by 1/(1 − p). */
  dropout?: number;
  /** Seeds the initialization (PyTorch's U(−1/√H, 1/√H) for every weight and bias) and the dropout masks. Default 0. */
  seed?: number;
}

export interface GruOptions<D extends LayerDtype = LayerDtype> extends RecurrentOptions<D> {
  /** Default true: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) as PyTorch; false: n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn). */
  resetAfter?: boolean;
}

export interface RnnOptions<D extends LayerDtype = LayerDtype> extends RecurrentOptions<D> {
  /** Default 'tanh'. */
  nonlinearity?: 'tanh' | 'relu';
}

/** The options of `Lstm.fromPyTorch` and `Gru.fromPyTorch`. */
export interface PyTorchOptions<D extends LayerDtype = LayerDtype> {
  /** The module's prefix in the state_dict (`'encoder.lstm.'`). Default: the prefix of the file's one recurrent module of this kind. */
  prefix?: string;
  /** Default 'time-major' (a state_dict does not say whether the module was batch_first). */
  layout?: Layout;
  /** Default: the file's, float64 for F64 tensors, float32 for F32, F16 and BF16. */
  dtype?: D;
}

/** The options of `Rnn.fromPyTorch`. */
export interface RnnPyTorchOptions<D extends LayerDtype = LayerDtype> extends PyTorchOptions<D> {
  /** Default 'tanh' (a state_dict does not say). */
  nonlinearity?: 'tanh' | 'relu';
}

export interface ForwardOptions {
  /** Each sequence's length in [0, T]: steps past it are not computed and y is zero there. Default: T for all. */
  lengths?: Lengths;
  /** (L·D, m, H) initial states, row k·D + d for layer k, direction d. Default zeros. */
  h0?: TensorLike;
  /** Keep what backward needs and return it as `tape`. Default false (inference keeps nothing). */
  tape?: boolean;
  /** Apply dropout (when the layer has it). Default false. */
  training?: boolean;
}

export interface LstmForwardOptions extends ForwardOptions {
  /** (L·D, m, H) initial cell states. Default zeros. */
  c0?: TensorLike;
}

export interface BackwardOptions {
  /** ∂J/∂y, the shape of y (ignored past each length). */
  dy?: TensorLike;
  /** ∂J/∂hN (L·D, m, H). */
  dhN?: TensorLike;
}

export interface LstmBackwardOptions extends BackwardOptions {
  /** ∂J/∂cN (L·D, m, H). */
  dcN?: TensorLike;
}

export interface ForwardResult<F extends Float> {
  /** (T, m, D·H), or (m, T, D·H) batch-major. */
  y: Tensor<F>;
  /** (L·D, m, H): the states after each direction's last processed step. */
  hN: Tensor<F>;
  /** With `tape: true`: for backward. */
  tape?: Tape;
}

/** The `tape` key of a forward result: there when the options say `tape: true`, absent when they cannot. */
export type TapeOf<O> = O extends { tape: true } ? { tape: Tape } : O extends { tape?: false } ? { tape?: undefined } : { tape?: Tape };

export interface LstmForwardResult<F extends Float> extends ForwardResult<F> {
  /** (L·D, m, H) the final cell states. */
  cN: Tensor<F>;
}

export interface BackwardResult<F extends Float> {
  /** Like x; zero past each length. */
  dx: Tensor<F>;
  /** (L·D, m, H) */
  dh0: Tensor<F>;
  /** The gradient of every parameter, under the same keys as `layer.parameters`. */
  grads: Readonly<Record<string, Tensor<F>>>;
}

export interface LstmBackwardResult<F extends Float> extends BackwardResult<F> {
  /** (L·D, m, H) */
  dc0: Tensor<F>;
}

/** Cell ids of native/kernels/layers.h. */
const enum CellId {
  Lstm = 0,
  Gru = 1,
  RnnTanh = 2,
  RnnRelu = 3,
  GruResetBefore = 4,
}

const OPTION_KEYS = ['inputSize', 'hiddenSize', 'numLayers', 'bidirectional', 'layout', 'dtype', 'dropout', 'seed'] as const;

interface Shape {
  readonly cell: CellId;
  readonly L: number;
  readonly D: number;
  readonly I: number;
  readonly H: number;
  readonly batchMajor: boolean;
}

const nativeShape = (s: Shape, m: number, T: number) => [s.cell, s.L, s.D, s.I, s.H, m, T, s.batchMajor] as const;

/** What backward needs of one forward pass: private, made by forward only. */
export class Tape {
  readonly #state: TapeState;

  /** @hidden Made by the layers' forward only. */
  constructor(key: symbol, state: TapeState) {
    if (key !== tapeToken) throw libraryError(TypeError, 'ERR_RNN_CACHE', 'tapes are made by a layer\'s forward({ tape: true }) only');
    this.#state = state;
    Object.freeze(this);
  }

  /** @hidden */
  static stateOf(value: unknown, layer: object): TapeState {
    if (typeof value === 'object' && value !== null && #state in value) {
      const state = (value as Tape).#state;
      if (state.layer === layer) return state;
      throw libraryError(TypeError, 'ERR_RNN_CACHE', 'tape must be the tape of a forward pass of this layer, got the tape of another layer');
    }
    const got = value === undefined ? 'undefined (was the forward pass run with tape: true?)' : describe(value);
    throw libraryError(TypeError, 'ERR_RNN_CACHE', `tape must be the tape a forward pass of this layer returned with tape: true, got ${got}`);
  }
}

const tapeToken = Symbol('rnn-native tape');

interface TapeState {
  readonly layer: object;
  readonly m: number;
  readonly T: number;
  /** The parameters the forward pass used (a copy: an optimizer step in between does not change the gradients). */
  readonly params: Float;
  readonly buffer: Float;
  readonly lengths: Int32Array | null;
  readonly masks: Float | null;
}

function booleanOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** An option that names one of `allowed` (the first when absent): RangeError for another string, TypeError otherwise. */
export function choice<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0] as T;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    const got = typeof value === 'string' ? `'${value}'` : describe(value);
    throw libraryError(typeof value === 'string' ? RangeError : TypeError, typeof value === 'string' ? 'ERR_RNN_VALUE' : 'ERR_RNN_TYPE',
      `${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${got}`);
  }
  return value as T;
}

function dropoutRate(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `options.dropout must be a number, got ${describe(value)}`);
  if (!(value >= 0 && value < 1)) throw libraryError(RangeError, 'ERR_RNN_VALUE', `options.dropout must be in [0, 1), got ${value}`);
  return value;
}

function seedOption(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `options.seed must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw libraryError(RangeError, 'ERR_RNN_VALUE', `options.seed must be an integer in [0, 2^32), got ${value}`);
  }
  return value;
}

/** A private copy of the m lengths, or null when every one is T (the kernels' fast path). */
function lengthsArgument(value: unknown, m: number, T: number): Int32Array | null {
  if (value === undefined) return null;
  const lengths = sequenceLengths(value, m, T, 'm comes from x');
  return lengths.every((length) => length === T) ? null : lengths;
}

abstract class RecurrentLayer<F extends Float> {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly layout: Layout;
  readonly dtype: LayerDtype;
  readonly dropout: number;
  /** Every weight and bias under PyTorch's names (`weight_ih_l0`, `bias_hh_l1_reverse`, …): views of one buffer the layer owns. Optimizers update them in place. */
  readonly parameters: Readonly<Record<string, Tensor<F>>>;
  readonly #shape: Shape;
  readonly #Array: FloatArrayConstructor;
  readonly #flat: F;
  readonly #offsets: readonly number[];
  readonly #random: RandomState;
  readonly #className: LayerClassName;
  readonly #seed: number;
  /** The options of the subclass, resolved: { resetAfter } or { nonlinearity }. */
  readonly #extra: Readonly<Record<string, unknown>>;

  protected constructor(cell: CellId, className: LayerClassName, options: unknown, extra: Readonly<Record<string, unknown>>) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      const got = options === undefined ? '' : `, got ${describe(options)}`;
      throw libraryError(TypeError, 'ERR_RNN_TYPE', `new ${className}() needs options { inputSize, hiddenSize }${got}`);
    }
    const o = checkOptions(options, 'options', [...OPTION_KEYS, ...Object.keys(extra)]);
    this.#className = className;
    this.#extra = extra;
    for (const key of ['inputSize', 'hiddenSize']) {
      if (o[key] === undefined) throw libraryError(TypeError, 'ERR_RNN_KEY', `options.${key} is missing: new ${className}() needs inputSize and hiddenSize`);
    }
    this.inputSize = positiveInteger(o.inputSize, 'options.inputSize');
    this.hiddenSize = positiveInteger(o.hiddenSize, 'options.hiddenSize');
    this.numLayers = o.numLayers === undefined ? 1 : positiveInteger(o.numLayers, 'options.numLayers');
    if (this.numLayers > 64) throw libraryError(RangeError, 'ERR_RNN_VALUE', `options.numLayers must be at most 64, got ${this.numLayers}`);
    this.bidirectional = booleanOption(o.bidirectional, 'options.bidirectional', false);
    this.layout = sequenceLayout(o.layout, 'options.layout');
    this.dtype = choice(o.dtype, 'options.dtype', ['float32', 'float64'] as const);
    this.dropout = dropoutRate(o.dropout);
    this.#seed = seedOption(o.seed);
    this.#random = new RandomState(this.#seed);
    this.#Array = this.dtype === 'float64' ? Float64Array : Float32Array;
    const D = this.bidirectional ? 2 : 1;
    this.#shape = { cell, L: this.numLayers, D, I: this.inputSize, H: this.hiddenSize, batchMajor: this.layout === 'batch-major' };

    checkIndexable('I', this.inputSize);
    checkIndexable('D·H', D * this.hiddenSize);
    const layout = native.layerLayout(cell, this.numLayers, D, this.inputSize, this.hiddenSize, 0, 0);
    // G·H, the rows of every weight: the length of a bias (offsets of bias_ih and bias_hh of layer 0).
    const GH = (layout.offsets[3] as number) - (layout.offsets[2] as number);
    const G = GH / this.hiddenSize;
    const cellName = cell === CellId.Lstm ? 'an LSTM' : G === 3 ? 'a GRU' : 'an RNN';
    const widest = GH * Math.max(this.inputSize, D * this.hiddenSize);
    if (widest > 2 ** 31 - 1) {
      throw libraryError(RangeError, 'ERR_RNN_TOO_LARGE', `sizes too large: G·H·max(I, D·H) = ${widest} exceeds ${2 ** 31 - 1}, ` +
        `the largest size one BLAS call can index (G = ${G} for ${cellName})`);
    }
    checkMemory(layout.parameters, this.#Array.BYTES_PER_ELEMENT, { I: this.inputSize, H: this.hiddenSize, L: this.numLayers },
      'the parameters of this layer need {}');
    this.#flat = new this.#Array(layout.parameters) as F;
    this.#offsets = layout.offsets;
    // PyTorch's initialization, every value U(−1/√H, 1/√H), in the order of the flat vector (PyTorch's order too).
    const bound = 1 / Math.sqrt(this.hiddenSize);
    for (let i = 0; i < this.#flat.length; ++i) this.#flat[i] = (2 * this.#random.random() - 1) * bound;

    const parameters: Record<string, Tensor<F>> = {};
    parameterShapes(G, { I: this.inputSize, H: this.hiddenSize, L: this.numLayers, D }).forEach(({ name, shape }, i) => {
      const offset = this.#offsets[i] as number;
      const size = shape.reduce((a, b) => a * b, 1);
      parameters[name] = Object.freeze({ data: this.#flat.subarray(offset, offset + size) as F, shape: Object.freeze([...shape]) });
    });
    this.parameters = Object.freeze(parameters);
  }

  /** The (m, T) of x, checked against the layer: (T, m, I) or (m, T, I). */
  #input(value: unknown): { x: Tensor; m: number; T: number } {
    const x = this.#tensor(value, 'x');
    const batchMajor = this.#shape.batchMajor;
    const symbols = batchMajor ? 'm, T, I' : 'T, m, I';
    checkShapeIs(x, 'x', symbols, batchMajor ? ['m', 'T', this.inputSize] : ['T', 'm', this.inputSize], 'I comes from the layer');
    const [a, b] = x.shape as [number, number];
    return batchMajor ? { x, m: a, T: b } : { x, m: b, T: a };
  }

  /** A tensor argument in the layer's dtype: nested arrays are converted, other dtypes are a TypeError. */
  #tensor(value: unknown, name: string): Tensor {
    const data = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { data?: unknown }).data : undefined;
    const kind = typedArrayKind(data);
    if (data !== undefined && kind !== 'Float64Array' && kind !== 'Float32Array') {
      throw libraryError(TypeError, 'ERR_RNN_DTYPE', `${name}.data must be a ${this.#Array.name} (this layer's dtype is ${this.dtype}), got ${describe(data)}`);
    }
    const tensor = toTensor(value, name, this.#Array);
    if (typedArrayKind(tensor.data) !== this.#Array.name) {
      throw libraryError(TypeError, 'ERR_RNN_DTYPE', `${name} is a ${typedArrayKind(tensor.data)}, but this layer's dtype is ${this.dtype} (${this.#Array.name})`);
    }
    return tensor;
  }

  /** A (L·D, m, H) state argument, or null when absent; `mFrom` says where m comes from. */
  #state(value: unknown, name: string, m: number, mFrom: string): Tensor | null {
    if (value === undefined) return null;
    const t = this.#tensor(value, name);
    const { L, D, H } = this.#shape;
    checkShapeIs(t, name, 'L·D, m, H', [L * D, m, H], `L, D and H come from the layer, m from ${mFrom}`);
    return t;
  }

  #checkParameters(): void {
    checkIntact({ 'the layer\'s parameters': { data: this.#flat, shape: [this.#flat.length] } });
  }

  #forwardCall(xValue: unknown, optionsValue: unknown, async: boolean): { args: Parameters<typeof native.layerForward>; result: () => ForwardResult<F> & { cN?: Tensor<F> } } {
    const hasCell = this.#shape.cell === CellId.Lstm;
    const allowed = ['lengths', 'h0', 'tape', 'training', ...(hasCell ? ['c0'] : [])];
    const o = checkOptions(optionsValue, 'options', allowed);
    const { x, m, T } = this.#input(xValue);
    const lengths = lengthsArgument(o.lengths, m, T);
    const h0 = this.#state(o.h0, 'h0', m, 'x');
    const c0 = hasCell ? this.#state(o.c0, 'c0', m, 'x') : null;
    const keep = booleanOption(o.tape, 'options.tape', false);
    const training = booleanOption(o.training, 'options.training', false);
    const { L, D, H } = this.#shape;
    const DH = D * H;
    checkIndexable('T·m', T * m);
    const tapeSize = keep ? native.layerLayout(this.#shape.cell, L, D, this.inputSize, H, m, T).tape : 0;
    const maskSize = training && this.dropout > 0 && L > 1 ? (L - 1) * T * m * DH : 0;
    const stateSize = L * DH * m;
    const resultSize = T * m * DH + stateSize * (hasCell ? 2 : 1);
    const workspace = 2 * T * m * Math.max(this.inputSize, DH) + (keep ? 0 : T * m * (6 * H + 2 * DH));
    checkMemory(resultSize + (keep ? tapeSize + this.#flat.length : 0) + maskSize + workspace, this.#Array.BYTES_PER_ELEMENT, { I: this.inputSize, H, L, D, m, T });
    const masks = maskSize > 0 ? this.#masks(maskSize) : null;
    const [y, hN, cN] = allocateResults(this.#Array, !async, T * m * DH, stateSize, hasCell ? stateSize : 0);
    const [buffer] = keep ? allocateResults(this.#Array, false, tapeSize) : [null];
    const params = keep ? (this.#flat.slice() as Float) : this.#flat;
    checkIntact({ x, h0: h0 ?? undefined, c0: c0 ?? undefined });
    this.#checkParameters();
    const args: Parameters<typeof native.layerForward> = [
      params, x.data, lengths, h0?.data ?? null, c0?.data ?? null, masks, y as Float, hN as Float, hasCell ? (cN as Float) : null,
      buffer ?? null, ...nativeShape(this.#shape, m, T),
    ];
    const yShape = this.#shape.batchMajor ? [m, T, DH] : [T, m, DH];
    const result = () => {
      const out: ForwardResult<F> & { cN?: Tensor<F> } = { y: { data: y as F, shape: yShape }, hN: { data: hN as F, shape: [L * D, m, H] } };
      if (hasCell) out.cN = { data: cN as F, shape: [L * D, m, H] };
      if (buffer) out.tape = new Tape(tapeToken, { layer: this, m, T, params, buffer, lengths, masks });
      return out;
    };
    return { args, result };
  }

  #backwardCall(tapeValue: unknown, optionsValue: unknown, async: boolean): { args: Parameters<typeof native.layerBackward>; result: () => BackwardResult<F> & { dc0?: Tensor<F> } } {
    const tape = Tape.stateOf(tapeValue, this);
    const hasCell = this.#shape.cell === CellId.Lstm;
    const o = checkOptions(optionsValue, 'options', ['dy', 'dhN', ...(hasCell ? ['dcN'] : [])]);
    if (optionsValue === undefined || (o.dy === undefined && o.dhN === undefined && o.dcN === undefined)) {
      throw libraryError(TypeError, 'ERR_RNN_KEY', `backward needs at least one of ${hasCell ? 'dy, dhN, dcN' : 'dy, dhN'} in its options`);
    }
    const { m, T } = tape;
    const { L, D, H, I } = this.#shape;
    const DH = D * H;
    let dy: Tensor | null = null;
    if (o.dy !== undefined) {
      dy = this.#tensor(o.dy, 'dy');
      const symbols = this.#shape.batchMajor ? 'm, T, D·H' : 'T, m, D·H';
      checkShapeIs(dy, 'dy', symbols, this.#shape.batchMajor ? [m, T, DH] : [T, m, DH], 'the shape of y: m and T come from the tape, D and H from the layer');
    }
    const dhN = this.#state(o.dhN, 'dhN', m, 'the tape');
    const dcN = hasCell ? this.#state(o.dcN, 'dcN', m, 'the tape') : null;
    const stateSize = L * DH * m;
    checkMemory(T * m * I + stateSize * 2 + this.#flat.length + T * m * (3 * Math.max(I, DH) + 5 * H), this.#Array.BYTES_PER_ELEMENT, { I, H, L, D, m, T });
    const [dx, dh0, dc0, grads] = allocateResults(this.#Array, !async, T * m * I, stateSize, hasCell ? stateSize : 0, this.#flat.length);
    checkIntact({ dy: dy ?? undefined, dhN: dhN ?? undefined, dcN: dcN ?? undefined });
    const args: Parameters<typeof native.layerBackward> = [
      tape.params, tape.buffer, tape.lengths, tape.masks, dy?.data ?? null, dhN?.data ?? null, dcN?.data ?? null,
      dx as Float, dh0 as Float, hasCell ? (dc0 as Float) : null, grads as Float, ...nativeShape(this.#shape, m, T),
    ];
    const result = () => {
      const named: Record<string, Tensor<F>> = {};
      for (const [name, p] of Object.entries(this.parameters)) {
        const offset = p.data.byteOffset - this.#flat.byteOffset;
        const start = offset / this.#Array.BYTES_PER_ELEMENT;
        named[name] = { data: (grads as F).subarray(start, start + p.data.length) as F, shape: p.shape };
      }
      const out: BackwardResult<F> & { dc0?: Tensor<F> } = {
        dx: { data: dx as F, shape: this.#shape.batchMajor ? [m, T, I] : [T, m, I] },
        dh0: { data: dh0 as F, shape: [L * D, m, H] },
        grads: Object.freeze(named),
      };
      if (hasCell) out.dc0 = { data: dc0 as F, shape: [L * D, m, H] };
      return out;
    };
    return { args, result };
  }

  /** The dropout masks of one training forward: 0 with probability p, else 1/(1 − p), from the layer's generator. */
  #masks(size: number): Float {
    const masks = new this.#Array(size);
    const p = this.dropout;
    const keep = 1 / (1 - p);
    for (let i = 0; i < size; ++i) masks[i] = this.#random.random() < p ? 0 : keep;
    return masks;
  }

  protected runForward(x: unknown, options: unknown): ForwardResult<F> & { cN?: Tensor<F> } {
    const { args, result } = this.#forwardCall(x, options, false);
    callNative(native.layerForward, args);
    return result();
  }

  protected async runForwardAsync(x: unknown, options: unknown): Promise<ForwardResult<F> & { cN?: Tensor<F> }> {
    const { args, result } = this.#forwardCall(x, options, true);
    await callNative(native.layerForwardAsync, args);
    return result();
  }

  protected runBackward(tape: unknown, options: unknown): BackwardResult<F> & { dc0?: Tensor<F> } {
    const { args, result } = this.#backwardCall(tape, options, false);
    callNative(native.layerBackward, args);
    return result();
  }

  protected async runBackwardAsync(tape: unknown, options: unknown): Promise<BackwardResult<F> & { dc0?: Tensor<F> }> {
    const { args, result } = this.#backwardCall(tape, options, true);
    await callNative(native.layerBackwardAsync, args);
    return result();
  }

  /**
   * Writes the layer to `path` as a safetensors file (LAYERS.md §4): its parameters under PyTorch's names, in its
   * dtype, and its class and every constructor option as metadata; `loadLayer(path)` reads it back bit for bit. The
   * write is atomic: a failed or interrupted save leaves the previous file intact.
   */
  save(path: string): void {
    if (typeof path !== 'string') throw libraryError(TypeError, 'ERR_RNN_TYPE', `path must be a string, got ${describe(path)}`);
    this.#checkParameters();
    writeFileAtomic(path, encodeLayerFile(this.#config(), this.parameters));
  }

  #config(): LayerConfig {
    const { inputSize, hiddenSize, numLayers, bidirectional, layout, dtype, dropout } = this;
    return { className: this.#className, options: { inputSize, hiddenSize, numLayers, bidirectional, layout, dtype, dropout, seed: this.#seed, ...this.#extra } };
  }

  /** `Lstm(I=32, H=64, L=2, bidirectional, float32)` */
  toString(): string {
    const { L, I, H } = this.#shape;
    return `${this.constructor.name}(I=${I}, H=${H}, L=${L}${this.bidirectional ? ', bidirectional' : ''}, ${this.layout}, ${this.dtype})`;
  }
}

/** Long short-term memory, PyTorch's `nn.LSTM`: gates i, f, g, o. */
export class Lstm<D extends LayerDtype = 'float32'> extends RecurrentLayer<LayerFloat<D>> {
  constructor(options: RecurrentOptions<D>) {
    super(CellId.Lstm, 'Lstm', options, {});
  }
  /**
   * The `nn.LSTM` of a PyTorch state_dict saved as safetensors (`save_file(model.state_dict(), path)`): its sizes
   * inferred from the tensors' names and shapes, its parameters copied. Tensors outside the module's prefix are
   * ignored; a missing, extra or misshapen one under it (or a proj_size LSTM) is an Error naming the tensor.
   */
  static fromPyTorch<E extends LayerDtype = LayerDtype>(pathOrBytes: string | Uint8Array, options?: PyTorchOptions<E>): Lstm<E> {
    return fromPyTorch('Lstm', pathOrBytes, options) as Lstm<E>;
  }
  /** y, hN, cN of x (T, m, I) (batch-major: (m, T, I)). */
  forward<O extends LstmForwardOptions = {}>(x: TensorLike, options?: O): LstmForwardResult<LayerFloat<D>> & TapeOf<O> {
    return this.runForward(x, options) as LstmForwardResult<LayerFloat<D>> & TapeOf<O>;
  }
  forwardAsync<O extends LstmForwardOptions = {}>(x: TensorLike, options?: O): Promise<LstmForwardResult<LayerFloat<D>> & TapeOf<O>> {
    return this.runForwardAsync(x, options) as Promise<LstmForwardResult<LayerFloat<D>> & TapeOf<O>>;
  }
  /** Gradients of x, h0, c0 and every parameter from ∂J/∂y, ∂J/∂hN, ∂J/∂cN (absent ones zero). */
  backward(tape: Tape, options: LstmBackwardOptions): LstmBackwardResult<LayerFloat<D>> {
    return this.runBackward(tape, options) as LstmBackwardResult<LayerFloat<D>>;
  }
  backwardAsync(tape: Tape, options: LstmBackwardOptions): Promise<LstmBackwardResult<LayerFloat<D>>> {
    return this.runBackwardAsync(tape, options) as Promise<LstmBackwardResult<LayerFloat<D>>>;
  }
}

/** A layer whose only state is h: the GRU and the RNN. */
abstract class HiddenStateLayer<D extends LayerDtype> extends RecurrentLayer<LayerFloat<D>> {
  /** y, hN of x (T, m, I) (batch-major: (m, T, I)). */
  forward<O extends ForwardOptions = {}>(x: TensorLike, options?: O): ForwardResult<LayerFloat<D>> & TapeOf<O> {
    return this.runForward(x, options) as ForwardResult<LayerFloat<D>> & TapeOf<O>;
  }
  forwardAsync<O extends ForwardOptions = {}>(x: TensorLike, options?: O): Promise<ForwardResult<LayerFloat<D>> & TapeOf<O>> {
    return this.runForwardAsync(x, options) as Promise<ForwardResult<LayerFloat<D>> & TapeOf<O>>;
  }
  /** Gradients of x, h0 and every parameter from ∂J/∂y, ∂J/∂hN (absent ones zero). */
  backward(tape: Tape, options: BackwardOptions): BackwardResult<LayerFloat<D>> {
    return this.runBackward(tape, options);
  }
  backwardAsync(tape: Tape, options: BackwardOptions): Promise<BackwardResult<LayerFloat<D>>> {
    return this.runBackwardAsync(tape, options);
  }
}

/** Gated recurrent unit, PyTorch's `nn.GRU` (resetAfter: true): gates r, z, n. */
export class Gru<D extends LayerDtype = 'float32'> extends HiddenStateLayer<D> {
  readonly resetAfter: boolean;
  constructor(options: GruOptions<D>) {
    const resetAfter = booleanOption((options as { resetAfter?: unknown } | undefined)?.resetAfter, 'options.resetAfter', true);
    super(resetAfter ? CellId.Gru : CellId.GruResetBefore, 'Gru', options, { resetAfter });
    this.resetAfter = resetAfter;
  }
  /** The `nn.GRU` of a PyTorch state_dict saved as safetensors, as `Lstm.fromPyTorch` (PyTorch's GRU is resetAfter: true). */
  static fromPyTorch<E extends LayerDtype = LayerDtype>(pathOrBytes: string | Uint8Array, options?: PyTorchOptions<E>): Gru<E> {
    return fromPyTorch('Gru', pathOrBytes, options) as Gru<E>;
  }
}

/** Elman RNN, PyTorch's `nn.RNN`: h' = tanh or relu of W_ih x + b_ih + W_hh h + b_hh. */
export class Rnn<D extends LayerDtype = 'float32'> extends HiddenStateLayer<D> {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(options: RnnOptions<D>) {
    const nonlinearity = choice((options as { nonlinearity?: unknown } | undefined)?.nonlinearity, 'options.nonlinearity', ['tanh', 'relu'] as const);
    super(nonlinearity === 'tanh' ? CellId.RnnTanh : CellId.RnnRelu, 'Rnn', options, { nonlinearity });
    this.nonlinearity = nonlinearity;
  }
  /** The `nn.RNN` of a PyTorch state_dict saved as safetensors, as `Lstm.fromPyTorch`; `nonlinearity` (default 'tanh') is not in the file. */
  static fromPyTorch<E extends LayerDtype = LayerDtype>(pathOrBytes: string | Uint8Array, options?: RnnPyTorchOptions<E>): Rnn<E> {
    return fromPyTorch('Rnn', pathOrBytes, options) as Rnn<E>;
  }
}

/** A layer of any class and dtype, as `loadLayer` and `importOnnx` return. */
export type AnyLayer = Lstm<LayerDtype> | Gru<LayerDtype> | Rnn<LayerDtype>;
