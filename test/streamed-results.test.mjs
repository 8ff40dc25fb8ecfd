// Results of 2 MiB or more (native/kernels/layout.h: kStreamBytes) leave the kernels through non-temporal stores when
// their rows are 16-byte aligned, and ordinary ones otherwise. Both against the plain-JavaScript reference of SPEC §3
// (test/support/reference.mjs), forward and backward, on shapes just at and past the size and with rows aligned
// (T a multiple of 4) or not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import * as R from './support/reference.mjs';

const STREAM_BYTES = 2 * 2 ** 20;

function tensor(r, Type, scale, ...shape) {
  const t = r.randn(...shape);
  return { data: Type.from(t.data, (v) => v * scale), shape };
}

function maxDifference(actual, expected) {
  let worst = 0;
  for (let i = 0; i < expected.length; ++i) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst;
}

const CASES = [
  // [cell, dtype, n_x, n_a, m, T]: a (n_a, m, T) and dx (n_x, m, T) of 2 MiB or a little more.
  ['lstm', 'float64', 16, 16, 64, 256],
  ['lstm', 'float32', 16, 16, 128, 256],
  ['rnn', 'float64', 16, 16, 65, 255],
  ['rnn', 'float32', 16, 16, 128, 257],
];

for (const [cell, dtype, n_x, n_a, m, T] of CASES) {
  test(`${cell} ${dtype} (n_x, n_a, m, T) = (${n_x}, ${n_a}, ${m}, ${T}): a, c and dx of ${(n_a * m * T * (dtype === 'float64' ? 8 : 4) / 2 ** 20).toFixed(2)} MiB`, () => {
    const Type = dtype === 'float64' ? Float64Array : Float32Array;
    assert.ok(n_a * m * T * Type.BYTES_PER_ELEMENT >= STREAM_BYTES, 'the results are large enough to be streamed');
    const r = new rn.RandomState(7 + T);
    const x = tensor(r, Type, 1, n_x, m, T);
    const a0 = tensor(r, Type, 0.5, n_a, m);
    const da = tensor(r, Type, 1, n_a, m, T);
    const scale = 1 / Math.sqrt(n_a + n_x);
    const params = cell === 'lstm'
      ? Object.fromEntries(['f', 'i', 'c', 'o'].flatMap((g) => [[`W${g}`, tensor(r, Type, scale, n_a, n_a + n_x)], [`b${g}`, tensor(r, Type, 0.1, n_a, 1)]]))
      : { Wax: tensor(r, Type, scale, n_a, n_x), Waa: tensor(r, Type, scale, n_a, n_a), ba: tensor(r, Type, 0.1, n_a, 1) };
    const tolerance = dtype === 'float64' ? 1e-11 : 2e-4;
    const ref = cell === 'lstm' ? R.lstmForward(x, a0, params) : R.rnnForward(x, a0, params);
    const fwd = cell === 'lstm' ? rn.lstmForward(x, a0, params) : rn.rnnForward(x, a0, params);
    assert.ok(maxDifference(fwd.a.data, ref.a) < tolerance, `a: ${maxDifference(fwd.a.data, ref.a)}`);
    if (cell === 'lstm') assert.ok(maxDifference(fwd.c.data, ref.c) < tolerance, `c: ${maxDifference(fwd.c.data, ref.c)}`);
    const refBack = cell === 'lstm' ? R.lstmBackward(da, ref) : R.rnnBackward(da, ref);
    const back = cell === 'lstm' ? rn.lstmBackward(da, fwd.caches) : rn.rnnBackward(da, fwd.caches);
    assert.ok(maxDifference(back.dx.data, refBack.dx) < tolerance, `dx: ${maxDifference(back.dx.data, refBack.dx)}`);
  });
}

test.run();
