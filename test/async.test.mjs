// Async functions and threads (SPEC §4, DESIGN "Threads and async"): the four *Async functions resolve to exactly
// the sync results (bit for bit), reject instead of throwing, copy the caller's inputs before queueing, stay
// bit-identical when ~40 calls are in flight at once (under any BLAS thread count), and leave the event loop free
// while a kernel runs; setNumThreads / getNumThreads / blasInfo.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** The raw bytes of a typed array (its view only). */
const bytes = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function isTensor(v) {
  return typeof v === 'object' && v !== null && ArrayBuffer.isView(v.data) && Array.isArray(v.shape);
}

/** Asserts that two tensors have the same dtype, shape and bytes. */
function assertSameTensor(actual, expected, label) {
  assert.ok(isTensor(actual), `${label}: not a tensor`);
  assert.equal([...actual.shape], [...expected.shape], `${label}: shape`);
  assert.is(actual.data.constructor, expected.data.constructor, `${label}: dtype`);
  assert.is(actual.data.length, expected.data.length, `${label}: length`);
  if (!bytes(actual.data).equals(bytes(expected.data))) {
    let i = 0;
    while (i < actual.data.length && Object.is(actual.data[i], expected.data[i])) ++i;
    assert.unreachable(`${label}: not bit-identical; first difference at [${i}]: ${actual.data[i]} vs ${expected.data[i]}`);
  }
}

/**
 * Asserts that a result object has exactly the keys of `expected` (so absent prediction keys are absent in both)
 * and that every tensor is bit-identical. `caches`/`cache` are checked to be caches of the same kind and to carry
 * the same `x` (unless `skipCachesX`); their private state is checked by running the backward pass on them.
 */
function assertSameResult(actual, expected, label, { skipCachesX = false } = {}) {
  assert.equal(Object.keys(actual).sort(), Object.keys(expected).sort(), `${label}: keys`);
  for (const key of Object.keys(expected)) {
    if (key === 'caches' || key === 'cache') {
      assert.is(actual[key].constructor, expected[key].constructor, `${label}.${key}: class`);
      assert.is(actual[key].kind, expected[key].kind, `${label}.${key}.kind`);
      if (!skipCachesX) assertSameTensor(actual[key].x, expected[key].x, `${label}.${key}.x`);
    } else {
      assertSameTensor(actual[key], expected[key], `${label}.${key}`);
    }
  }
}

function copyTensor(t) {
  return { data: t.data.slice(), shape: [...t.shape] };
}

function copyParams(p) {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, copyTensor(v)]));
}

function garble(t, value = Number.NaN) {
  t.data.fill(value);
}

const F64 = Float64Array;
const F32 = Float32Array;
const dtypeName = (dtype) => (dtype === F32 ? 'float32' : 'float64');

/** A float64 tensor from RandomState converted to `dtype`, scaled by `scale`. */
function drawer(seed) {
  const rs = new rn.RandomState(seed);
  return (dtype, scale, ...shape) => {
    const t = rs.randn(...shape);
    const data = new dtype(t.data.length);
    for (let i = 0; i < data.length; ++i) data[i] = t.data[i] * scale;
    return { data, shape: [...t.shape] };
  };
}

/**
 * Inputs of one RNN or LSTM layer: x (n_x, m, T), a0, c0 (n_a, m), da (n_a, m, Tb), parameters scaled by
 * 0.5/sqrt(fan-in), with or without the prediction parameters.
 */
function makeCase(kind, { n_x, n_a, n_y = 3, m, T, Tb = T, dtype = F64, pred = true, seed = 1 }) {
  const draw = drawer(seed);
  const c = {
    kind, dtype, n_x, n_a, n_y, m, T, Tb, pred,
    x: draw(dtype, 1, n_x, m, T),
    a0: draw(dtype, 1, n_a, m),
    c0: draw(dtype, 1, n_a, m),
    da: draw(dtype, 1, n_a, m, Tb),
  };
  const p = {};
  if (kind === 'rnn') {
    p.Wax = draw(dtype, 0.5 / Math.sqrt(n_x), n_a, n_x);
    p.Waa = draw(dtype, 0.5 / Math.sqrt(n_a), n_a, n_a);
    p.ba = draw(dtype, 0.5, n_a, 1);
    if (pred) {
      p.Wya = draw(dtype, 0.5 / Math.sqrt(n_a), n_y, n_a);
      p.by = draw(dtype, 0.5, n_y, 1);
    }
  } else {
    for (const g of ['f', 'i', 'c', 'o']) {
      p[`W${g}`] = draw(dtype, 0.5 / Math.sqrt(n_a + n_x), n_a, n_a + n_x);
      p[`b${g}`] = draw(dtype, 0.5, n_a, 1);
    }
    if (pred) {
      p.Wy = draw(dtype, 0.5 / Math.sqrt(n_a), n_y, n_a);
      p.by = draw(dtype, 0.5, n_y, 1);
    }
  }
  c.params = p;
  return c;
}

const forwardSync = (c, opts) =>
  c.kind === 'rnn' ? rn.rnnForward(c.x, c.a0, c.params) : rn.lstmForward(c.x, c.a0, c.params, opts);
const forwardAsync = (c, opts) =>
  c.kind === 'rnn' ? rn.rnnForwardAsync(c.x, c.a0, c.params) : rn.lstmForwardAsync(c.x, c.a0, c.params, opts);
const backwardSync = (c, da, caches) => (c.kind === 'rnn' ? rn.rnnBackward(da, caches) : rn.lstmBackward(da, caches));
const backwardAsync = (c, da, caches) =>
  c.kind === 'rnn' ? rn.rnnBackwardAsync(da, caches) : rn.lstmBackwardAsync(da, caches);
const predKey = (kind) => (kind === 'rnn' ? 'yPred' : 'y');

/** Restores the BLAS thread count whatever a test does. */
async function withThreads(fn) {
  const original = rn.getNumThreads();
  try {
    return await fn(original);
  } finally {
    rn.setNumThreads(original);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Async = sync, bit for bit

test('the async functions are exported and return Promises', async () => {
  for (const name of ['rnnForwardAsync', 'rnnBackwardAsync', 'lstmForwardAsync', 'lstmBackwardAsync']) {
    assert.type(rn[name], 'function', name);
  }
  const c = makeCase('lstm', { n_x: 3, n_a: 5, m: 4, T: 3 });
  const p = rn.lstmForwardAsync(c.x, c.a0, c.params);
  assert.instance(p, Promise);
  const f = await p;
  const q = rn.lstmBackwardAsync(c.da, f.caches);
  assert.instance(q, Promise);
  await q;
});

for (const kind of ['rnn', 'lstm']) {
  for (const dtype of [F64, F32]) {
    for (const pred of [true, false]) {
      const withC0 = kind === 'lstm' ? [false, true] : [false];
      for (const useC0 of withC0) {
        const name = `${kind} ${dtypeName(dtype)} ${pred ? 'with' : 'without'} prediction${useC0 ? ', with c0' : ''}`;
        test(`async = sync bit for bit: ${name}, full and shorter da`, async () => {
          const T = 6;
          const c = makeCase(kind, { n_x: 4, n_a: 7, n_y: 3, m: 5, T, dtype, pred, seed: 11 + (pred ? 1 : 0) });
          const opts = useC0 ? { c0: c.c0 } : undefined;
          const fs = forwardSync(c, opts);
          const fa = await forwardAsync(c, opts);
          assertSameResult(fa, fs, `${name} forward`);
          assert.is(predKey(kind) in fa, pred, `${name}: ${predKey(kind)} present iff Wy/by given (async)`);
          assert.is(predKey(kind) in fs, pred, `${name}: ${predKey(kind)} present iff Wy/by given (sync)`);
          assert.is(fa.a.data.constructor, dtype, 'result dtype follows the inputs');
          if (useC0) {
            // c0 matters: without it (c0 = 0) the result differs.
            const f0 = await forwardAsync(c, undefined);
            assert.not.ok(bytes(f0.c.data).equals(bytes(fa.c.data)), 'c0 option ignored by the async forward');
          }
          const draw = drawer(99);
          for (const Tb of [T, T - 2, 1]) {
            const da = draw(dtype, 1, c.n_a, c.m, Tb);
            const ref = backwardSync(c, da, fs.caches);
            assert.equal([...ref.dx.shape], [c.n_x, c.m, Tb]);
            const label = `${name} backward T'=${Tb}`;
            assertSameResult(await backwardAsync(c, da, fs.caches), ref, `${label} (async on sync caches)`);
            assertSameResult(await backwardAsync(c, da, fa.caches), ref, `${label} (async on async caches)`);
            assertSameResult(backwardSync(c, da, fa.caches), ref, `${label} (sync on async caches)`);
          }
        });
      }
    }
  }
}

test('async calls accept nested arrays and typed-array views like the sync calls', async () => {
  // An x whose data is a view into a larger buffer, with a byteOffset.
  const c = makeCase('lstm', { n_x: 3, n_a: 4, m: 2, T: 3, seed: 5 });
  const big = new Float64Array(c.x.data.length + 7);
  big.set(c.x.data, 5);
  const xView = { data: big.subarray(5, 5 + c.x.data.length), shape: c.x.shape };
  const fs = rn.lstmForward(xView, c.a0, c.params);
  const fa = await rn.lstmForwardAsync(xView, c.a0, c.params);
  assertSameResult(fa, fs, 'lstm forward, x a view');
  const nested = (t) => rn.toNested(t);
  const r = makeCase('rnn', { n_x: 2, n_a: 3, m: 2, T: 2, seed: 6 });
  const rs = rn.rnnForward(nested(r.x), nested(r.a0), r.params);
  const ra = await rn.rnnForwardAsync(nested(r.x), nested(r.a0), r.params);
  assertSameResult(ra, rs, 'rnn forward, nested x and a0');
  assertSameResult(await rn.rnnBackwardAsync(nested(r.da), ra.caches), rn.rnnBackward(nested(r.da), rs.caches), 'rnn backward, nested da');
});

// ---------------------------------------------------------------------------------------------------------------
// 2. Bad input rejects (never throws) with the sync call's error

/** Runs the sync call (must throw `cls`) and the async call (must return a Promise that rejects identically). */
async function assertSameRejection(label, cls, syncCall, asyncCall) {
  let syncError;
  try {
    syncCall();
  } catch (e) {
    syncError = e;
  }
  assert.ok(syncError, `${label}: the sync call did not throw`);
  assert.instance(syncError, cls, `${label}: sync error class (${syncError && syncError.message})`);
  let promise;
  let thrown;
  try {
    promise = asyncCall();
  } catch (e) {
    thrown = e;
  }
  assert.is(thrown, undefined, `${label}: the async call threw synchronously: ${thrown}`);
  assert.instance(promise, Promise, `${label}: the async call did not return a Promise`);
  let asyncError;
  try {
    await promise;
  } catch (e) {
    asyncError = e;
  }
  assert.ok(asyncError, `${label}: the Promise resolved`);
  assert.is(asyncError.constructor, syncError.constructor, `${label}: error class`);
  assert.is(asyncError.message, syncError.message, `${label}: error message`);
}

test('bad input rejects with the error class and message of the sync call', async () => {
  for (const dtype of [F64, F32]) {
    const other = dtype === F64 ? F32 : F64;
    const conv = (t, d) => ({ data: d.from(t.data), shape: [...t.shape] });
    const r = makeCase('rnn', { n_x: 3, n_a: 5, m: 4, T: 3, dtype });
    const l = makeCase('lstm', { n_x: 3, n_a: 5, m: 4, T: 3, dtype });
    const rf = rn.rnnForward(r.x, r.a0, r.params);
    const lf = rn.lstmForward(l.x, l.a0, l.params);
    const d = dtypeName(dtype);
    const wrongX = drawer(3)(dtype, 1, 4, 4, 3); // n_x = 4, not 3
    const wrongA0 = drawer(3)(dtype, 1, 5, 3); // m = 3, not 4
    const wrongDa = drawer(3)(dtype, 1, 5, 4, 4); // T' = 4 > T = 3
    const wrongDaM = drawer(3)(dtype, 1, 5, 2, 3); // m = 2
    const cellCache = rn.lstmCellForward(drawer(4)(dtype, 1, 3, 4), l.a0, l.c0, l.params).cache;
    const cases = [
      // RangeError: shapes
      ['rnnForward x shape', RangeError, () => rn.rnnForward(wrongX, r.a0, r.params), () => rn.rnnForwardAsync(wrongX, r.a0, r.params)],
      ['rnnForward a0 shape', RangeError, () => rn.rnnForward(r.x, wrongA0, r.params), () => rn.rnnForwardAsync(r.x, wrongA0, r.params)],
      ['rnnForward Waa shape', RangeError,
        () => rn.rnnForward(r.x, r.a0, { ...r.params, Waa: wrongA0 }), () => rn.rnnForwardAsync(r.x, r.a0, { ...r.params, Waa: wrongA0 })],
      ['lstmForward x shape', RangeError, () => rn.lstmForward(wrongX, l.a0, l.params), () => rn.lstmForwardAsync(wrongX, l.a0, l.params)],
      ['lstmForward c0 shape', RangeError,
        () => rn.lstmForward(l.x, l.a0, l.params, { c0: wrongA0 }), () => rn.lstmForwardAsync(l.x, l.a0, l.params, { c0: wrongA0 })],
      ['lstmForward Wi shape', RangeError,
        () => rn.lstmForward(l.x, l.a0, { ...l.params, Wi: wrongA0 }), () => rn.lstmForwardAsync(l.x, l.a0, { ...l.params, Wi: wrongA0 })],
      ['rnnBackward da T\' > T', RangeError, () => rn.rnnBackward(wrongDa, rf.caches), () => rn.rnnBackwardAsync(wrongDa, rf.caches)],
      ['rnnBackward da m', RangeError, () => rn.rnnBackward(wrongDaM, rf.caches), () => rn.rnnBackwardAsync(wrongDaM, rf.caches)],
      ['lstmBackward da T\' > T', RangeError, () => rn.lstmBackward(wrongDa, lf.caches), () => rn.lstmBackwardAsync(wrongDa, lf.caches)],
      ['lstmBackward da m', RangeError, () => rn.lstmBackward(wrongDaM, lf.caches), () => rn.lstmBackwardAsync(wrongDaM, lf.caches)],
      // TypeError: dtypes
      ['rnnForward x dtype', TypeError,
        () => rn.rnnForward(conv(r.x, other), r.a0, r.params), () => rn.rnnForwardAsync(conv(r.x, other), r.a0, r.params)],
      ['rnnForward ba dtype', TypeError,
        () => rn.rnnForward(r.x, r.a0, { ...r.params, ba: conv(r.params.ba, other) }),
        () => rn.rnnForwardAsync(r.x, r.a0, { ...r.params, ba: conv(r.params.ba, other) })],
      ['lstmForward a0 dtype', TypeError,
        () => rn.lstmForward(l.x, conv(l.a0, other), l.params), () => rn.lstmForwardAsync(l.x, conv(l.a0, other), l.params)],
      ['lstmForward c0 dtype', TypeError,
        () => rn.lstmForward(l.x, l.a0, l.params, { c0: conv(l.c0, other) }),
        () => rn.lstmForwardAsync(l.x, l.a0, l.params, { c0: conv(l.c0, other) })],
      ['rnnBackward da dtype', TypeError,
        () => rn.rnnBackward(conv(r.da, other), rf.caches), () => rn.rnnBackwardAsync(conv(r.da, other), rf.caches)],
      ['lstmBackward da dtype', TypeError,
        () => rn.lstmBackward(conv(l.da, other), lf.caches), () => rn.lstmBackwardAsync(conv(l.da, other), lf.caches)],
      ['lstmBackward da Int32Array', TypeError,
        () => rn.lstmBackward({ data: Int32Array.from(l.da.data), shape: l.da.shape }, lf.caches),
        () => rn.lstmBackwardAsync({ data: Int32Array.from(l.da.data), shape: l.da.shape }, lf.caches)],
      // TypeError: missing / unknown parameters, foreign caches
      ['rnnForward missing Wax', TypeError,
        () => rn.rnnForward(r.x, r.a0, { ...r.params, Wax: undefined }), () => rn.rnnForwardAsync(r.x, r.a0, { ...r.params, Wax: undefined })],
      ['lstmForward unknown key', TypeError,
        () => rn.lstmForward(l.x, l.a0, { ...l.params, Wz: l.params.Wf }), () => rn.lstmForwardAsync(l.x, l.a0, { ...l.params, Wz: l.params.Wf })],
      ['rnnBackward with LSTM caches', TypeError, () => rn.rnnBackward(r.da, lf.caches), () => rn.rnnBackwardAsync(r.da, lf.caches)],
      ['lstmBackward with RNN caches', TypeError, () => rn.lstmBackward(l.da, rf.caches), () => rn.lstmBackwardAsync(l.da, rf.caches)],
      ['lstmBackward with a forged cache', TypeError,
        () => rn.lstmBackward(l.da, { kind: 'lstm', x: l.x }), () => rn.lstmBackwardAsync(l.da, { kind: 'lstm', x: l.x })],
      ['rnnBackward with undefined caches', TypeError, () => rn.rnnBackward(r.da, undefined), () => rn.rnnBackwardAsync(r.da, undefined)],
      ['lstmBackward with a cell cache', TypeError,
        () => rn.lstmBackward(l.da, cellCache), () => rn.lstmBackwardAsync(l.da, cellCache)],
    ];
    for (const [label, cls, syncCall, asyncCall] of cases) {
      await assertSameRejection(`${d} ${label}`, cls, syncCall, asyncCall);
    }
  }
});

test('a rejected call leaves later async calls working', async () => {
  const c = makeCase('lstm', { n_x: 3, n_a: 5, m: 4, T: 3 });
  await rn.lstmForwardAsync(c.a0, c.a0, c.params).then(
    () => assert.unreachable('resolved'),
    (e) => assert.instance(e, RangeError),
  );
  assertSameResult(await rn.lstmForwardAsync(c.x, c.a0, c.params), rn.lstmForward(c.x, c.a0, c.params), 'after a rejection');
});

// ---------------------------------------------------------------------------------------------------------------
// 3. The async calls copy the caller's inputs before queueing

for (const dtype of [F64, F32]) {
  test(`inputs garbled right after the async call do not change the result (${dtypeName(dtype)})`, async () => {
    // LSTM forward with c0 and prediction: garble x, a0, c0 and every parameter before awaiting.
    {
      const c = makeCase('lstm', { n_x: 6, n_a: 9, m: 7, T: 8, Tb: 5, dtype, seed: 21 });
      const orig = { x: copyTensor(c.x), a0: copyTensor(c.a0), c0: copyTensor(c.c0), params: copyParams(c.params) };
      const expected = rn.lstmForward(orig.x, orig.a0, orig.params, { c0: orig.c0 });
      const promise = rn.lstmForwardAsync(c.x, c.a0, c.params, { c0: c.c0 });
      garble(c.x);
      garble(c.a0, 1e300);
      garble(c.c0, -7);
      for (const t of Object.values(c.params)) garble(t, 3);
      const got = await promise;
      assertSameResult(got, expected, 'lstmForwardAsync after garbling', { skipCachesX: true });
      // The caches hold the values the kernel used: the backward pass on them equals the one on the pristine run.
      const ref = rn.lstmBackward(c.da, expected.caches);
      assertSameResult(rn.lstmBackward(c.da, got.caches), ref, 'lstmBackward on the garbled call\'s caches');

      // LSTM backward: garble da right after the call.
      const da = copyTensor(c.da);
      const promiseB = rn.lstmBackwardAsync(da, expected.caches);
      garble(da);
      assertSameResult(await promiseB, ref, 'lstmBackwardAsync after garbling da');
    }
    // RNN forward and backward likewise.
    {
      const c = makeCase('rnn', { n_x: 5, n_a: 8, m: 6, T: 7, Tb: 4, dtype, seed: 22 });
      const orig = { x: copyTensor(c.x), a0: copyTensor(c.a0), params: copyParams(c.params) };
      const expected = rn.rnnForward(orig.x, orig.a0, orig.params);
      const promise = rn.rnnForwardAsync(c.x, c.a0, c.params);
      garble(c.x);
      garble(c.a0, -1e300);
      for (const t of Object.values(c.params)) garble(t, 2);
      const got = await promise;
      assertSameResult(got, expected, 'rnnForwardAsync after garbling', { skipCachesX: true });
      const ref = rn.rnnBackward(c.da, expected.caches);
      assertSameResult(rn.rnnBackward(c.da, got.caches), ref, 'rnnBackward on the garbled call\'s caches');
      const da = copyTensor(c.da);
      const promiseB = rn.rnnBackwardAsync(da, expected.caches);
      garble(da);
      assertSameResult(await promiseB, ref, 'rnnBackwardAsync after garbling da');
    }
  });
}

test('many async calls garbling a shared input one after another all see their own values', async () => {
  // One x array reused by the caller for 10 calls, overwritten after each call is started.
  const c = makeCase('lstm', { n_x: 4, n_a: 6, m: 5, T: 5, seed: 23 });
  const x = copyTensor(c.x);
  const expected = [];
  const promises = [];
  for (let k = 0; k < 10; ++k) {
    for (let i = 0; i < x.data.length; ++i) x.data[i] = c.x.data[i] * (1 + k / 10);
    expected.push(rn.lstmForward(copyTensor(x), c.a0, c.params));
    promises.push(rn.lstmForwardAsync(x, c.a0, c.params));
  }
  garble(x);
  const results = await Promise.all(promises);
  results.forEach((r, k) => assertSameResult(r, expected[k], `call ${k}`, { skipCachesX: true }));
});

// ---------------------------------------------------------------------------------------------------------------
// 4. Concurrency stress: ~40 calls in flight equal the same calls run one at a time

const STRESS_SHAPES = [
  { n_x: 3, n_a: 5, n_y: 2, m: 10, T: 7, Tb: 4 },
  { n_x: 16, n_a: 32, n_y: 4, m: 8, T: 12, Tb: 12 },
  { n_x: 40, n_a: 24, n_y: 3, m: 33, T: 5, Tb: 3 },
  { n_x: 64, n_a: 128, n_y: 10, m: 32, T: 8, Tb: 6 },
  { n_x: 1, n_a: 7, n_y: 2, m: 1, T: 1, Tb: 1 },
];

/** ~40 jobs: every (kind, dtype, shape) gives a forward and a backward job (odd ones without prediction). */
function stressJobs() {
  const jobs = [];
  let seed = 100;
  for (const kind of ['rnn', 'lstm']) {
    for (const dtype of [F64, F32]) {
      STRESS_SHAPES.forEach((shape, s) => {
        const c = makeCase(kind, { ...shape, dtype, pred: s % 2 === 0, seed: seed++ });
        const opts = kind === 'lstm' && s % 2 === 1 ? { c0: c.c0 } : undefined;
        const label = `${kind} ${dtypeName(dtype)} ${JSON.stringify(shape)}`;
        jobs.push({ label: `${label} forward`, sync: () => forwardSync(c, opts), async: () => forwardAsync(c, opts) });
        // The backward job's caches come from a sync forward made when the job is prepared (same thread count).
        jobs.push({
          label: `${label} backward`,
          prepare: () => forwardSync(c, opts).caches,
          sync: (caches) => backwardSync(c, c.da, caches),
          async: (caches) => backwardAsync(c, c.da, caches),
        });
      });
    }
  }
  // Interleave so neighbours differ in kind, dtype, direction and shape.
  const mixed = [];
  for (let i = 0; i < jobs.length; ++i) mixed.push(jobs[(i * 7) % jobs.length]);
  assert.is(new Set(mixed).size, jobs.length, 'the interleaving is a permutation');
  return mixed;
}

async function stressRound(label) {
  const jobs = stressJobs();
  for (const job of jobs) job.input = job.prepare ? job.prepare() : undefined;
  // Sequential, synchronous reference.
  const expected = jobs.map((job) => job.sync(job.input));
  // Everything in flight at once; a few sync calls run on the main thread while the async ones are queued.
  const promises = jobs.map((job) => job.async(job.input));
  for (let k = 0; k < jobs.length; k += 5) {
    assertSameResult(jobs[k].sync(jobs[k].input), expected[k], `${label}: ${jobs[k].label} (sync while async in flight)`);
  }
  const results = await Promise.all(promises);
  results.forEach((r, k) => assertSameResult(r, expected[k], `${label}: ${jobs[k].label}`));
  // A second burst of twice the calls, each job twice, in reverse order.
  const again = await Promise.all([...jobs, ...jobs].reverse().map((job) => job.async(job.input)));
  const n = jobs.length;
  again.forEach((r, k) => assertSameResult(r, expected[(2 * n - 1 - k) % n], `${label} (second burst): ${jobs[(2 * n - 1 - k) % n].label}`));
  return jobs.length;
}

test('~40 concurrent async calls equal the sequential sync calls bit for bit (default, 1 and restored threads)', async () => {
  await withThreads(async (original) => {
    const count = await stressRound(`threads=${original}`);
    assert.ok(count >= 40, `${count} jobs in flight`);
    rn.setNumThreads(1);
    assert.is(rn.getNumThreads(), 1);
    await stressRound('threads=1');
    rn.setNumThreads(original);
    assert.is(rn.getNumThreads(), original);
    await stressRound(`threads=${original} (restored)`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 5. The event loop stays responsive while a kernel runs

test('the event loop keeps running while a large lstmBackwardAsync runs', async () => {
  const n_x = 256;
  const n_a = 512;
  const m = 64;
  let T = 64;
  let c;
  let forward;
  let syncMs = 0;
  let ref;
  // Measure the sync call; grow T (at most twice) until the job takes at least ~300 ms.
  for (let attempt = 0; attempt < 3; ++attempt) {
    c = makeCase('lstm', { n_x, n_a, m, T, pred: false, seed: 7 });
    forward = rn.lstmForward(c.x, c.a0, c.params);
    const t0 = performance.now();
    ref = rn.lstmBackward(c.da, forward.caches);
    syncMs = performance.now() - t0;
    if (syncMs >= 300) break;
    T *= 2;
  }
  assert.ok(syncMs >= 150, `the job is too fast to test responsiveness: ${syncMs.toFixed(0)} ms`);

  let ticks = 0;
  let maxGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ++ticks;
  }, 1);
  const t0 = performance.now();
  let got;
  try {
    const promise = rn.lstmBackwardAsync(c.da, forward.caches);
    last = performance.now(); // the argument copies run on the main thread before queueing
    got = await promise;
  } finally {
    clearInterval(timer);
  }
  const end = performance.now();
  maxGap = Math.max(maxGap, end - last);
  const asyncMs = end - t0;
  const duration = Math.min(syncMs, asyncMs);
  console.log(
    `    responsiveness: lstmBackward n_x=${n_x} n_a=${n_a} m=${m} T=${T}: sync ${syncMs.toFixed(0)} ms, ` +
      `async ${asyncMs.toFixed(0)} ms, ${ticks} timer ticks, max gap ${maxGap.toFixed(1)} ms`,
  );
  assertSameResult(got, ref, 'large lstmBackwardAsync');
  assert.ok(ticks >= 50, `only ${ticks} timer ticks ran during ${asyncMs.toFixed(0)} ms`);
  assert.ok(maxGap < duration / 4, `max timer gap ${maxGap.toFixed(1)} ms is not well under the job's ${duration.toFixed(0)} ms`);
});

// ---------------------------------------------------------------------------------------------------------------
// 6. setNumThreads, getNumThreads, blasInfo

test('setNumThreads rejects bad values and leaves the count unchanged', async () => {
  await withThreads(async (original) => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => rn.setNumThreads(bad), (e) => e instanceof RangeError, `setNumThreads(${bad})`);
      assert.is(rn.getNumThreads(), original, `count changed by setNumThreads(${bad})`);
    }
    for (const bad of ['2', undefined, null, 2n, [2]]) {
      assert.throws(() => rn.setNumThreads(bad), (e) => e instanceof TypeError, `setNumThreads(${String(bad)})`);
      assert.is(rn.getNumThreads(), original, `count changed by setNumThreads(${String(bad)})`);
    }
  });
});

test('getNumThreads reflects setNumThreads; blasInfo reports OpenBLAS and the thread count', async () => {
  await withThreads(async (original) => {
    assert.ok(Number.isInteger(original) && original >= 1, `getNumThreads() = ${original}`);
    const info = rn.blasInfo();
    assert.is(info.vendor, 'OpenBLAS');
    assert.type(info.config, 'string');
    assert.ok(info.config.length > 0, 'config is empty');
    assert.ok(['pthreads', 'openmp', 'sequential'].includes(info.threading), `threading = ${info.threading}`);
    assert.is(info.numThreads, rn.getNumThreads());
    for (const n of [1, 2, original]) {
      rn.setNumThreads(n);
      const expected = info.threading === 'sequential' ? 1 : n;
      assert.is(rn.getNumThreads(), expected, `after setNumThreads(${n})`);
      assert.is(rn.blasInfo().numThreads, rn.getNumThreads(), `blasInfo().numThreads after setNumThreads(${n})`);
    }
    // Results are still right after changing threads back and forth.
    const c = makeCase('lstm', { n_x: 8, n_a: 16, m: 4, T: 3 });
    rn.setNumThreads(1);
    const one = rn.lstmForward(c.x, c.a0, c.params);
    rn.setNumThreads(original);
    const back = await rn.lstmForwardAsync(c.x, c.a0, c.params);
    for (const key of ['a', 'c', 'y']) {
      for (let i = 0; i < one[key].data.length; ++i) {
        assert.ok(Math.abs(one[key].data[i] - back[key].data[i]) <= 1e-12, `${key}[${i}] differs across thread counts`);
      }
    }
  });
  // The thread count is restored.
});

test('setNumThreads while async calls are in flight waits for them and keeps results right', async () => {
  await withThreads(async (original) => {
    const c = makeCase('lstm', { n_x: 32, n_a: 64, m: 16, T: 10, seed: 44 });
    const expected = rn.lstmForward(c.x, c.a0, c.params);
    const promises = Array.from({ length: 6 }, () => rn.lstmForwardAsync(c.x, c.a0, c.params));
    rn.setNumThreads(1);
    rn.setNumThreads(original);
    const results = await Promise.all(promises);
    for (const r of results) {
      for (const key of ['a', 'c', 'y']) {
        for (let i = 0; i < r[key].data.length; ++i) {
          assert.ok(Math.abs(r[key].data[i] - expected[key].data[i]) <= 1e-12, `${key}[${i}]`);
        }
      }
    }
  });
});

test.run();
