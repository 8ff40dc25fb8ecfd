// Dtypes, input forms and call hygiene (SPEC §2–4): float32 agrees with float64 and stays float32; the
// prediction-free path; typed-array views with a byteOffset; inputs never modified; repeatable backward passes;
// softmax and sigmoid against direct formulas; nested arrays; the c0 option and cell = sequence of one step.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { assertClose, assertIdentical, assertShape, copyTensor, nest, rng, tensorsOf } from './support/check.mjs';

const n_x = 3;
const n_a = 4;
const n_y = 2;
const m = 3;
const T = 5;
const Tb = 4; // T' < T for the sequence backward passes

/** Values exactly representable in float32, so a float32 call and a float64 call see the same numbers. */
function f32exact(t) {
  return { data: Float64Array.from(Float32Array.from(t.data)), shape: [...t.shape] };
}

const draw = rng(31);
const input = (...shape) => f32exact(draw(...shape));
const drawWeight = rng(32);
/** Weights scaled by 0.5 / sqrt(fan-in), so no unit saturates and float32 keeps its relative precision. */
const weight = (rows, cols, fanIn) => {
  const t = drawWeight(rows, cols);
  for (let i = 0; i < t.data.length; ++i) t.data[i] *= 0.5 / Math.sqrt(fanIn);
  return f32exact(t);
};

/** The base inputs, all float64 tensors; every call below converts them with `conv`. */
const B = {
  xt: input(n_x, m),
  aPrev: input(n_a, m),
  cPrev: input(n_a, m),
  x: input(n_x, m, T),
  a0: input(n_a, m),
  c0: input(n_a, m),
  daNext: input(n_a, m),
  dcNext: input(n_a, m),
  da: input(n_a, m, Tb),
  z: f32exact(rng(41, 2)(n_y + 3, 6)),
  zs: f32exact(rng(42, 3)(2, 3, 4)),
  rnn: {
    Wax: weight(n_a, n_x, n_a + n_x),
    Waa: weight(n_a, n_a, n_a + n_x),
    ba: weight(n_a, 1, n_a + n_x),
    Wya: weight(n_y, n_a, n_a),
    by: weight(n_y, 1, n_a),
  },
  lstm: {},
};
for (const g of ['f', 'i', 'c', 'o']) {
  B.lstm[`W${g}`] = weight(n_a, n_a + n_x, n_a + n_x);
  B.lstm[`b${g}`] = weight(n_a, 1, n_a + n_x);
}
B.lstm.Wy = weight(n_y, n_a, n_a);
B.lstm.by = weight(n_y, 1, n_a);

const withoutPrediction = (params) => Object.fromEntries(Object.entries(params).filter(([k]) => !['Wya', 'Wy', 'by'].includes(k)));
const P = (params, conv) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, conv(v)]));

/** Every public function, called on the base inputs converted by `conv`. */
const CALLS = {
  rnnCellForward: (c) => rn.rnnCellForward(c(B.xt), c(B.aPrev), P(B.rnn, c)),
  rnnForward: (c) => rn.rnnForward(c(B.x), c(B.a0), P(B.rnn, c)),
  lstmCellForward: (c) => rn.lstmCellForward(c(B.xt), c(B.aPrev), c(B.cPrev), P(B.lstm, c)),
  lstmForward: (c) => rn.lstmForward(c(B.x), c(B.a0), P(B.lstm, c), { c0: c(B.c0) }),
  rnnCellBackward: (c) => rn.rnnCellBackward(c(B.daNext), rn.rnnCellForward(c(B.xt), c(B.aPrev), P(B.rnn, c)).cache),
  rnnBackward: (c) => rn.rnnBackward(c(B.da), rn.rnnForward(c(B.x), c(B.a0), P(B.rnn, c)).caches),
  lstmCellBackward: (c) =>
    rn.lstmCellBackward(c(B.daNext), c(B.dcNext), rn.lstmCellForward(c(B.xt), c(B.aPrev), c(B.cPrev), P(B.lstm, c)).cache),
  lstmBackward: (c) => rn.lstmBackward(c(B.da), rn.lstmForward(c(B.x), c(B.a0), P(B.lstm, c), { c0: c(B.c0) }).caches),
  softmax: (c) => rn.softmax(c(B.z)),
  sigmoid: (c) => rn.sigmoid(c(B.zs)),
};

const EXPECTED_KEYS = {
  rnnCellForward: ['aNext', 'ytPred', 'cache.x'],
  rnnForward: ['a', 'yPred', 'caches.x'],
  lstmCellForward: ['aNext', 'cNext', 'ytPred', 'cache.x'],
  lstmForward: ['a', 'y', 'c', 'caches.x'],
  rnnCellBackward: ['dxt', 'daPrev', 'dWax', 'dWaa', 'dba'],
  rnnBackward: ['dx', 'da0', 'dWax', 'dWaa', 'dba'],
  lstmCellBackward: ['dxt', 'daPrev', 'dcPrev', 'dWf', 'dWi', 'dWc', 'dWo', 'dbf', 'dbi', 'dbc', 'dbo'],
  lstmBackward: ['dx', 'da0', 'dc0', 'dWf', 'dWi', 'dWc', 'dWo', 'dbf', 'dbi', 'dbc', 'dbo'],
  softmax: ['result'],
  sigmoid: ['result'],
};

const id = (t) => t;
const to32 = (t) => ({ data: Float32Array.from(t.data), shape: [...t.shape] });

/** Asserts two results hold the same tensors, bit for bit. */
function assertSameResults(actual, expected, label) {
  const a = tensorsOf(actual);
  const e = tensorsOf(expected);
  assert.equal(Object.keys(a).sort(), Object.keys(e).sort(), `${label}: result keys`);
  for (const key of Object.keys(e)) assertIdentical(a[key], e[key], `${label}: ${key}`);
}

// ---------------------------------------------------------------------------------------------------------------------
const float32 = suite('(a) float32 agrees with float64 and stays float32');
for (const [name, call] of Object.entries(CALLS)) {
  float32(name, () => {
    const r64 = tensorsOf(call(id));
    const r32 = tensorsOf(call(to32));
    assert.equal(Object.keys(r32).sort(), [...EXPECTED_KEYS[name]].sort(), 'result keys');
    assert.equal(Object.keys(r64).sort(), [...EXPECTED_KEYS[name]].sort(), 'result keys (float64)');
    for (const key of Object.keys(r64)) {
      assert.instance(r32[key].data, Float32Array, `${name}.${key} of a float32 call must be a Float32Array`);
      assert.instance(r64[key].data, Float64Array, `${name}.${key} of a float64 call must be a Float64Array`);
      assert.equal([...r32[key].shape], [...r64[key].shape], `${name}.${key}: shape`);
      // Relative 1e-4, with an absolute floor of 1e-4 times the tensor's largest value for elements near zero.
      const scale = Math.max(...Array.from(r64[key].data, Math.abs));
      assertClose(r32[key], r64[key], { rel: 1e-4, abs: 1e-4 * scale, label: `${name}.${key} float32 vs float64` });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------------
const noPrediction = suite('(b) the prediction-free path');
noPrediction('rnnCellForward: same aNext, no ytPred; backward identical', () => {
  const full = rn.rnnCellForward(B.xt, B.aPrev, B.rnn);
  const bare = rn.rnnCellForward(B.xt, B.aPrev, withoutPrediction(B.rnn));
  assert.ok('ytPred' in full, 'with Wya/by there is a ytPred');
  assert.ok(!('ytPred' in bare), 'without Wya/by there is no ytPred key');
  assertIdentical(bare.aNext, full.aNext, 'aNext');
  assertSameResults(rn.rnnCellBackward(B.daNext, bare.cache), rn.rnnCellBackward(B.daNext, full.cache), 'rnnCellBackward');
});
noPrediction('rnnForward: same a, no yPred; backward identical', () => {
  const full = rn.rnnForward(B.x, B.a0, B.rnn);
  const bare = rn.rnnForward(B.x, B.a0, withoutPrediction(B.rnn));
  assert.ok('yPred' in full);
  assert.ok(!('yPred' in bare), 'without Wya/by there is no yPred key');
  assertIdentical(bare.a, full.a, 'a');
  assertSameResults(rn.rnnBackward(B.da, bare.caches), rn.rnnBackward(B.da, full.caches), 'rnnBackward');
});
noPrediction('lstmCellForward: same aNext and cNext, no ytPred; backward identical', () => {
  const full = rn.lstmCellForward(B.xt, B.aPrev, B.cPrev, B.lstm);
  const bare = rn.lstmCellForward(B.xt, B.aPrev, B.cPrev, withoutPrediction(B.lstm));
  assert.ok('ytPred' in full);
  assert.ok(!('ytPred' in bare), 'without Wy/by there is no ytPred key');
  assertIdentical(bare.aNext, full.aNext, 'aNext');
  assertIdentical(bare.cNext, full.cNext, 'cNext');
  assertSameResults(rn.lstmCellBackward(B.daNext, B.dcNext, bare.cache), rn.lstmCellBackward(B.daNext, B.dcNext, full.cache),
    'lstmCellBackward');
});
noPrediction('lstmForward: same a and c, no y; backward identical', () => {
  const full = rn.lstmForward(B.x, B.a0, B.lstm, { c0: B.c0 });
  const bare = rn.lstmForward(B.x, B.a0, withoutPrediction(B.lstm), { c0: B.c0 });
  assert.ok('y' in full);
  assert.ok(!('y' in bare), 'without Wy/by there is no y key');
  assertIdentical(bare.a, full.a, 'a');
  assertIdentical(bare.c, full.c, 'c');
  assertSameResults(rn.lstmBackward(B.da, bare.caches), rn.lstmBackward(B.da, full.caches), 'lstmBackward');
});
noPrediction('float32 prediction-free path matches float32 with predictions', () => {
  const p32 = P(B.lstm, to32);
  const full = rn.lstmForward(to32(B.x), to32(B.a0), p32);
  const bare = rn.lstmForward(to32(B.x), to32(B.a0), withoutPrediction(p32));
  assert.ok(!('y' in bare));
  assertIdentical(bare.a, full.a, 'a');
  assertIdentical(bare.c, full.c, 'c');
  const r = P(B.rnn, to32);
  const rf = rn.rnnForward(to32(B.x), to32(B.a0), r);
  const rb = rn.rnnForward(to32(B.x), to32(B.a0), withoutPrediction(r));
  assert.ok(!('yPred' in rb));
  assertIdentical(rb.a, rf.a, 'rnn a');
});

// ---------------------------------------------------------------------------------------------------------------------
const views = suite('(c) typed-array views with a byteOffset');

/** Each tensor in its own buffer at a non-zero offset, surrounded by NaN (a kernel that ignored the offset would read it). */
function offsetConv(Type) {
  let k = 0;
  return (t) => {
    k = (k % 7) + 1;
    const buffer = new ArrayBuffer(Type.BYTES_PER_ELEMENT * (t.data.length + k + 5));
    new Type(buffer).fill(NaN);
    const data = new Type(buffer, Type.BYTES_PER_ELEMENT * k, t.data.length);
    data.set(t.data);
    return { data, shape: [...t.shape] };
  };
}

/** All tensors of a call as consecutive views into one NaN-filled pool. */
function poolConv(Type) {
  const pool = new Type(4096).fill(NaN);
  let next = 3;
  return (t) => {
    const data = pool.subarray(next, next + t.data.length);
    data.set(t.data);
    next += t.data.length + 1;
    return { data, shape: [...t.shape] };
  };
}

for (const [name, call] of Object.entries(CALLS)) {
  views(`${name}: float64 and float32 views with a byteOffset equal fresh arrays`, () => {
    const fresh64 = call(id);
    assertSameResults(call(offsetConv(Float64Array)), fresh64, `${name} (own buffers, float64)`);
    assertSameResults(call(poolConv(Float64Array)), fresh64, `${name} (one pool, float64)`);
    const fresh32 = call(to32);
    assertSameResults(call(offsetConv(Float32Array)), fresh32, `${name} (own buffers, float32)`);
    assertSameResults(call(poolConv(Float32Array)), fresh32, `${name} (one pool, float32)`);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
const pure = suite('(d) no function modifies its inputs');

function snapshot(values) {
  return values.map((t) => copyTensor(t));
}
function assertUnchanged(values, before, label) {
  values.forEach((t, i) => assertIdentical(t, before[i], `${label}: input ${i}`));
}
function allBaseTensors(b) {
  return [b.xt, b.aPrev, b.cPrev, b.x, b.a0, b.c0, b.daNext, b.dcNext, b.da, b.z, b.zs, ...Object.values(b.rnn), ...Object.values(b.lstm)];
}

for (const [dtype, make] of [['float64', id], ['float32', to32]]) {
  pure(`${dtype}: every function leaves every argument (params, c0, da, caches.x) as it was`, () => {
    // One converted copy per base tensor, reused by every call, so a write by one call would show in the next check.
    const memo = new Map();
    const conv = (t) => {
      if (!memo.has(t)) memo.set(t, make === id ? copyTensor(t) : make(t));
      return memo.get(t);
    };
    const inputs = allBaseTensors(B).map(conv);
    const before = snapshot(inputs);
    for (const [name, call] of Object.entries(CALLS)) {
      call(conv);
      assertUnchanged(inputs, before, name);
    }
    // Caches reused: the cache's input stays the caller's x, unchanged by backward passes.
    const fwd = rn.lstmForward(conv(B.x), conv(B.a0), P(B.lstm, conv), { c0: conv(B.c0) });
    assert.is(fwd.caches.x.data, conv(B.x).data, 'caches.x is the input x');
    rn.lstmBackward(conv(B.da), fwd.caches);
    rn.lstmBackward(conv(B.da), fwd.caches);
    const cell = rn.rnnCellForward(conv(B.xt), conv(B.aPrev), P(B.rnn, conv));
    assert.is(cell.cache.x.data, conv(B.xt).data, 'cache.x is the input xt');
    rn.rnnCellBackward(conv(B.daNext), cell.cache);
    rn.rnnCellBackward(conv(B.daNext), cell.cache);
    assertUnchanged(inputs, before, 'after reusing caches');
  });
}

pure('results do not alias inputs: writing into a result leaves the inputs alone', () => {
  const x = copyTensor(B.x);
  const a0 = copyTensor(B.a0);
  const params = P(B.lstm, copyTensor);
  const before = snapshot([x, a0, ...Object.values(params)]);
  const { a, c, y } = rn.lstmForward(x, a0, params);
  for (const t of [a, c, y]) t.data.fill(123);
  assertUnchanged([x, a0, ...Object.values(params)], before, 'lstmForward');
});

// ---------------------------------------------------------------------------------------------------------------------
const repeat = suite('(e) backward twice on the same caches');
repeat('every backward pass gives identical results when repeated, also after other calls', () => {
  const rc = rn.rnnCellForward(B.xt, B.aPrev, B.rnn).cache;
  const rs = rn.rnnForward(B.x, B.a0, B.rnn).caches;
  const lc = rn.lstmCellForward(B.xt, B.aPrev, B.cPrev, B.lstm).cache;
  const ls = rn.lstmForward(B.x, B.a0, B.lstm, { c0: B.c0 }).caches;
  const runs = {
    rnnCellBackward: () => rn.rnnCellBackward(B.daNext, rc),
    rnnBackward: () => rn.rnnBackward(B.da, rs),
    lstmCellBackward: () => rn.lstmCellBackward(B.daNext, B.dcNext, lc),
    lstmBackward: () => rn.lstmBackward(B.da, ls),
  };
  const first = Object.fromEntries(Object.entries(runs).map(([k, f]) => [k, f()]));
  // Keep deep copies: a later call must not write into earlier results either.
  const firstCopy = Object.fromEntries(Object.entries(first).map(([k, r]) => [k, P(tensorsOf(r), copyTensor)]));
  for (const [name, run] of Object.entries(runs)) assertSameResults(run(), first[name], `${name} (second run)`);
  // Interleave other forward and backward passes, then repeat once more.
  for (const call of Object.values(CALLS)) call(id);
  for (const [name, run] of Object.entries(runs)) assertSameResults(run(), firstCopy[name], `${name} (after other calls)`);
  for (const [name, r] of Object.entries(first)) assertSameResults(tensorsOf(r), firstCopy[name], `${name} (first result kept)`);
  // Backward with a shorter da on the same caches, then the full one again.
  rn.lstmBackward({ data: B.da.data.slice(0, n_a * m * 2), shape: [n_a, m, 2] }, ls);
  rn.rnnBackward({ data: B.da.data.slice(0, n_a * m * 2), shape: [n_a, m, 2] }, rs);
  assertSameResults(runs.lstmBackward(), firstCopy.lstmBackward, 'lstmBackward (after a shorter da)');
  assertSameResults(runs.rnnBackward(), firstCopy.rnnBackward, 'rnnBackward (after a shorter da)');
});

// ---------------------------------------------------------------------------------------------------------------------
const activations = suite('(f) softmax and sigmoid against direct formulas');

/** softmax over axis 0 of a row-major tensor, each column z[:, j, ...] computed directly (max subtracted). */
function softmaxDirect(t) {
  const rows = t.shape[0];
  const cols = t.data.length / rows;
  const out = new Float64Array(t.data.length);
  for (let j = 0; j < cols; ++j) {
    let max = -Infinity;
    for (let i = 0; i < rows; ++i) max = Math.max(max, t.data[i * cols + j]);
    let sum = 0;
    for (let i = 0; i < rows; ++i) sum += Math.exp(t.data[i * cols + j] - max);
    for (let i = 0; i < rows; ++i) out[i * cols + j] = Math.exp(t.data[i * cols + j] - max) / sum;
  }
  return out;
}

for (const [label, z] of [
  ['(5, 6)', rng(51, 2)(5, 6)],
  ['(3, 2, 4) per column z[:, j, k]', rng(52, 3)(3, 2, 4)],
  ['(7,) one column', rng(53)(7)],
  ['(1, 4) single row gives ones', rng(54)(1, 4)],
  ['(3, 2) large values', { data: Float64Array.from([1000, -1000, 1001, 700, 999, 710]), shape: [3, 2] }],
]) {
  activations(`softmax ${label}`, () => {
    const s = rn.softmax(z);
    assertShape(s, [...z.shape], 'softmax');
    assert.instance(s.data, Float64Array);
    const rows = z.shape[0];
    const cols = z.data.length / rows;
    for (let j = 0; j < cols; ++j) {
      let sum = 0;
      for (let i = 0; i < rows; ++i) sum += s.data[i * cols + j];
      assertClose(sum, 1, { rel: 0, abs: 1e-14, label: `column ${j} sum` });
    }
    assertClose(s, softmaxDirect(z), { rel: 1e-13, abs: 1e-300, label: 'softmax vs direct' });
  });
}

activations('softmax float32: columns sum to 1, equals direct computation to float32 precision', () => {
  const z = to32(rng(55, 2)(4, 5));
  const s = rn.softmax(z);
  assert.instance(s.data, Float32Array);
  for (let j = 0; j < 5; ++j) {
    let sum = 0;
    for (let i = 0; i < 4; ++i) sum += s.data[i * 5 + j];
    assertClose(sum, 1, { rel: 0, abs: 1e-6, label: `column ${j} sum` });
  }
  assertClose(s, softmaxDirect(z), { rel: 1e-6, abs: 1e-7, label: 'float32 softmax vs direct' });
});

activations('softmax of nested arrays', () => {
  const s = rn.softmax([[1, 2], [3, 4], [5, 0]]);
  assertShape(s, [3, 2], 'softmax');
  const e = softmaxDirect({ data: Float64Array.from([1, 2, 3, 4, 5, 0]), shape: [3, 2] });
  assertClose(s, e, { rel: 1e-13, abs: 1e-300, label: 'nested softmax' });
});

activations('sigmoid matches 1 / (1 + exp(-z)), float64 and float32', () => {
  const z = rng(56, 4)(3, 4, 5);
  const extra = Float64Array.from([0, -0, 1e-300, -30, 30, -700, 700, 40, -40, 1e-8]);
  for (const t of [z, { data: extra, shape: [10] }]) {
    const s = rn.sigmoid(t);
    assertShape(s, [...t.shape], 'sigmoid');
    assert.instance(s.data, Float64Array);
    assertClose(s, Array.from(t.data, (v) => 1 / (1 + Math.exp(-v))), { rel: 1e-14, abs: 1e-300, label: 'sigmoid' });
  }
  const z32 = to32(z);
  const s32 = rn.sigmoid(z32);
  assert.instance(s32.data, Float32Array);
  assertClose(s32, Array.from(z32.data, (v) => 1 / (1 + Math.exp(-v))), { rel: 1e-6, abs: 1e-30, label: 'sigmoid float32' });
});

activations('NaN and ±Infinity propagate as IEEE arithmetic says', () => {
  const s = rn.sigmoid({ data: Float64Array.from([NaN, Infinity, -Infinity]), shape: [3] });
  assert.ok(Number.isNaN(s.data[0]), 'sigmoid(NaN) is NaN');
  assert.is(s.data[1], 1, 'sigmoid(+Inf) = 1');
  assert.is(s.data[2], 0, 'sigmoid(-Inf) = 0');
  const sm = rn.softmax({ data: Float64Array.from([NaN, 1, 2, 3]), shape: [2, 2] });
  assert.ok(Number.isNaN(sm.data[0]) && Number.isNaN(sm.data[2]), 'a NaN makes its column NaN');
  assertClose([sm.data[1], sm.data[3]], softmaxDirect({ data: Float64Array.from([1, 3]), shape: [2, 1] }),
    { rel: 1e-13, label: 'the other column is unaffected' });
});

// ---------------------------------------------------------------------------------------------------------------------
const nested = suite('(g) nested number arrays equal Float64Array tensors');
nested('the test helper nest() agrees with rn.toNested', () => {
  for (const t of [B.x, B.xt, B.rnn.ba, B.z]) assert.equal(rn.toNested(t), nest(t));
});
for (const [name, call] of Object.entries(CALLS)) {
  nested(name, () => {
    const fromNested = call(nest);
    for (const t of Object.values(tensorsOf(fromNested))) assert.instance(t.data, Float64Array);
    assertSameResults(fromNested, call(id), name);
  });
}
nested('a mix of nested arrays and tensors in one call', () => {
  const mixed = rn.lstmForward(nest(B.x), B.a0, { ...B.lstm, Wf: nest(B.lstm.Wf), by: nest(B.lstm.by) }, { c0: nest(B.c0) });
  assertSameResults(mixed, CALLS.lstmForward(id), 'lstmForward');
});

// ---------------------------------------------------------------------------------------------------------------------
const c0 = suite('(h) the c0 option; a cell is a sequence of one step');
c0('c0 changes the results; explicit zeros equal the default', () => {
  const withC0 = rn.lstmForward(B.x, B.a0, B.lstm, { c0: B.c0 });
  const noC0 = rn.lstmForward(B.x, B.a0, B.lstm);
  const zeros = rn.lstmForward(B.x, B.a0, B.lstm, { c0: { data: new Float64Array(n_a * m), shape: [n_a, m] } });
  const undef = rn.lstmForward(B.x, B.a0, B.lstm, {});
  for (const key of ['a', 'c', 'y']) {
    let differs = 0;
    for (let i = 0; i < withC0[key].data.length; ++i) if (withC0[key].data[i] !== noC0[key].data[i]) ++differs;
    assert.ok(differs > 0, `${key} must depend on c0`);
    // At t = 0 every cell state moves (c = f*c0 + i*c̃ with f > 0 and c0 ≠ 0).
    for (let i = 0; i < n_a * m; ++i) assert.is.not(withC0.c.data[i * T], noC0.c.data[i * T], `c[${i}][0] must depend on c0`);
  }
  assertSameResults(zeros, noC0, 'c0 = zeros vs default');
  assertSameResults(undef, noC0, 'opts {} vs default');
  assertSameResults(rn.lstmBackward(B.da, zeros.caches), rn.lstmBackward(B.da, noC0.caches), 'backward, c0 = zeros vs default');
});

/** The (n, m) tensor as (n, m, 1). */
const oneStep = (t) => ({ data: t.data, shape: [...t.shape, 1] });
const dropStep = (t) => ({ data: t.data, shape: t.shape.slice(0, 2) });

c0('lstmCellForward/Backward equal lstmForward/Backward with T = 1 and c0 = cPrev', () => {
  const cell = rn.lstmCellForward(B.xt, B.aPrev, B.cPrev, B.lstm);
  const seq = rn.lstmForward(oneStep(B.xt), B.aPrev, B.lstm, { c0: B.cPrev });
  assertClose(cell.aNext, seq.a, { rel: 1e-15, abs: 1e-300, label: 'aNext vs a' });
  assertClose(cell.cNext, seq.c, { rel: 1e-15, abs: 1e-300, label: 'cNext vs c' });
  assertClose(cell.ytPred, seq.y, { rel: 1e-15, abs: 1e-300, label: 'ytPred vs y' });
  // With dcNext = 0 the cell backward is the sequence backward of one step.
  const zero = { data: new Float64Array(n_a * m), shape: [n_a, m] };
  const gc = rn.lstmCellBackward(B.daNext, zero, cell.cache);
  const gs = rn.lstmBackward(oneStep(B.daNext), seq.caches);
  assertClose(gc.dxt, dropStep(gs.dx), { rel: 1e-15, abs: 1e-300, label: 'dxt vs dx' });
  assertClose(gc.daPrev, gs.da0, { rel: 1e-15, abs: 1e-300, label: 'daPrev vs da0' });
  assertClose(gc.dcPrev, gs.dc0, { rel: 1e-15, abs: 1e-300, label: 'dcPrev vs dc0' });
  for (const k of ['dWf', 'dWi', 'dWc', 'dWo', 'dbf', 'dbi', 'dbc', 'dbo']) assertClose(gc[k], gs[k], { rel: 1e-15, abs: 1e-300, label: k });
});

c0('rnnCellForward/Backward equal rnnForward/Backward with T = 1', () => {
  const cell = rn.rnnCellForward(B.xt, B.aPrev, B.rnn);
  const seq = rn.rnnForward(oneStep(B.xt), B.aPrev, B.rnn);
  assertClose(cell.aNext, seq.a, { rel: 1e-15, abs: 1e-300, label: 'aNext vs a' });
  assertClose(cell.ytPred, seq.yPred, { rel: 1e-15, abs: 1e-300, label: 'ytPred vs yPred' });
  const gc = rn.rnnCellBackward(B.daNext, cell.cache);
  const gs = rn.rnnBackward(oneStep(B.daNext), seq.caches);
  assertClose(gc.dxt, dropStep(gs.dx), { rel: 1e-15, abs: 1e-300, label: 'dxt vs dx' });
  assertClose(gc.daPrev, gs.da0, { rel: 1e-15, abs: 1e-300, label: 'daPrev vs da0' });
  for (const k of ['dWax', 'dWaa', 'dba']) assertClose(gc[k], gs[k], { rel: 1e-15, abs: 1e-300, label: k });
});

c0('a sequence is its cells chained: lstmForward step by step equals lstmCellForward from (a, c) of the previous step', () => {
  const seq = rn.lstmForward(B.x, B.a0, B.lstm, { c0: B.c0 });
  let aPrev = B.a0;
  let cPrev = B.c0;
  for (let t = 0; t < T; ++t) {
    const xt = { data: new Float64Array(n_x * m), shape: [n_x, m] };
    for (let i = 0; i < n_x * m; ++i) xt.data[i] = B.x.data[i * T + t];
    const step = rn.lstmCellForward(xt, aPrev, cPrev, B.lstm);
    for (let i = 0; i < n_a * m; ++i) {
      assertClose(step.aNext.data[i], seq.a.data[i * T + t], { rel: 1e-13, abs: 1e-15, label: `a[${i}][${t}]` });
      assertClose(step.cNext.data[i], seq.c.data[i * T + t], { rel: 1e-13, abs: 1e-15, label: `c[${i}][${t}]` });
    }
    aPrev = step.aNext;
    cPrev = step.cNext;
  }
});

float32.run();
noPrediction.run();
views.run();
pure.run();
repeat.run();
activations.run();
nested.run();
c0.run();
