// The output layer's softmax cross-entropy (issue 5): the loss against a plain-JavaScript reference, every gradient
// against central finite differences of that loss, masking, and bad input.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { assertClose, assertGradient, numericGradient, rng } from './support/check.mjs';

const test = suite('outputLayerBackward');

/** Mean over unmasked (j, t) of -log softmax(Wy a[:, j, t] + by)[target], computed directly from the definition. */
function referenceLoss(a, Wy, by, targets) {
  const [n_a, m, T] = a.shape;
  const n_y = Wy.shape[0];
  let total = 0;
  let count = 0;
  for (let j = 0; j < m; ++j) {
    for (let t = 0; t < T; ++t) {
      const target = targets.data[j * T + t];
      if (target < 0) continue;
      const z = [];
      for (let k = 0; k < n_y; ++k) {
        let s = by.data[k];
        for (let i = 0; i < n_a; ++i) s += Wy.data[k * n_a + i] * a.data[(i * m + j) * T + t];
        z.push(s);
      }
      const logSum = Math.log(z.reduce((acc, v) => acc + Math.exp(v), 0));
      total += logSum - z[target];
      count += 1;
    }
  }
  return count === 0 ? 0 : total / count;
}

function problem({ n_a, n_y, m, T, seed, masked = [] }) {
  const r = rng(seed);
  const ids = new Int32Array(m * T).map((_, i) => (i * 7 + seed) % n_y);
  for (const index of masked) ids[index] = -1;
  return { a: r(n_a, m, T), Wy: r(n_y, n_a), by: r(n_y, 1), targets: { data: ids, shape: [m, T] } };
}

for (const shape of [
  { n_a: 3, n_y: 4, m: 2, T: 3, seed: 1 },
  { n_a: 1, n_y: 2, m: 1, T: 1, seed: 2 },
  { n_a: 4, n_y: 3, m: 3, T: 2, seed: 3, masked: [0, 4] },
]) {
  test(`loss and every gradient match the reference and finite differences (${JSON.stringify(shape)})`, () => {
    const { a, Wy, by, targets } = problem(shape);
    const result = rn.outputLayerBackward(a, { Wy, by }, targets);
    const J = () => referenceLoss(a, Wy, by, targets);
    assertClose(result.loss, J(), { rel: 1e-12, label: 'loss' });
    assert.equal(result.da.shape, a.shape);
    assert.equal(result.dWy.shape, Wy.shape);
    assert.equal(result.dby.shape, by.shape);
    assertGradient(result.da, numericGradient(J, a.data), { label: 'da' });
    assertGradient(result.dWy, numericGradient(J, Wy.data), { label: 'dWy' });
    assertGradient(result.dby, numericGradient(J, by.data), { label: 'dby' });
  });
}

test('masked positions add neither loss nor gradient', () => {
  const { a, Wy, by, targets } = problem({ n_a: 3, n_y: 4, m: 2, T: 3, seed: 4, masked: [1, 5] });
  const result = rn.outputLayerBackward(a, { Wy, by }, targets);
  const [n_a, m, T] = a.shape;
  for (const index of [1, 5]) {
    const j = Math.floor(index / T);
    const t = index % T;
    for (let i = 0; i < n_a; ++i) assert.is(result.da.data[(i * m + j) * T + t], 0, `da at masked (${j}, ${t})`);
  }
  // Only unmasked positions count: the loss is the mean over the others, as the reference computes it.
  const kept = { data: targets.data.filter((t) => t >= 0), shape: [1, 4] };
  const columns = [0, 2, 3, 4].map((index) => [Math.floor(index / T), index % T]);
  const subset = { data: new Float64Array(n_a * 4), shape: [n_a, 1, 4] };
  columns.forEach(([j, t], k) => { for (let i = 0; i < n_a; ++i) subset.data[i * 4 + k] = a.data[(i * m + j) * T + t]; });
  assertClose(result.loss, rn.outputLayerBackward(subset, { Wy, by }, kept).loss, { rel: 1e-13 });
  const allMasked = { data: new Int32Array(m * T).fill(-1), shape: [m, T] };
  const none = rn.outputLayerBackward(a, { Wy, by }, allMasked);
  assert.is(none.loss, 0);
  assert.ok(none.dWy.data.every((v) => v === 0) && none.da.data.every((v) => v === 0));
});

test('float32 agrees with float64 and nested targets equal Int32Array targets', () => {
  const { a, Wy, by, targets } = problem({ n_a: 3, n_y: 5, m: 2, T: 4, seed: 5 });
  const f64 = rn.outputLayerBackward(a, { Wy, by }, targets);
  const f32 = rn.outputLayerBackward(
    { data: Float32Array.from(a.data), shape: a.shape },
    { Wy: { data: Float32Array.from(Wy.data), shape: Wy.shape }, by: { data: Float32Array.from(by.data), shape: by.shape } },
    targets,
  );
  assert.ok(f32.da.data instanceof Float32Array);
  assertClose(f32.loss, f64.loss, { rel: 1e-5 });
  assertClose(Array.from(f32.dWy.data), Array.from(f64.dWy.data), { rel: 1e-4, abs: 1e-6 });
  const nested = [Array.from(targets.data.subarray(0, 4)), Array.from(targets.data.subarray(4, 8))];
  assert.is(rn.outputLayerBackward(a, { Wy, by }, nested).loss, f64.loss);
});

test('bad targets and parameters are TypeError/RangeError naming the argument', () => {
  const { a, Wy, by } = problem({ n_a: 2, n_y: 3, m: 1, T: 2, seed: 6 });
  const call = (targets, params = { Wy, by }) => () => rn.outputLayerBackward(a, params, targets);
  assert.throws(call({ data: new Int32Array([0, 3]), shape: [1, 2] }), (e) => e instanceof RangeError && e.message === 'targets[0][1] must be a class id in [0, n_y) = [0, 3) or -1 (masked), got 3');
  assert.throws(call({ data: new Int32Array([0, -2]), shape: [1, 2] }), (e) => e instanceof RangeError && /-2/.test(e.message));
  assert.throws(call({ data: new Int32Array([0, 1, 2]), shape: [1, 3] }), (e) => e instanceof RangeError && /targets must have shape \(m, T\) = \(1, 2\)/.test(e.message));
  assert.throws(call({ data: new Float64Array([0, 1]), shape: [1, 2] }), (e) => e instanceof TypeError && /targets must be/.test(e.message));
  assert.throws(call([[0, 1.5]]), (e) => e instanceof RangeError && /1\.5/.test(e.message));
  assert.throws(call([[0, 1]], { Wy }), (e) => e instanceof TypeError && /needs Wy and by/.test(e.message));
  assert.throws(call([[0, 1]], { Wy, by, bias: by }), (e) => e instanceof TypeError && /unknown key 'bias'/.test(e.message));
  assert.throws(call([[0, 1]], { Wy: { data: Wy.data, shape: [3, 5] }, by }), (e) => e instanceof RangeError && /Wy/.test(e.message));
});

test.run();
