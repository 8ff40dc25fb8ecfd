// The Linear layer (PyTorch's nn.Linear): y = x Wᵀ + b on the last axis of a (…, I) tensor, every leading axis a
// row of one native GEMM, forward and backward, sync and async. The tape a forward pass returns keeps private copies of
// x and W, so a backward pass computes the gradient of exactly that forward pass, whatever happens to the caller's
// arrays or to the parameters (an optimizer step) in between.
import type { NativeAddon } from '../binding';
import { callNative, native } from './native';
import { type Float, type FloatArrayConstructor, type Tensor, type TensorLike, allocate, allocateResults } from './tensor';
import { type Dtype, arrayType, fillUniform } from './init';
import { RandomState } from './random';
import type { LayerFloat } from './typing';
import {
  checkDtype, checkIndexable, checkIntact, checkMemory, checkOptions, copyOf, describe, positiveInteger, setValues, sizeOf, tensorArgument,
  throwShape, toTensor,
} from './validate';
import { libraryError } from './errors';

export interface LinearOptions<D extends Dtype = Dtype> {
  /** I: the size of the last axis of x. */
  inputSize: number;
  /** O: the size of the last axis of y. */
  outputSize: number;
  /** 'float32' (the default) or 'float64'. */
  dtype?: D;
  /** The seed of the initialization's RandomState, 0 by default. */
  seed?: number;
}

/** PyTorch's names and shapes: weight (O, I), bias (O). A type, not an interface, so that it is a TensorDict for the optimizers. */
export type LinearParameters<F extends Float = Float> = {
  readonly weight: Tensor<F>;
  readonly bias: Tensor<F>;
};

/** What the forward pass keeps for the backward pass. */
interface TapeState {
  readonly layer: object;
  /** The leading axes of x (and y). */
  readonly lead: readonly number[];
  readonly rows: number;
  /** (rows, I) a copy of x. */
  readonly X: Float;
  /** (O, I) a copy of the weight at the forward pass. */
  readonly W: Float;
}

const token = Symbol('rnn-native linear tape');

/** What `Linear.forward` returns as `tape`: pass it back to that layer's `backward` unchanged, as often as needed. */
export class LinearTape {
  readonly #state: TapeState;

  /** @hidden Made by Linear.forward only. */
  constructor(key: symbol, state: TapeState) {
    if (key !== token) throw libraryError(TypeError, 'ERR_RNN_CACHE', 'tapes are made by Linear.forward only');
    this.#state = state;
    Object.freeze(this);
  }

  /** The state of `value` if it is a tape of `layer`, else a TypeError saying what it is instead. */
  static stateOf(value: unknown, layer: object): TapeState {
    const expected = "tape must be the tape that this Linear's forward returned";
    if (typeof value === 'object' && value !== null && #state in value) {
      const state = (value as LinearTape).#state;
      if (state.layer === layer) return state;
      throw libraryError(TypeError, 'ERR_RNN_CACHE', `${expected}, got the tape of another Linear`);
    }
    throw libraryError(TypeError, 'ERR_RNN_CACHE', `${expected}, got ${value instanceof LinearTape ? 'a copy or imitation of a tape' : describe(value)}`);
  }
}

export interface LinearForwardResult<F extends Float = Float> {
  /** (…, O) */
  y: Tensor<F>;
  tape: LinearTape;
}

export interface LinearBackwardResult<F extends Float = Float> {
  /** (…, I) */
  dx: Tensor<F>;
  /** The keys of `parameters`, for `optimizer.step(linear.parameters, grads)`. */
  grads: { weight: Tensor<F>; bias: Tensor<F> };
}

type ForwardArgs = Parameters<NativeAddon['linearForward']>;
type BackwardArgs = Parameters<NativeAddon['linearBackward']>;

/** y = x Wᵀ + b on the last axis, with PyTorch's parameters and initialization: weight and bias U(-1/√I, 1/√I). */
export class Linear<D extends Dtype = 'float32'> {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly dtype: D;
  /** weight (O, I) and bias (O), owned by the layer: optimizers update them in place and the next call uses them. */
  readonly parameters: LinearParameters<LayerFloat<D>>;
  readonly #array: FloatArrayConstructor;

  constructor(options: LinearOptions<D>) {
    const o = checkOptions(options, 'options', ['inputSize', 'outputSize', 'dtype', 'seed']);
    const I = positiveInteger(o.inputSize, 'inputSize');
    const O = positiveInteger(o.outputSize, 'outputSize');
    const dtype = o.dtype ?? 'float32';
    this.#array = arrayType(dtype, 'dtype');
    const random = new RandomState((o.seed ?? 0) as number);
    checkIndexable('outputSize·inputSize', O * I);
    checkMemory(O * I + O, this.#array.BYTES_PER_ELEMENT, { inputSize: I, outputSize: O });
    const weight = new this.#array(O * I);
    const bias = new this.#array(O);
    const limit = 1 / Math.sqrt(I);
    fillUniform(weight, limit, random);
    fillUniform(bias, limit, random);
    this.inputSize = I;
    this.outputSize = O;
    this.dtype = dtype as D;
    const parameter = (data: Float, shape: number[]) => Object.freeze({ data, shape: Object.freeze(shape) });
    this.parameters = Object.freeze({ weight: parameter(weight, [O, I]), bias: parameter(bias, [O]) }) as LinearParameters<LayerFloat<D>>;
    Object.freeze(this);
  }

  /** y (…, O) = x (…, I) Wᵀ + b, and the tape for `backward`. */
  forward(x: TensorLike): LinearForwardResult<LayerFloat<D>> {
    const { args, result } = this.#prepareForward(x, false);
    callNative(native.linearForward, args);
    return result() as LinearForwardResult<LayerFloat<D>>;
  }

  /** forward on the native executor's thread: the same result, without blocking the event loop. Bad input rejects. */
  async forwardAsync(x: TensorLike): Promise<LinearForwardResult<LayerFloat<D>>> {
    const { args, result } = this.#prepareForward(x, true);
    await callNative(native.linearForwardAsync, args);
    return result() as LinearForwardResult<LayerFloat<D>>;
  }

  /** dx (…, I) and the parameter gradients from dy (…, O), the gradient of the loss with respect to that forward's y. */
  backward(tape: LinearTape, dy: TensorLike): LinearBackwardResult<LayerFloat<D>> {
    const { args, result } = this.#prepareBackward(tape, dy, false);
    callNative(native.linearBackward, args);
    return result() as LinearBackwardResult<LayerFloat<D>>;
  }

  /** backward on the native executor's thread: the same result, without blocking the event loop. Bad input rejects. */
  async backwardAsync(tape: LinearTape, dy: TensorLike): Promise<LinearBackwardResult<LayerFloat<D>>> {
    const { args, result } = this.#prepareBackward(tape, dy, true);
    await callNative(native.linearBackwardAsync, args);
    return result() as LinearBackwardResult<LayerFloat<D>>;
  }

  /**
   * Checks x, allocates y and the tape and binds the native arguments. `copyInputs` gives the kernel private copies of
   * every array the caller can reach (the bias), for calls that run while the caller's code goes on (async).
   */
  #prepareForward(x: unknown, copyInputs: boolean) {
    const { inputSize: I, outputSize: O } = this;
    const dtype = this.#array;
    const input = toTensor(x, 'x', dtype);
    checkDtype(input, 'x', dtype, 'the layer');
    if (input.shape[input.shape.length - 1] !== I) throwShape('x', '…, I', ['…', I], input.shape, 'I comes from the layer');
    const lead = input.shape.slice(0, -1);
    const rows = sizeOf(lead);
    checkIndexable('the rows of x (the product of its leading axes)', rows);
    // y, the tape's X and W, and the bias copy.
    checkMemory(rows * (O + I) + O * I + O, dtype.BYTES_PER_ELEMENT, { rows, inputSize: I, outputSize: O });
    const { weight, bias } = this.parameters;
    checkIntact({ x: input, weight, bias });
    const [y] = allocateResults(dtype, !copyInputs, rows * O);
    const [X, W] = allocate(dtype, rows * I, O * I);
    setValues(X, input.data);
    setValues(W, weight.data);
    const tape = new LinearTape(token, { layer: this, lead, rows, X, W });
    const args: ForwardArgs = [y, X, W, copyInputs ? copyOf(bias.data) : bias.data, rows, I, O];
    const result = (): LinearForwardResult => ({ y: { data: y, shape: [...lead, O] }, tape });
    return { args, result };
  }

  /** Checks the tape and dy, allocates the gradients and binds the native arguments (`copyInputs` as above, for dy). */
  #prepareBackward(tape: unknown, dy: unknown, copyInputs: boolean) {
    const { inputSize: I, outputSize: O } = this;
    const dtype = this.#array;
    const { lead, rows, X, W } = LinearTape.stateOf(tape, this);
    const upstream = tensorArgument(dy, 'dy', dtype, 'the layer', '…, O', [...lead, O], 'the shape of y');
    // dx, dW, db and the copy of dy.
    checkMemory(rows * (I + O) + O * I + O, dtype.BYTES_PER_ELEMENT, { rows, inputSize: I, outputSize: O });
    checkIntact({ dy: upstream });
    const [dx, dW, db] = allocateResults(dtype, !copyInputs, rows * I, O * I, O);
    const args: BackwardArgs = [dx, dW, db, copyInputs ? copyOf(upstream.data) : upstream.data, X, W, rows, I, O];
    const result = (): LinearBackwardResult => ({
      dx: { data: dx, shape: [...lead, I] },
      grads: { weight: { data: dW, shape: [O, I] }, bias: { data: db, shape: [O] } },
    });
    return { args, result };
  }
}
