// numpy's legacy RandomState: MT19937 seeded by init_genrand, 53-bit doubles, polar Box–Muller normals with one
// cached value (SPEC §5). Reproduces np.random.seed(s); np.random.randn(...) exactly.

export class RandomState {
  constructor(seed) {
    this.mt = new Uint32Array(624);
    this.index = 624;
    this.cachedNormal = null;
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; ++i) {
      const previous = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      // 1812433253 * previous + i (mod 2^32), multiplied in 16-bit halves to stay exact.
      this.mt[i] = (((((previous & 0xffff0000) >>> 16) * 1812433253) << 16) + (previous & 0x0000ffff) * 1812433253 + i) >>> 0;
    }
  }

  u32() {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; ++k) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  double() {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  normal() {
    if (this.cachedNormal !== null) {
      const value = this.cachedNormal;
      this.cachedNormal = null;
      return value;
    }
    let x1, x2, r2;
    do {
      x1 = 2 * this.double() - 1;
      x2 = 2 * this.double() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.cachedNormal = f * x1;
    return f * x2;
  }

  /** np.random.randn(...shape) as a Float64Array tensor, filled in row-major order. */
  randn(...shape) {
    const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; ++i) data[i] = this.normal();
    return { data, shape };
  }
}
