// The kernels' own vectorized exp, tanh and sigmoid (native/kernels/fast_math.h) are as accurate as the C library's:
// checked through the public functions against Math.exp/Math.tanh over a dense grid, tiny arguments included.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';

const grid = () => {
  const values = [];
  for (let x = -40; x <= 40; x += 0.0137) values.push(x);
  for (let x = 1e-12; x < 1; x *= 1.05) values.push(x, -x);
  return Float64Array.from(values);
};

/** Largest |actual - expected| / |expected| (absolute below `floor`), over all values. */
function worstRelative(actual, expected, floor = 1e-300) {
  let worst = 0;
  for (let i = 0; i < expected.length; ++i) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor));
  }
  return worst;
}

test('sigmoid is within a few ulp of 1 / (1 + exp(-z)) in float64', () => {
  const z = grid();
  const out = rn.sigmoid({ data: z, shape: [z.length] }).data;
  const error = worstRelative(out, z.map((v) => 1 / (1 + Math.exp(-v))));
  assert.ok(error < 1e-15, `worst relative error ${error}`);
});

test('tanh (through an RNN cell with identity weights) is within a few ulp of Math.tanh, also near 0', () => {
  const z = grid();
  const n = z.length;
  // One step with n_x = 1, n_a = 1, m = n: a = tanh(1·x + 0·a0 + 0).
  const params = { Wax: [[1]], Waa: [[0]], ba: [[0]] };
  const { aNext } = rn.rnnCellForward({ data: z, shape: [1, n] }, { data: new Float64Array(n), shape: [1, n] }, params);
  const error = worstRelative(aNext.data, z.map(Math.tanh));
  assert.ok(error < 1e-15, `worst relative error ${error}`);
});

test('float32 activations are within a few float32 ulp', () => {
  const z = Float32Array.from(grid());
  const out = rn.sigmoid({ data: z, shape: [z.length] }).data;
  const error = worstRelative(out, Array.from(z, (v) => 1 / (1 + Math.exp(-v))), 1e-30);
  assert.ok(error < 1e-6, `worst relative error ${error}`);
});

test('float32 tanh (through a float32 RNN cell) is within a few float32 ulp of Math.tanh', () => {
  const z = Float32Array.from(grid());
  const n = z.length;
  const one = (v) => ({ data: Float32Array.of(v), shape: [1, 1] });
  const { aNext } = rn.rnnCellForward({ data: z, shape: [1, n] }, { data: new Float32Array(n), shape: [1, n] }, { Wax: one(1), Waa: one(0), ba: one(0) });
  const error = worstRelative(aNext.data, Array.from(z, Math.tanh), 1e-30);
  assert.ok(error < 1e-6, `worst relative error ${error}`);
});

test('±Infinity and NaN go through the activations as IEEE arithmetic says', () => {
  const z = { data: Float64Array.of(-Infinity, Infinity, NaN, -800, 800), shape: [5] };
  assert.equal(Array.from(rn.sigmoid(z).data).map(String), ['0', '1', 'NaN', '0', '1']);
  const params = { Wax: [[1]], Waa: [[0]], ba: [[0]] };
  const { aNext } = rn.rnnCellForward({ data: z.data, shape: [1, 5] }, { data: new Float64Array(5), shape: [1, 5] }, params);
  assert.equal(Array.from(aNext.data).map(String), ['-1', '1', 'NaN', '-1', '1']);
});

test('softmax of large logits neither overflows nor loses the small entries', () => {
  const z = { data: new Float64Array([1000, 999, 0, -745, -1000]), shape: [5, 1] };
  const out = rn.softmax(z).data;
  const expected = [1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1)), Math.exp(-1000) / (1 + Math.exp(-1)), 0, 0];
  for (let i = 0; i < 5; ++i) assert.ok(Math.abs(out[i] - expected[i]) <= 1e-15 * Math.max(expected[i], 1e-300), `entry ${i}: ${out[i]} vs ${expected[i]}`);
});

test.run();
