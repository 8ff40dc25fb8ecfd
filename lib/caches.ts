// The caches a forward pass returns and its backward pass takes back. Their state is private: nothing outside this
// package can build, read or change it, so a backward pass always sees exactly what its forward pass left.
import type { Float, FloatArrayConstructor, Tensor } from './tensor';
import { describe } from './validate';
import { libraryError } from './errors';

export type CacheKind = 'rnnCell' | 'rnn' | 'lstmCell' | 'lstm';

/** What every cache holds, RNN or LSTM: the sizes, the dtype, and the time-major input and hidden states. */
export interface SequenceState {
  readonly dtype: FloatArrayConstructor;
  readonly n_x: number;
  readonly n_a: number;
  readonly m: number;
  readonly T: number;
  /** (T, m, n_x) the input, time-major. */
  readonly X: Float;
  /** (T + 1, m, n_a) the hidden states, time-major, a0 first. */
  readonly H: Float;
}

const producer: Record<CacheKind, string> = {
  rnnCell: 'rnnCellForward',
  rnn: 'rnnForward',
  lstmCell: 'lstmCellForward',
  lstm: 'lstmForward',
};

const token = Symbol('rnn-native cache');

/** What a forward pass returns as `cache`/`caches`: pass it back to the matching backward pass unchanged. */
export class Cache<K extends CacheKind, State, F extends Float = Float> {
  /** Which forward pass made it. */
  readonly kind: K;
  /** The forward pass's input: `x` (n_x, m, T) for a sequence, `xt` (n_x, m) for a cell, in the call's dtype. */
  readonly x: Tensor<F>;
  readonly #state: State;

  /** @hidden Made by the forward passes only. */
  constructor(key: symbol, kind: K, x: Tensor<F>, state: State) {
    if (key !== token) throw libraryError(TypeError, 'ERR_RNN_CACHE', `caches are made by ${producer[kind] ?? 'the forward passes'} only`);
    this.kind = kind;
    this.x = x;
    this.#state = state;
    Object.freeze(this);
  }

  /** The state of `value` if it is a cache of `kind`, else a TypeError naming `name` and what it is instead. */
  static stateOf<K extends CacheKind, State>(value: unknown, kind: K, name: string): State {
    if (typeof value === 'object' && value !== null && #state in value) {
      const cache = value as Cache<CacheKind, unknown, Float>;
      if (cache.kind === kind) return cache.#state as State;
      throw libraryError(TypeError, 'ERR_RNN_CACHE', `${name} must be the ${name} that ${producer[kind]} returned, got the cache of ${producer[cache.kind]}`);
    }
    const got = value instanceof Cache ? 'a copy or imitation of a cache' : describe(value);
    throw libraryError(TypeError, 'ERR_RNN_CACHE', `${name} must be the ${name} that ${producer[kind]} returned, got ${got}`);
  }
}

export function makeCache<K extends CacheKind, State>(kind: K, x: Tensor, state: State): Cache<K, State> {
  return new Cache(token, kind, x, state);
}
