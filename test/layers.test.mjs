// The layers of LAYERS.md §1–2 (Lstm, Gru, Rnn) against the plain-JavaScript float64 reference
// test/support/layers-reference.mjs (itself checked by layers-reference.test.mjs): every cell (GRU with both
// resetAfter, RNN tanh and relu), 1–3 layers, both directions and layouts, lengths 0, 1, T, mixed and unsorted, h0/c0
// given and absent, H on both sides of the kernels' thresholds, float64 (1e-10) and float32 (1e-4); finite
// differences of the package's own float64 gradients (dx, dh0, dc0, every parameter); tapes (used twice, after
// another forward, absent by default); async = sync; dropout (training vs inference, the mask's values, finite
// differences through a fresh layer with the same seed); parameters (names, shapes, initialization, in-place
// updates). The file fails, loudly, while the package has no Lstm/Gru/Rnn.
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { parameterShapes, referenceBackward, referenceForward } from './support/layers-reference.mjs';
import { assertGradient, assertNear, cast, centralDifferences, dot, generator, randomParams, tensor } from './support/layers-data.mjs';

{
  const cjs = createRequire(import.meta.url)('rnn-native');
  const missing = [];
  for (const name of ['Lstm', 'Gru', 'Rnn']) {
    if (typeof rn[name] !== 'function') missing.push(`${name} (ES module entry)`);
    if (typeof cjs[name] !== 'function') missing.push(`${name} (CommonJS entry)`);
  }
  if (missing.length > 0) throw new Error(`layers.test.mjs: rnn-native does not export ${missing.join(', ')}: the layers of LAYERS.md §1 are missing`);
}

const CLASSES = { lstm: rn.Lstm, gru: rn.Gru, rnn: rn.Rnn };
const TYPES = { float64: Float64Array, float32: Float32Array };
const TOL = { float64: 1e-10, float32: 1e-4 };
const VARIANTS = [
  ['lstm', {}],
  ['gru', { resetAfter: true }],
  ['gru', { resetAfter: false }],
  ['rnn', { nonlinearity: 'tanh' }],
  ['rnn', { nonlinearity: 'relu' }],
];
const D_ = (cfg) => (cfg.bidirectional ? 2 : 1);
const timeMajor = (cfg) => (cfg.layout ?? 'time-major') === 'time-major';
const describe = (cell, cfg, dtype, extra = {}) => `${cell} ${JSON.stringify(cfg)} ${dtype} ${JSON.stringify(extra)}`;

/** A layer of the package with the given parameter values (a plain object of float64 tensors), and what it holds. */
function makeLayer(cell, cfg, dtype, params, more = {}) {
  const layer = new CLASSES[cell]({ ...cfg, dtype, ...more });
  if (params) {
    for (const [name, t] of Object.entries(params)) {
      const held = layer.parameters[name];
      const where = `${cell} ${JSON.stringify(cfg)} ${dtype}: parameters.${name}`;
      assert.ok(held && held.data && held.shape, `${where} is missing`);
      assert.equal([...held.shape], t.shape, `${where}: shape`);
      assert.is(held.data.length, t.data.length, `${where}: data.length ${held.data.length} for shape (${held.shape})`);
      held.data.set(t.data);
    }
  }
  return layer;
}
/** The values the layer holds, as float64 tensors, for the reference (float32 layers hold rounded values). */
function heldParams(layer) {
  return Object.fromEntries(Object.entries(layer.parameters).map(([name, t]) => [name, { data: Float64Array.from(t.data), shape: [...t.shape] }]));
}

/** Random x, h0, c0, upstream gradients in the layer's dtype (the reference reads the same, rounded, values). */
function draw(cell, cfg, dtype, { T, m, withState = true, upstream = 'all' }, g) {
  const Type = TYPES[dtype];
  const D = D_(cfg);
  const H = cfg.hiddenSize;
  const sShape = [(cfg.numLayers ?? 1) * D, m, H];
  const yShape = timeMajor(cfg) ? [T, m, D * H] : [m, T, D * H];
  const n = () => g.normal();
  const x = cast(tensor(timeMajor(cfg) ? [T, m, cfg.inputSize] : [m, T, cfg.inputSize], n), Type);
  const h0 = withState ? cast(tensor(sShape, () => 0.5 * n()), Type) : undefined;
  const c0 = withState && cell === 'lstm' ? cast(tensor(sShape, () => 0.5 * n()), Type) : undefined;
  const up = {};
  if (upstream === 'all' || upstream === 'dy') up.dy = cast(tensor(yShape, n), Type);
  if (upstream === 'all' || upstream === 'dhN') up.dhN = cast(tensor(sShape, n), Type);
  if (cell === 'lstm' && (upstream === 'all' || upstream === 'dcN')) up.dcN = cast(tensor(sShape, n), Type);
  return { x, h0, c0, up };
}

const options = (lengths, h0, c0, extra = {}) => {
  const o = { ...extra };
  if (lengths !== undefined) o.lengths = lengths;
  if (h0 !== undefined) o.h0 = h0;
  if (c0 !== undefined) o.c0 = c0;
  return o;
};

function checkTensor(t, shape, Type, label) {
  assert.ok(t && typeof t === 'object' && 'data' in t && 'shape' in t, `${label} must be a tensor`);
  assert.equal([...t.shape], shape, `${label}: shape`);
  assert.ok(t.data instanceof Type, `${label}: ${t.data?.constructor?.name}, expected ${Type.name}`);
  assert.is(t.data.length, shape.reduce((a, b) => a * b, 1), `${label}: data.length for shape (${shape})`);
}

/** y and dx are exactly zero at padded steps t ≥ ℓ. */
function checkPadding(t, cfg, lengths, T, m, label) {
  if (!lengths) return;
  const n = t.shape[2];
  for (let b = 0; b < m; ++b) {
    for (let s = lengths[b]; s < T; ++s) {
      const o = (timeMajor(cfg) ? s * m + b : b * T + s) * n;
      for (let j = 0; j < n; ++j) if (t.data[o + j] !== 0) assert.unreachable(`${label}[t=${s}, b=${b}, ${j}] = ${t.data[o + j]}, must be 0 past ℓ = ${lengths[b]}`);
    }
  }
}

/**
 * One configuration: the package's forward (with a tape) and backward against the reference, on every output.
 * `lengths` may be undefined, a number[] or an Int32Array.
 */
function compareCase(cell, cfg, dtype, shape, seed) {
  const g = generator(seed);
  const { T, m, lengths } = shape;
  const where = describe(cell, cfg, dtype, { T, m, lengths: lengths && Array.from(lengths), withState: shape.withState ?? true, upstream: shape.upstream ?? 'all', seed });
  const Type = TYPES[dtype];
  const tol = TOL[dtype];
  const layer = makeLayer(cell, cfg, dtype, randomParams(cell, cfg, g));
  const params = heldParams(layer);
  const { x, h0, c0, up } = draw(cell, cfg, dtype, shape, g);
  const D = D_(cfg);
  const H = cfg.hiddenSize;
  const sShape = [(cfg.numLayers ?? 1) * D, m, H];
  const yShape = timeMajor(cfg) ? [T, m, D * H] : [m, T, D * H];

  const ref = referenceForward(cell, cfg, params, x, { lengths, h0, c0 });
  const out = layer.forward(x, options(lengths, h0, c0, { tape: true }));
  checkTensor(out.y, yShape, Type, `${where}: y`);
  checkTensor(out.hN, sShape, Type, `${where}: hN`);
  assertNear(out.y, ref.y, tol, `${where}: y`);
  checkPadding(out.y, cfg, lengths && Array.from(lengths), T, m, `${where}: y`);
  assertNear(out.hN, ref.hN, tol, `${where}: hN`);
  if (cell === 'lstm') {
    checkTensor(out.cN, sShape, Type, `${where}: cN`);
    assertNear(out.cN, ref.cN, tol, `${where}: cN`);
  } else assert.is(out.cN, undefined, `${where}: cN is for the LSTM only`);
  assert.ok(out.tape !== undefined && out.tape !== null, `${where}: tape: true returns a tape`);
  // Inference keeps one layer's activations at a time and reuses its buffers between layers: the same values.
  const inference = layer.forward(x, options(lengths, h0, c0));
  for (const key of ['y', 'hN', 'cN']) {
    if (out[key]) assert.equal(Array.from(inference[key].data), Array.from(out[key].data), `${where}: ${key} without a tape = with one`);
  }

  const refBack = referenceBackward(cell, cfg, params, x, { lengths, h0, c0 }, up);
  const back = layer.backward(out.tape, up);
  checkTensor(back.dx, [...x.shape], Type, `${where}: dx`);
  assertNear(back.dx, refBack.dx, tol, `${where}: dx`);
  checkPadding(back.dx, cfg, lengths && Array.from(lengths), T, m, `${where}: dx`);
  checkTensor(back.dh0, sShape, Type, `${where}: dh0`);
  assertNear(back.dh0, refBack.dh0, tol, `${where}: dh0`);
  if (cell === 'lstm') {
    checkTensor(back.dc0, sShape, Type, `${where}: dc0`);
    assertNear(back.dc0, refBack.dc0, tol, `${where}: dc0`);
  } else assert.is(back.dc0, undefined, `${where}: dc0 is for the LSTM only`);
  assert.equal(Object.keys(back.grads).sort(), Object.keys(layer.parameters).sort(), `${where}: grads keys`);
  for (const [name, t] of Object.entries(refBack.grads)) {
    checkTensor(back.grads[name], t.shape, Type, `${where}: grads.${name}`);
    assertNear(back.grads[name], t, tol, `${where}: grads.${name}`);
  }
  return { layer, x, h0, c0, up, lengths, out, back };
}

// ---- parameters ----

test('parameters: PyTorch names and shapes, frozen, U(-1/√H, 1/√H) from the seed, float32 by default', () => {
  for (const [cell, extra] of VARIANTS) {
    for (const cfg of [
      { inputSize: 3, hiddenSize: 5, ...extra },
      { inputSize: 2, hiddenSize: 4, numLayers: 3, bidirectional: true, ...extra },
    ]) {
      const layer = new CLASSES[cell]({ ...cfg, seed: 3 });
      const expected = parameterShapes(cell, cfg);
      assert.equal(Object.keys(layer.parameters).sort(), Object.keys(expected).sort(), `${cell}: parameter names`);
      assert.ok(Object.isFrozen(layer.parameters), `${cell}: parameters is frozen`);
      const bound = 1 / Math.sqrt(cfg.hiddenSize);
      for (const [name, shape] of Object.entries(expected)) {
        const t = layer.parameters[name];
        checkTensor(t, shape, Float32Array, `${cell} ${JSON.stringify(cfg)} ${name} (default dtype float32)`);
        let min = Infinity;
        let max = -Infinity;
        for (const v of t.data) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        assert.ok(min >= -bound * (1 + 1e-6) && max <= bound * (1 + 1e-6), `${cell} ${name}: values in [${min}, ${max}], outside ±${bound}`);
        if (t.data.length >= 8) assert.ok(max - min > bound / 4, `${cell} ${name}: values [${min}, ${max}] are not spread over ±${bound}`);
      }
      // U(-b, b) has mean 0 and mean square b²/3; over all n values their sample means are within 5 standard
      // deviations (sd of the mean b/√(3n), of the mean square b²·√(4/45/n)).
      const all = Object.values(layer.parameters).flatMap((t) => Array.from(t.data));
      const n = all.length;
      const mean = all.reduce((a, v) => a + v, 0) / n;
      const meanSquare = all.reduce((a, v) => a + v * v, 0) / n;
      assert.ok(Math.abs(mean) < 5 * bound / Math.sqrt(3 * n), `${cell} ${JSON.stringify(cfg)}: mean ${mean} of ${n} values, expected 0 for U(±${bound})`);
      assert.ok(Math.abs(meanSquare - bound * bound / 3) < 5 * bound * bound * Math.sqrt(4 / 45 / n),
        `${cell} ${JSON.stringify(cfg)}: mean square ${meanSquare} of ${n} values, expected ${bound * bound / 3} for U(±${bound})`);
      const again = new CLASSES[cell]({ ...cfg, seed: 3 });
      const other = new CLASSES[cell]({ ...cfg, seed: 4 });
      for (const name of Object.keys(expected)) {
        assert.equal(Array.from(again.parameters[name].data), Array.from(layer.parameters[name].data), `${cell} ${name}: same seed, same values`);
      }
      assert.ok(Object.keys(expected).some((name) => other.parameters[name].data.some((v, i) => v !== layer.parameters[name].data[i])), `${cell}: another seed, other values`);
      const f64 = new CLASSES[cell]({ ...cfg, dtype: 'float64', seed: 3 });
      for (const name of Object.keys(expected)) assert.ok(f64.parameters[name].data instanceof Float64Array, `${cell} ${name}: float64 layer`);
    }
  }
});

test('parameters updated in place are used by the next call', () => {
  for (const [cell, extra] of VARIANTS) {
    const cfg = { inputSize: 3, hiddenSize: 4, numLayers: 2, ...extra };
    const g = generator(17);
    const layer = makeLayer(cell, cfg, 'float64', randomParams(cell, cfg, g));
    const x = tensor([3, 2, 3], () => g.normal());
    layer.forward(x);
    const next = randomParams(cell, cfg, g);
    for (const [name, t] of Object.entries(next)) layer.parameters[name].data.set(t.data);
    assertNear(layer.forward(x).y, referenceForward(cell, cfg, next, x).y, 1e-10, `${cell}: y after an in-place update`);
  }
});

// ---- against the reference: a grid of small configurations ----

VARIANTS.forEach(([cell, extra], vi) => {
  test(`${cell} ${JSON.stringify(extra)}: 1–3 layers × directions × layouts, lengths [T, 0, 1, 2], float64 and float32`, () => {
    let seed = 1000 * (vi + 1);
    for (const numLayers of [1, 2, 3]) {
      for (const bidirectional of [false, true]) {
        for (const layout of ['time-major', 'batch-major']) {
          const cfg = { inputSize: 2, hiddenSize: 3, numLayers, bidirectional, layout, ...extra };
          for (const dtype of ['float64', 'float32']) {
            compareCase(cell, cfg, dtype, { T: 4, m: 4, lengths: (seed & 1) ? [4, 0, 1, 2] : Int32Array.of(4, 0, 1, 2) }, ++seed);
            compareCase(cell, cfg, dtype, { T: 3, m: 2, withState: (seed & 1) === 0 }, ++seed);
          }
        }
      }
    }
  });
});

test('LSTM with only h0 or only c0 given (the other is zero)', () => {
  let seed = 7500;
  for (const dtype of ['float64', 'float32']) {
    const cfg = { inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true };
    for (const which of ['h0', 'c0']) {
      const g = generator(++seed);
      const layer = makeLayer('lstm', cfg, dtype, randomParams('lstm', cfg, g));
      const params = heldParams(layer);
      const { x, h0, c0, up } = draw('lstm', cfg, dtype, { T: 4, m: 3 }, g);
      const given = which === 'h0' ? { h0 } : { c0 };
      const lengths = [4, 0, 2];
      const where = `lstm ${JSON.stringify(cfg)} ${dtype} only ${which}`;
      const ref = referenceForward('lstm', cfg, params, x, { lengths, ...given });
      const out = layer.forward(x, { lengths, ...given, tape: true });
      assertNear(out.y, ref.y, TOL[dtype], `${where}: y`);
      assertNear(out.hN, ref.hN, TOL[dtype], `${where}: hN`);
      assertNear(out.cN, ref.cN, TOL[dtype], `${where}: cN`);
      const refBack = referenceBackward('lstm', cfg, params, x, { lengths, ...given }, up);
      const back = layer.backward(out.tape, up);
      for (const k of ['dx', 'dh0', 'dc0']) assertNear(back[k], refBack[k], TOL[dtype], `${where}: ${k}`);
      for (const [name, t] of Object.entries(refBack.grads)) assertNear(back.grads[name], t, TOL[dtype], `${where}: grads.${name}`);
    }
  }
});

test('upstream gradients: dy only, dhN only, dcN only (the absent ones are zero)', () => {
  let seed = 7000;
  for (const [cell, extra] of VARIANTS) {
    const cfg = { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, ...extra };
    for (const upstream of cell === 'lstm' ? ['dy', 'dhN', 'dcN'] : ['dy', 'dhN']) {
      for (const dtype of ['float64', 'float32']) compareCase(cell, cfg, dtype, { T: 5, m: 3, lengths: [2, 5, 0], upstream }, ++seed);
    }
  }
});

test('lengths: all 0 (hN = h0, dh0 = dhN, dx = 0, zero grads), all 1, all T = no lengths, T = 1, m = 1', () => {
  let seed = 8000;
  for (const [cell, extra] of VARIANTS) {
    for (const cfg of [
      { inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, ...extra },
      { inputSize: 3, hiddenSize: 2, layout: 'batch-major', ...extra },
    ]) {
      const zero = compareCase(cell, cfg, 'float64', { T: 3, m: 3, lengths: [0, 0, 0] }, ++seed);
      assert.equal(Array.from(zero.out.hN.data), Array.from(zero.h0.data), `${cell}: hN = h0 when every length is 0`);
      assert.equal(Array.from(zero.back.dh0.data), Array.from(zero.up.dhN.data), `${cell}: dh0 = dhN when every length is 0`);
      if (cell === 'lstm') assert.equal(Array.from(zero.back.dc0.data), Array.from(zero.up.dcN.data), 'dc0 = dcN');
      for (const [name, t] of Object.entries(zero.back.grads)) assert.ok(t.data.every((v) => v === 0), `${cell}: grads.${name} zero when every length is 0`);
      compareCase(cell, cfg, 'float64', { T: 4, m: 3, lengths: [1, 1, 1] }, ++seed);
      compareCase(cell, cfg, 'float64', { T: 1, m: 2, lengths: [1, 0] }, ++seed);
      compareCase(cell, cfg, 'float32', { T: 1, m: 1 }, ++seed);
      compareCase(cell, cfg, 'float64', { T: 4, m: 1, lengths: [0] }, ++seed);
      // lengths all T gives the results of no lengths, bit for bit.
      const g = generator(++seed);
      const layer = makeLayer(cell, cfg, 'float64', randomParams(cell, cfg, g));
      const { x, h0, c0, up } = draw(cell, cfg, 'float64', { T: 4, m: 3 }, g);
      const a = layer.forward(x, options(undefined, h0, c0, { tape: true }));
      const b = layer.forward(x, options(Int32Array.of(4, 4, 4), h0, c0, { tape: true }));
      assertNear(b.y, a.y, 1e-13, `${cell}: y with lengths all T`);
      assertNear(b.hN, a.hN, 1e-13, `${cell}: hN with lengths all T`);
      const ba = layer.backward(a.tape, up);
      const bb = layer.backward(b.tape, up);
      assertNear(bb.dx, ba.dx, 1e-13, `${cell}: dx with lengths all T`);
      for (const name of Object.keys(ba.grads)) assertNear(bb.grads[name], ba.grads[name], 1e-13, `${cell}: grads.${name} with lengths all T`);
    }
  }
});

test('random shapes, H ∈ {1, 5, 15, 16, 17, 33, 64}, mixed unsorted lengths, both dtypes', () => {
  const g = generator(424242);
  const Hs = [1, 5, 15, 16, 17, 33, 64];
  let seed = 9000;
  for (const H of Hs) {
    for (const [cell, extra] of VARIANTS) {
      const big = H >= 33;
      const cfg = {
        inputSize: g.pick([1, 2, 5, 16, 17]),
        hiddenSize: H,
        numLayers: big ? g.int(1, 2) : g.int(1, 3),
        bidirectional: g.next() < 0.5,
        layout: g.pick(['time-major', 'batch-major']),
        ...extra,
      };
      const T = g.int(1, big ? 4 : 6);
      const m = g.pick(big ? [1, 2, 3, 5] : [1, 2, 3, 4, 7, 9]);
      const kind = g.int(0, 2);
      let lengths;
      if (kind === 1) lengths = Array.from({ length: m }, () => g.int(0, T));
      if (kind === 2) lengths = Int32Array.from({ length: m }, (_, b) => [T, 0, 1][b % 3] ?? g.int(0, T)).reverse();
      const withState = g.next() < 0.6;
      for (const dtype of ['float64', 'float32']) compareCase(cell, cfg, dtype, { T, m, lengths, withState }, ++seed);
    }
  }
});

// ---- the package's own gradients against finite differences (float64) ----

const FD_CONFIGS = [
  [{ inputSize: 2, hiddenSize: 3 }, { T: 4, m: 2 }],
  [{ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true, layout: 'batch-major' }, { T: 4, m: 4, lengths: [3, 0, 4, 1] }],
  [{ inputSize: 3, hiddenSize: 2, numLayers: 3, bidirectional: true }, { T: 3, m: 3, lengths: Int32Array.of(2, 3, 1) }],
  [{ inputSize: 1, hiddenSize: 5, bidirectional: true }, { T: 3, m: 2, lengths: [1, 3], withState: false }],
];

/** J = Σ dy ⊙ y + Σ dhN ⊙ hN (+ Σ dcN ⊙ cN) of a forward result. */
function objective(cell, out, up) {
  let J = dot(up.dy.data, out.y.data) + dot(up.dhN.data, out.hN.data);
  if (cell === 'lstm') J += dot(up.dcN.data, out.cN.data);
  return J;
}

/** Checks dx, dh0, dc0 and every parameter gradient of `back` against central differences of evaluate(). */
function checkDifferences(cell, where, back, { x, h0, c0, params }, evaluate) {
  const relu = where.includes('relu');
  assertGradient(back.dx, centralDifferences(evaluate, x.data), 1e-6, `${where}: dx`);
  if (h0) assertGradient(back.dh0, centralDifferences(evaluate, h0.data), 1e-6, `${where}: dh0`);
  if (c0) assertGradient(back.dc0, centralDifferences(evaluate, c0.data), 1e-6, `${where}: dc0`);
  let nonzero = 0;
  for (const [name, t] of Object.entries(params)) {
    if (assertGradient(back.grads[name], centralDifferences(evaluate, t.data), 1e-6, `${where}: grads.${name}`, relu) > 0) ++nonzero;
  }
  // A ReLU layer may have dead units (zero gradients both ways), never most of them.
  assert.ok(nonzero > Object.keys(params).length / 2, `${where}: only ${nonzero} parameter gradients are nonzero`);
}

VARIANTS.forEach(([cell, extra], vi) => {
  test(`${cell} ${JSON.stringify(extra)}: backward = central differences of forward (float64)`, () => {
    FD_CONFIGS.forEach(([base, shape], ci) => {
      const cfg = { ...base, ...extra };
      const g = generator(20000 + 10 * vi + ci);
      const layer = makeLayer(cell, cfg, 'float64', randomParams(cell, cfg, g, 0.8));
      const { x, h0, c0, up } = draw(cell, cfg, 'float64', shape, g);
      const { lengths } = shape;
      const where = describe(cell, cfg, 'float64', { ...shape, lengths: lengths && Array.from(lengths) });
      const out = layer.forward(x, options(lengths, h0, c0, { tape: true }));
      const back = layer.backward(out.tape, up);
      // Perturbing layer.parameters[name].data in place: the next forward uses the new values (LAYERS.md §1).
      const evaluate = () => objective(cell, layer.forward(x, options(lengths, h0, c0)), up);
      checkDifferences(cell, where, back, { x, h0, c0, params: layer.parameters }, evaluate);
    });
  });
});

// ---- tapes and async ----

const snap = (r) => Object.fromEntries(
  Object.entries(r).flatMap(([k, v]) => (k === 'grads'
    ? Object.entries(v).map(([n, t]) => [`grads.${n}`, { shape: [...t.shape], type: t.data.constructor.name, data: Array.from(t.data) }])
    : v && typeof v === 'object' && 'data' in v ? [[k, { shape: [...v.shape], type: v.data.constructor.name, data: Array.from(v.data) }]] : [])),
);

test('tapes: none by default or with tape: false; one tape serves several backward calls, also after other forwards', () => {
  let seed = 30000;
  for (const [cell, extra] of VARIANTS) {
    for (const dtype of ['float64', 'float32']) {
      const cfg = { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, ...extra };
      const g = generator(++seed);
      const layer = makeLayer(cell, cfg, dtype, randomParams(cell, cfg, g));
      const params = heldParams(layer);
      const lengths = [4, 1, 0, 3];
      const A = draw(cell, cfg, dtype, { T: 4, m: 4 }, g);
      const B = draw(cell, cfg, dtype, { T: 4, m: 4 }, g);
      const plain = layer.forward(A.x, options(lengths, A.h0, A.c0));
      assert.is(plain.tape, undefined, `${cell} ${dtype}: no tape by default`);
      assert.is(layer.forward(A.x, options(lengths, A.h0, A.c0, { tape: false })).tape, undefined, `${cell} ${dtype}: no tape with tape: false`);
      const a = layer.forward(A.x, options(lengths, A.h0, A.c0, { tape: true }));
      for (const k of ['y', 'hN', 'cN']) if (plain[k]) assertNear(a[k], plain[k], TOL[dtype] / 100, `${cell} ${dtype}: forward with a tape = without: ${k}`);
      const first = snap(layer.backward(a.tape, A.up));
      assert.equal(snap(layer.backward(a.tape, A.up)), first, `${cell} ${dtype}: the same tape twice gives the same result`);
      // Another upstream on the same tape, then another forward (with and without a tape), then the first tape again.
      const other = layer.backward(a.tape, B.up);
      const ref = referenceBackward(cell, cfg, params, A.x, { lengths, h0: A.h0, c0: A.c0 }, B.up);
      assertNear(other.dx, ref.dx, TOL[dtype], `${cell} ${dtype}: second upstream on one tape: dx`);
      for (const [name, t] of Object.entries(ref.grads)) assertNear(other.grads[name], t, TOL[dtype], `${cell} ${dtype}: second upstream: grads.${name}`);
      const b = layer.forward(B.x, options([2, 4, 3, 1], B.h0, B.c0, { tape: true }));
      layer.forward(B.x, options(undefined, B.h0, B.c0));
      assert.equal(snap(layer.backward(a.tape, A.up)), first, `${cell} ${dtype}: a tape is unchanged by later forward calls`);
      const refB = referenceBackward(cell, cfg, params, B.x, { lengths: [2, 4, 3, 1], h0: B.h0, c0: B.c0 }, B.up);
      assertNear(layer.backward(b.tape, B.up).dh0, refB.dh0, TOL[dtype], `${cell} ${dtype}: the later tape: dh0`);
    }
  }
});

test('forwardAsync / backwardAsync = forward / backward', async () => {
  let seed = 31000;
  for (const [cell, extra] of VARIANTS) {
    for (const dtype of ['float64', 'float32']) {
      const cfg = { inputSize: 5, hiddenSize: 17, numLayers: 2, bidirectional: true, layout: 'batch-major', ...extra };
      const g = generator(++seed);
      const layer = makeLayer(cell, cfg, dtype, randomParams(cell, cfg, g));
      const { x, h0, c0, up } = draw(cell, cfg, dtype, { T: 5, m: 3 }, g);
      const lengths = Int32Array.of(5, 0, 2);
      const sync = layer.forward(x, options(lengths, h0, c0, { tape: true }));
      const pending = layer.forwardAsync(x, options(lengths, h0, c0, { tape: true }));
      assert.ok(pending instanceof Promise, `${cell} ${dtype}: forwardAsync returns a Promise`);
      const asyncOut = await pending;
      assert.equal(snap(asyncOut), snap(sync), `${cell} ${dtype}: forwardAsync = forward`);
      assert.is((await layer.forwardAsync(x, options(lengths, h0, c0))).tape, undefined, `${cell} ${dtype}: forwardAsync without tape`);
      const syncBack = snap(layer.backward(sync.tape, up));
      const backPending = layer.backwardAsync(asyncOut.tape, up);
      assert.ok(backPending instanceof Promise, `${cell} ${dtype}: backwardAsync returns a Promise`);
      assert.equal(snap(await backPending), syncBack, `${cell} ${dtype}: backwardAsync = backward`);
      assert.equal(snap(await layer.backwardAsync(sync.tape, up)), syncBack, `${cell} ${dtype}: backwardAsync on a sync tape`);
      assert.equal(snap(layer.backward(asyncOut.tape, up)), syncBack, `${cell} ${dtype}: backward on an async tape`);
    }
  }
});

test('inputs as nested arrays are converted; lengths as number[] or Int32Array', () => {
  const cfg = { inputSize: 2, hiddenSize: 3, bidirectional: true };
  const g = generator(32000);
  const layer = makeLayer('gru', cfg, 'float64', randomParams('gru', cfg, g));
  const x = tensor([3, 2, 2], () => g.normal());
  const nested = Array.from({ length: 3 }, (_, t) => Array.from({ length: 2 }, (_, b) => Array.from(x.data.subarray((t * 2 + b) * 2, (t * 2 + b) * 2 + 2))));
  const a = layer.forward(x, { lengths: [3, 1] });
  const b = layer.forward(nested, { lengths: Int32Array.of(3, 1) });
  assert.equal(snap(b), snap(a), 'nested x');
});

// ---- dropout ----

test('dropout: inference ignores it, one layer never drops, training changes only layers above the first', () => {
  let seed = 40000;
  for (const [cell, extra] of VARIANTS) {
    const g = generator(++seed);
    const cfg = { inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, ...extra };
    const params = randomParams(cell, cfg, g);
    const layer = makeLayer(cell, cfg, 'float64', params, { dropout: 0.5, seed: 11 });
    const { x, h0, c0 } = draw(cell, cfg, 'float64', { T: 4, m: 3 }, g);
    const lengths = [4, 2, 3];
    const ref = referenceForward(cell, cfg, params, x, { lengths, h0, c0 });
    const inference = layer.forward(x, options(lengths, h0, c0));
    assertNear(inference.y, ref.y, 1e-10, `${cell}: dropout, training false (default): y`);
    assertNear(layer.forward(x, options(lengths, h0, c0, { training: false })).y, ref.y, 1e-10, `${cell}: training: false: y`);
    const training = layer.forward(x, options(lengths, h0, c0, { training: true }));
    assert.ok(training.y.data.some((v, i) => Math.abs(v - ref.y.data[i]) > 1e-6), `${cell}: training: true with dropout 0.5 must change y`);
    // Layer 0 reads x undropped: its final states (rows 0, 1) are those of inference.
    const rows01 = (t) => Array.from(t.data.subarray(0, 2 * 3 * 5));
    assertNear(rows01(training.hN), rows01(ref.hN), 1e-10, `${cell}: training: hN of layer 0`);
    checkPadding(training.y, cfg, lengths, 4, 3, `${cell}: training y`);
    // One layer: nothing after the last layer is dropped.
    const oneCfg = { ...cfg, numLayers: 1 };
    const oneParams = randomParams(cell, oneCfg, g);
    const one = makeLayer(cell, oneCfg, 'float64', oneParams, { dropout: 0.5, seed: 11 });
    const oneRef = referenceForward(cell, oneCfg, oneParams, x, { lengths });
    assertNear(one.forward(x, { lengths, training: true }).y, oneRef.y, 1e-10, `${cell}: one layer, training: y`);
  }
});

test('dropout: the mask between layers is 0 or 1/(1-p), per element, with frequency p', () => {
  // Layer 0: ReLU RNN with positive weights and inputs (so y0 > 0); layer 1: ReLU RNN with W_ih = identity and
  // everything else zero, so y1 = relu(mask ⊙ y0 / (1 - p)) = mask ⊙ y0 / (1 - p) exposes the mask.
  const p = 0.3;
  const H = 8;
  const cfg = { inputSize: 2, hiddenSize: H, numLayers: 2, nonlinearity: 'relu' };
  const layer = new rn.Rnn({ ...cfg, dtype: 'float64', dropout: p, seed: 5 });
  const g = generator(41000);
  const P = layer.parameters;
  P.weight_ih_l0.data.set(Float64Array.from(P.weight_ih_l0.data, () => g.uniform(0.1, 1)));
  P.weight_hh_l0.data.fill(0);
  P.bias_ih_l0.data.fill(0.1);
  P.bias_hh_l0.data.fill(0);
  P.weight_ih_l1.data.set(Float64Array.from({ length: H * H }, (_, i) => (Math.floor(i / H) === i % H ? 1 : 0)));
  P.weight_hh_l1.data.fill(0);
  P.bias_ih_l1.data.fill(0);
  P.bias_hh_l1.data.fill(0);
  const T = 10;
  const m = 25;
  const x = tensor([T, m, 2], () => g.uniform(0.1, 1));
  const y0 = referenceForward('rnn', { ...cfg, numLayers: 1 }, {
    weight_ih_l0: P.weight_ih_l0, weight_hh_l0: P.weight_hh_l0, bias_ih_l0: P.bias_ih_l0, bias_hh_l0: P.bias_hh_l0,
  }, x).y;
  const y1 = layer.forward(x, { training: true }).y;
  let dropped = 0;
  for (let i = 0; i < y0.data.length; ++i) {
    const ratio = y1.data[i] / y0.data[i];
    if (ratio === 0) ++dropped;
    else assert.ok(Math.abs(ratio - 1 / (1 - p)) < 1e-12, `kept element ${i}: y1/y0 = ${ratio}, expected 1/(1-p) = ${1 / (1 - p)}`);
  }
  const n = y0.data.length;
  const sd = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(dropped - n * p) < 5 * sd, `dropped ${dropped} of ${n}, expected about ${n * p} (±${5 * sd})`);
  assertNear(layer.forward(x).y, y0, 1e-12, 'inference: no mask');
});

test('dropout: backward applies the forward mask (finite differences through fresh layers with the same seed)', () => {
  VARIANTS.forEach(([cell, extra], vi) => {
    const cfg = { inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: vi % 2 === 1, layout: vi % 2 ? 'batch-major' : 'time-major', ...extra };
    const g = generator(42000 + vi);
    const values = randomParams(cell, cfg, g, 0.8);
    const { x, h0, c0, up } = draw(cell, cfg, 'float64', { T: 4, m: 3 }, g);
    const lengths = [4, 0, 2];
    const build = () => makeLayer(cell, cfg, 'float64', values, { dropout: 0.4, seed: 23 });
    const layer = build();
    const out = layer.forward(x, options(lengths, h0, c0, { tape: true, training: true }));
    const ref = referenceForward(cell, cfg, values, x, { lengths, h0, c0 });
    assert.ok(out.y.data.some((v, i) => Math.abs(v - ref.y.data[i]) > 1e-6), `${cell}: the mask must change y`);
    const back = layer.backward(out.tape, up);
    const evaluate = () => objective(cell, build().forward(x, options(lengths, h0, c0, { training: true })), up);
    const again = build().forward(x, options(lengths, h0, c0, { training: true }));
    assertNear(again.y, out.y, 1e-12, `${cell}: a fresh layer with the same seed draws the same first mask: y`);
    checkDifferences(cell, describe(cell, cfg, 'float64', { dropout: 0.4, lengths }), back, { x, h0, c0, params: values }, evaluate);
  });
});

// ---- errors (LAYERS.md §5), a few ----

test('errors: wrong shapes and lengths are RangeErrors naming the argument; foreign dtypes and keys TypeErrors', () => {
  const layer = new rn.Lstm({ inputSize: 3, hiddenSize: 4, dtype: 'float64' });
  const x = tensor([5, 2, 3], () => 0.1);
  assert.throws(() => layer.forward(tensor([5, 2, 4], () => 0)), (e) => e instanceof RangeError && /\bx\b/.test(e.message), 'x with I = 4');
  assert.throws(() => layer.forward(x, { lengths: [5, 6] }), (e) => e instanceof RangeError && /lengths\[1\]/.test(e.message), 'length 6 > T');
  assert.throws(() => layer.forward(x, { lengths: [5, -1] }), (e) => e instanceof RangeError && /lengths\[1\]/.test(e.message), 'length -1');
  assert.throws(() => layer.forward(x, { lengths: [5] }), (e) => e instanceof RangeError && /lengths/.test(e.message), 'm - 1 lengths');
  assert.throws(() => layer.forward(x, { h0: tensor([2, 2, 4], () => 0) }), (e) => e instanceof RangeError && /h0/.test(e.message), 'h0 (2, 2, 4)');
  assert.throws(() => layer.forward(cast(x, Float32Array)), (e) => e instanceof TypeError, 'a float32 x for a float64 layer');
  assert.throws(() => layer.forward(x, { bogus: 1 }), (e) => e instanceof TypeError, 'an unknown option');
  assert.throws(() => new rn.Gru({ inputSize: 3, hiddenSize: 4, bogus: 1 }), (e) => e instanceof TypeError, 'an unknown constructor option');
  const { tape } = layer.forward(x, { tape: true });
  assert.throws(() => new rn.Gru({ inputSize: 3, hiddenSize: 4, dtype: 'float64' }).backward(tape, { dhN: tensor([1, 2, 4], () => 1) }), (e) => e instanceof TypeError, 'a tape of another layer class');
  assert.throws(() => layer.backward(tape, { dy: tensor([5, 2, 5], () => 1) }), (e) => e instanceof RangeError && /dy/.test(e.message), 'dy (5, 2, 5)');
});

test.run();
