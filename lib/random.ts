// numpy's legacy RandomState, so that `new RandomState(1).randn(3, 10)` draws what `np.random.seed(1);
// np.random.randn(3, 10)` draws: MT19937 seeded by init_genrand, 53-bit doubles, and polar Box–Muller normals with
// one cached value. Every integer and uniform draw is identical; a few normals differ from numpy's in the last bit,
// because JavaScript's Math.log and the C library's log (which numpy calls) round a few inputs differently.
import type { Tensor } from './tensor';
import { checkIndexable, describe } from './validate';
import { libraryError } from './errors';

const N = 624;
const M = 397;

export class RandomState {
  readonly #mt = new Uint32Array(N);
  #index = N;
  #cachedNormal: number | undefined;

  /** Seeds the generator like `np.random.seed(seed)` with an integer 0 ≤ seed < 2³². */
  constructor(seed: number) {
    if (typeof seed !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `seed must be a number, got ${describe(seed)}`);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw libraryError(RangeError, 'ERR_RNN_VALUE', `seed must be an integer in [0, 2^32), got ${seed}`);
    }
    const mt = this.#mt;
    mt[0] = seed;
    for (let i = 1; i < N; ++i) {
      const previous = (mt[i - 1] as number) ^ ((mt[i - 1] as number) >>> 30);
      mt[i] = Math.imul(1812433253, previous) + i;
    }
  }

  /** The next 32-bit output of MT19937. */
  uint32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      for (let k = 0; k < N; ++k) {
        const y = ((mt[k] as number) & 0x80000000) | ((mt[(k + 1) % N] as number) & 0x7fffffff);
        mt[k] = (mt[(k + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits, like `np.random.random_sample()`. */
  random(): number {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }

  /** A standard normal, like `np.random.standard_normal()`. */
  normal(): number {
    if (this.#cachedNormal !== undefined) {
      const value = this.#cachedNormal;
      this.#cachedNormal = undefined;
      return value;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.#cachedNormal = f * x1;
    return f * x2;
  }

  /** `np.random.randn(...shape)`: a Float64Array tensor of standard normals filled in row-major order. */
  randn(...shape: number[]): Tensor<Float64Array> {
    if (shape.length === 0) throw libraryError(TypeError, 'ERR_RNN_TYPE', 'randn needs at least one dimension, like randn(3, 10)');
    for (const d of shape) {
      if (typeof d !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `randn dimensions must be numbers, got ${describe(d)}`);
      if (!Number.isSafeInteger(d) || d < 1) throw libraryError(RangeError, 'ERR_RNN_VALUE', `randn dimensions must be positive integers, got (${shape.join(', ')})`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    checkIndexable('the number of values randn draws', size);
    const data = new Float64Array(size);
    for (let i = 0; i < data.length; ++i) data[i] = this.normal();
    return { data, shape };
  }
}
