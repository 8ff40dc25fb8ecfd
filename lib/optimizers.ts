// Gradient clipping and the SGD and Adam optimizers, on named tensors (a gradient dict as the backward functions
// return it) or, inside a model, on one flat parameter vector. The arithmetic is native (native/kernels/optimizers.h)
// and shared with the character model's fused training step.
import { native } from './native';
import type { Float, Tensor } from './tensor';
import { checkOptions, copyOf, describe, lengthOf, positiveNumber, typedArrayKind } from './validate';
import { libraryError } from './errors';

/** Gradients or parameters by name, each a Tensor with a Float64Array or Float32Array. */
export type TensorDict = Record<string, Tensor>;

function fraction(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be a number, got ${describe(value)}`);
  if (!(value >= 0 && value < 1)) throw libraryError(RangeError, 'ERR_RNN_VALUE', `${name} must be in [0, 1), got ${value}`);
  return value;
}

/**
 * The tensors of a dict, each read once into a fresh `{ data, shape }`: later checks and the native call see the
 * same array, whatever getters the caller's objects have.
 */
function tensorDict(value: unknown, name: string): [string, Tensor][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be an object of tensors, got ${describe(value)}`);
  }
  return Object.entries(value).map(([key, tensor]) => {
    const data = (tensor as { data?: unknown } | null)?.data;
    const kind = typedArrayKind(data);
    if (kind !== 'Float64Array' && kind !== 'Float32Array') {
      throw libraryError(TypeError, 'ERR_RNN_DTYPE', `${name}.${key} must be a Tensor with a Float64Array or Float32Array, got ${describe(tensor)}`);
    }
    const shape = (tensor as { shape?: unknown }).shape;
    return [key, { data: data as Float, shape: Array.isArray(shape) ? Array.from(shape as number[]) : [lengthOf(data as Float)] }];
  });
}

function copy(tensor: Tensor): Tensor {
  return { data: copyOf(tensor.data), shape: tensor.shape };
}

/** A copy of `grads` with every value clamped into [-maxValue, maxValue]. */
export function clipByValue<G extends TensorDict>(grads: G, maxValue: number): G {
  const limit = positiveNumber(maxValue, 'maxValue');
  const entries = tensorDict(grads, 'grads').map(([key, tensor]): [string, Tensor] => {
    const clipped = copy(tensor);
    native.clipByValue(clipped.data, limit);
    return [key, clipped];
  });
  return Object.fromEntries(entries) as G;
}

/** The global L2 norm of all gradients together. */
export function globalNorm(grads: TensorDict): number {
  return Math.sqrt(tensorDict(grads, 'grads').reduce((sum, [, tensor]) => sum + native.sumOfSquares(tensor.data), 0));
}

/**
 * A copy of `grads` scaled so that their global L2 norm is at most `maxNorm` (unchanged when it already is), and
 * the norm before clipping.
 */
export function clipByGlobalNorm<G extends TensorDict>(grads: G, maxNorm: number): { grads: G; norm: number } {
  const limit = positiveNumber(maxNorm, 'maxNorm');
  const norm = globalNorm(grads);
  const factor = norm > limit ? limit / norm : 1;
  const entries = tensorDict(grads, 'grads').map(([key, tensor]): [string, Tensor] => {
    const scaled = copy(tensor);
    if (factor !== 1) native.scale(scaled.data, factor);
    return [key, scaled];
  });
  return { grads: Object.fromEntries(entries) as G, norm };
}

/** The running state an optimizer keeps for one parameter array. */
export interface OptimizerSlot {
  readonly moment1: Float;
  readonly moment2: Float;
  /** Updates done so far. */
  steps: number;
}

/** An optimizer's hyperparameters, fixed at construction (kind 0 = SGD, 1 = Adam, as the native code numbers them). */
export interface OptimizerSettings {
  readonly kind: 0 | 1;
  readonly learningRate: number;
  readonly momentum: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

interface Internals {
  readonly settings: OptimizerSettings;
  readonly slots: WeakMap<Float, OptimizerSlot>;
}

// Kept outside the objects, so that no caller can reach (detach, replace, redefine) what the native code trusts.
const internals = new WeakMap<object, Internals>();

/**
 * Internal (the character model's fused step uses it): the optimizer's settings and its state for one parameter
 * array, created zeroed on first use.
 */
export function optimizerState(optimizer: unknown, parameter: Float, name = 'optimizer'): { settings: OptimizerSettings; slot: OptimizerSlot } {
  const found = typeof optimizer === 'object' && optimizer !== null ? internals.get(optimizer) : undefined;
  if (found === undefined) throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be an Adam or Sgd, got ${describe(optimizer)}`);
  const { settings, slots } = found;
  let slot = slots.get(parameter);
  if (slot === undefined) {
    const dtype = typedArrayKind(parameter) === 'Float32Array' ? Float32Array : Float64Array;
    const length = lengthOf(parameter);
    slot = { moment1: new dtype(length), moment2: new dtype(length), steps: 0 };
    slots.set(parameter, slot);
  }
  return { settings, slot };
}

function optimizerSettings(optimizer: object): OptimizerSettings {
  return (internals.get(optimizer) as Internals).settings;
}

/** What both optimizers share: per-parameter state, keyed by the parameter's own array, and `step`. */
abstract class Optimizer {
  protected constructor(settings: OptimizerSettings) {
    internals.set(this, { settings: Object.freeze({ ...settings }), slots: new WeakMap() });
  }

  get learningRate(): number {
    return optimizerSettings(this).learningRate;
  }

  /**
   * Updates every tensor of `params` named in `grads`, in place, from its gradient. A gradient named `dW` updates
   * `params.dW`, or else `params.W` (the backward functions' names). Each gradient must match its parameter's size
   * and dtype. The optimizer keeps its state (momentum, moments) per parameter array.
   */
  step(params: TensorDict, grads: TensorDict): void {
    const parameters = new Map(tensorDict(params, 'params'));
    const entries = tensorDict(grads, 'grads');
    const updates: { key: string; parameter: Tensor; gradient: Tensor; settings: OptimizerSettings; slot: OptimizerSlot }[] = [];
    for (const [key, gradient] of entries) {
      const parameter = parameters.get(key) ?? (key.startsWith('d') ? parameters.get(key.slice(1)) : undefined);
      if (parameter === undefined) {
        const names = key.startsWith('d') ? `params.${key} or params.${key.slice(1)}` : `params.${key}`;
        throw libraryError(TypeError, 'ERR_RNN_KEY', `grads.${key} has no parameter: there is no ${names}`);
      }
      const pKind = typedArrayKind(parameter.data);
      const gKind = typedArrayKind(gradient.data);
      const pLength = lengthOf(parameter.data);
      const gLength = lengthOf(gradient.data);
      if (pKind !== gKind || pLength !== gLength || pLength === 0) {
        throw libraryError(RangeError, 'ERR_RNN_SHAPE', `grads.${key} (${gKind}, ${gLength} values) does not match params.${key} (${pKind}, ${pLength} values)`);
      }
      const { settings, slot } = optimizerState(this, parameter.data);
      updates.push({ key, parameter, gradient, settings, slot });
    }
    for (const { key, parameter, gradient, settings, slot } of updates) {
      // Checked right before the native call, with nothing a caller can patch in between (lengthOf reads the
      // TypedArray intrinsic): the state was sized at the parameter's first step, a parameter on a resizable
      // ArrayBuffer may have been resized since (even by a patched iterator of these very loops), and the native
      // update writes as many values as the parameter has.
      const pLength = lengthOf(parameter.data);
      const stateLength = lengthOf(slot.moment1);
      if (stateLength !== pLength || lengthOf(slot.moment2) !== pLength || lengthOf(gradient.data) !== pLength) {
        throw libraryError(RangeError, 'ERR_RNN_SHAPE', `the parameter of grads.${key} has ${pLength} values, but had ${stateLength} at its first step: ` +
          'a parameter must keep its size from step to step (its ArrayBuffer, or its gradient\'s, was resized)');
      }
      slot.steps += 1;
      if (settings.kind === 1) {
        native.adamUpdate(parameter.data, gradient.data, slot.moment1, slot.moment2, settings.learningRate, settings.beta1,
          settings.beta2, settings.epsilon, slot.steps);
      } else {
        native.sgdUpdate(parameter.data, gradient.data, slot.moment1, settings.learningRate, settings.momentum);
      }
    }
  }
}

export interface SgdOptions {
  learningRate: number;
  /** 0 (the default) for plain SGD. */
  momentum?: number;
}

/** SGD with optional momentum, as PyTorch's (no dampening): v = μ·v + g; w -= lr·v. */
export class Sgd extends Optimizer {
  constructor(options: SgdOptions) {
    const o = checkOptions(options, 'options', ['learningRate', 'momentum']);
    const learningRate = positiveNumber(o.learningRate, 'learningRate');
    super({ kind: 0, learningRate, momentum: fraction(o.momentum, 'momentum', 0), beta1: 0, beta2: 0, epsilon: 0 });
  }

  get momentum(): number {
    return optimizerSettings(this).momentum;
  }
}

export interface AdamOptions {
  learningRate: number;
  /** 0.9 by default. */
  beta1?: number;
  /** 0.999 by default. */
  beta2?: number;
  /** 1e-8 by default. */
  epsilon?: number;
}

/** Adam (Kingma & Ba, 2015) with bias-corrected moments. */
export class Adam extends Optimizer {
  constructor(options: AdamOptions) {
    const o = checkOptions(options, 'options', ['learningRate', 'beta1', 'beta2', 'epsilon']);
    super({
      kind: 1,
      learningRate: positiveNumber(o.learningRate, 'learningRate'),
      momentum: 0,
      beta1: fraction(o.beta1, 'beta1', 0.9),
      beta2: fraction(o.beta2, 'beta2', 0.999),
      epsilon: o.epsilon === undefined ? 1e-8 : positiveNumber(o.epsilon, 'epsilon'),
    });
  }

  get beta1(): number {
    return optimizerSettings(this).beta1;
  }

  get beta2(): number {
    return optimizerSettings(this).beta2;
  }

  get epsilon(): number {
    return optimizerSettings(this).epsilon;
  }
}
