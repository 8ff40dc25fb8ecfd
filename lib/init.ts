// Parameter initialization: Glorot/Xavier uniform weights, zero biases, and an optional forget-gate bias.
import type { RandomState } from './random';
import type { Float, FloatArrayConstructor, Tensor } from './tensor';
import type { DtypeFloat, OptionsDtype } from './typing';
import { checkIndexable, checkOptions, describe, lengthOf, positiveInteger } from './validate';
import { libraryError } from './errors';

export type Dtype = 'float64' | 'float32';

export function arrayType(dtype: unknown, name: string): FloatArrayConstructor {
  if (dtype === undefined || dtype === 'float64') return Float64Array;
  if (dtype === 'float32') return Float32Array;
  throw libraryError(TypeError, 'ERR_RNN_VALUE', `${name} must be 'float64' or 'float32', got ${typeof dtype === 'string' ? `'${dtype}'` : describe(dtype)}`);
}

/** Fills `data` with U(-limit, limit) draws in order, one `random()` each (PyTorch's layer initializations are of this form). */
export function fillUniform(data: Float, limit: number, random: RandomState): void {
  const n = lengthOf(data);
  for (let i = 0; i < n; ++i) data[i] = (2 * random.random() - 1) * limit;
}

/** Fills `data`, a (fanOut, fanIn) matrix, with Glorot/Xavier uniform draws: U(-l, l) with l = √(6 / (fanIn + fanOut)). */
export function fillGlorotUniform(data: Float, fanOut: number, fanIn: number, random: RandomState): void {
  fillUniform(data, Math.sqrt(6 / (fanIn + fanOut)), random);
}

function randomState(value: unknown): RandomState {
  if (typeof (value as { random?: unknown } | null)?.random !== 'function') {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `random must be a RandomState, got ${describe(value)}`);
  }
  return value as RandomState;
}

function glorot(dtype: FloatArrayConstructor, fanOut: number, fanIn: number, random: RandomState): Tensor {
  checkIndexable('fanOut·fanIn', fanOut * fanIn);
  const data = new dtype(fanOut * fanIn);
  fillGlorotUniform(data, fanOut, fanIn, random);
  return { data, shape: [fanOut, fanIn] };
}

/** A (fanOut, fanIn) Tensor of Glorot/Xavier uniform draws, Float64Array unless `dtype` is 'float32'. */
export function glorotUniform<D extends Dtype | undefined = undefined>(fanOut: number, fanIn: number, random: RandomState, dtype?: D): Tensor<DtypeFloat<D>> {
  return glorot(arrayType(dtype, 'dtype'), positiveInteger(fanOut, 'fanOut'), positiveInteger(fanIn, 'fanIn'), randomState(random)) as Tensor<DtypeFloat<D>>;
}

export interface InitOptions {
  n_x: number;
  n_a: number;
  /** With n_y, the output layer (Wya or Wy, by) is initialized too. */
  n_y?: number;
  random: RandomState;
  /** 'float64' (the default) or 'float32'. */
  dtype?: Dtype;
}

export interface LstmInitOptions extends InitOptions {
  /** The initial value of every entry of bf; 0 by default (1 is a common choice that helps long memories). */
  forgetBias?: number;
}

/**
 * The output layer of initial parameters: the keys `Weight` and `by` when the options `O` have n_y, optional when
 * they may, absent when they do not.
 */
export type InitialPrediction<O, Weight extends string, F extends Float> = 'n_y' extends keyof O
  ? undefined extends O['n_y'] ? { [K in Weight | 'by']?: Tensor<F> } : { [K in Weight | 'by']: Tensor<F> }
  : { [K in Weight | 'by']?: never };

/** initRnnParams's result in the dtype of `options.dtype`; Wya and by are there when the options `O` have n_y. */
export type RnnInitialParams<F extends Float = Float, O = InitOptions> = {
  Wax: Tensor<F>;
  Waa: Tensor<F>;
  ba: Tensor<F>;
} & InitialPrediction<O, 'Wya', F>;

/** initLstmParams's result in the dtype of `options.dtype`; Wy and by are there when the options `O` have n_y. */
export type LstmInitialParams<F extends Float = Float, O = LstmInitOptions> = {
  Wf: Tensor<F>;
  bf: Tensor<F>;
  Wi: Tensor<F>;
  bi: Tensor<F>;
  Wc: Tensor<F>;
  bc: Tensor<F>;
  Wo: Tensor<F>;
  bo: Tensor<F>;
} & InitialPrediction<O, 'Wy', F>;

function zeros(dtype: FloatArrayConstructor, rows: number, fill = 0): Tensor {
  return { data: new dtype(rows).fill(fill), shape: [rows, 1] };
}

function readInit(options: unknown, extra: string[]) {
  const o = checkOptions(options, 'options', ['n_x', 'n_a', 'n_y', 'random', 'dtype', ...extra]);
  if (o.n_x === undefined || o.n_a === undefined || o.random === undefined) {
    throw libraryError(TypeError, 'ERR_RNN_KEY', 'options need n_x, n_a and random');
  }
  return {
    o,
    n_x: positiveInteger(o.n_x, 'n_x'),
    n_a: positiveInteger(o.n_a, 'n_a'),
    n_y: o.n_y === undefined ? undefined : positiveInteger(o.n_y, 'n_y'),
    random: randomState(o.random),
    dtype: arrayType(o.dtype, 'dtype'),
  };
}

/** RNN parameters: Glorot/Xavier uniform Wax, Waa (and Wya), zero ba (and by). Draws in the order Wax, Waa, Wya. */
export function initRnnParams<O extends InitOptions>(options: O): RnnInitialParams<DtypeFloat<OptionsDtype<O>>, O> {
  const { n_x, n_a, n_y, random, dtype } = readInit(options, []);
  const params: RnnInitialParams = {
    Wax: glorot(dtype, n_a, n_x, random),
    Waa: glorot(dtype, n_a, n_a, random),
    ba: zeros(dtype, n_a),
  };
  if (n_y !== undefined) Object.assign(params, { Wya: glorot(dtype, n_y, n_a, random), by: zeros(dtype, n_y) });
  return params as RnnInitialParams<DtypeFloat<OptionsDtype<O>>, O>;
}

/**
 * LSTM parameters: each gate's weights (n_a, n_a + n_x) Glorot/Xavier uniform, biases zero except bf = forgetBias
 * (and Wy, by). Draws in the order Wf, Wi, Wc, Wo, Wy.
 */
export function initLstmParams<O extends LstmInitOptions>(options: O): LstmInitialParams<DtypeFloat<OptionsDtype<O>>, O> {
  const { o, n_x, n_a, n_y, random, dtype } = readInit(options, ['forgetBias']);
  const forgetBias = o.forgetBias ?? 0;
  if (typeof forgetBias !== 'number' || !Number.isFinite(forgetBias)) {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `forgetBias must be a finite number, got ${describe(forgetBias)}`);
  }
  const gate = (bias: number) => [glorot(dtype, n_a, n_a + n_x, random), zeros(dtype, n_a, bias)] as const;
  const [Wf, bf] = gate(forgetBias);
  const [Wi, bi] = gate(0);
  const [Wc, bc] = gate(0);
  const [Wo, bo] = gate(0);
  const params: LstmInitialParams = { Wf, bf, Wi, bi, Wc, bc, Wo, bo };
  if (n_y !== undefined) Object.assign(params, { Wy: glorot(dtype, n_y, n_a, random), by: zeros(dtype, n_y) });
  return params as LstmInitialParams<DtypeFloat<OptionsDtype<O>>, O>;
}
