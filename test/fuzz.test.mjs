// Property-based fuzzing of the facade (issue 4) with fast-check, from a fixed seed and a bounded number of runs
// (FUZZ_RUNS scales them, FUZZ_SEED changes the seed; `npm run fuzz` runs 20,000):
// (a) random valid sizes, dtypes and input forms (tensors, nested arrays, offset views), sync and async: every result
//     has the right keys, shapes and dtype, is finite, and agrees with the plain-JavaScript reference of SPEC §3;
//     a second backward pass on the same caches gives the same result bit for bit;
// (b) one malformed argument of a random function at random sizes: the TypeError or RangeError of SPEC §4 (a
//     rejection for the async functions) whose message names the argument; every argument is left exactly as it
//     was, and the same call with the argument repaired still gives its usual result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as rn from 'rnn-native';
import * as R from './support/reference.mjs';
import { argumentSnapshot, assertClose, detachedArray, nest, rng, snapshot } from './support/check.mjs';
import * as V from './support/valid-inputs.mjs';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const F64 = Float64Array;
const F32 = Float32Array;
const other = (dtype) => (dtype === F64 ? F32 : F64);
const sizeOf = (shape) => shape.reduce((p, d) => p * d, 1);
const PREDICTION = new Set(['Wya', 'Wy', 'by']);

/** Runs fc.assert with the fixed seed; a failure reports the seed, the path and the shrunk counterexample. */
const check = (property, runs) => fc.assert(property, { seed: SEED, numRuns: Math.max(1, Math.round(runs)), includeErrorInReport: true });

// ---------------------------------------------------------------------------------------------------------------
// (a) Valid calls agree with the reference

const sizes = (max) => fc.integer({ min: 1, max });
const validCase = fc.record({
  kind: fc.constantFrom('rnn', 'lstm'),
  cell: fc.boolean(),
  dtype: fc.constantFrom(F64, F32),
  n_x: sizes(6), n_a: sizes(6), n_y: sizes(6), m: sizes(6), T: sizes(6), Tb: sizes(6),
  prediction: fc.boolean(),
  c0: fc.boolean(),
  form: fc.constantFrom('tensor', 'nested', 'view'),
  async: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
});

/** Standard normals times `scale`, rounded to float32 so that both dtypes and the reference see the same values. */
function drawer(seed) {
  const draw = rng(seed % 2 ** 32);
  return (scale, ...shape) => {
    const t = draw(...shape);
    return { data: Float64Array.from(Float32Array.from(t.data, (v) => v * scale)), shape };
  };
}

/** The tensor in the form the case asks for: a `dtype` tensor, a nested array, or a view at an offset amid NaN. */
function inForm(t, form, dtype) {
  if (form === 'nested') return nest(t);
  if (form === 'tensor') return { data: dtype.from(t.data), shape: [...t.shape] };
  const pool = new dtype(t.data.length + 9).fill(NaN);
  const data = pool.subarray(5, 5 + t.data.length);
  data.set(t.data);
  return { data, shape: [...t.shape] };
}

function finiteAndClose(actual, expected, shape, dtype, label) {
  assert.equal([...actual.shape], shape, `${label}: shape`);
  assert.ok(actual.data instanceof dtype, `${label}: a ${actual.data.constructor.name}, expected a ${dtype.name}`);
  assert.ok(actual.data.every(Number.isFinite), `${label}: not all finite`);
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  const tol = dtype === F64 ? { rel: 1e-10, abs: 1e-12 * scale } : { rel: 1e-4, abs: 2e-5 * scale };
  assertClose(actual, expected, { ...tol, label });
}

const same = (a, b, label) => assert.equal(snapshot(a), snapshot(b), label);

async function validCall(c) {
  const { kind, cell, dtype, n_x, n_a, n_y, m, form } = c;
  const T = cell ? 1 : c.T;
  const Tb = cell ? 1 : 1 + ((c.Tb - 1) % T);
  const draw = drawer(c.seed);
  const steps = (shape) => (cell ? shape.slice(0, 2) : shape);
  const x = draw(1, ...steps([n_x, m, T]));
  const a0 = draw(1, n_a, m);
  const c0 = draw(1, n_a, m);
  const da = draw(1, ...steps([n_a, m, Tb]));
  const dcNext = draw(1, n_a, m);
  const p = {};
  const weight = (rows, cols) => draw(0.7 / Math.sqrt(cols), rows, cols);
  if (kind === 'rnn') Object.assign(p, { Wax: weight(n_a, n_x), Waa: weight(n_a, n_a), ba: draw(0.5, n_a, 1) });
  else for (const g of ['f', 'i', 'c', 'o']) Object.assign(p, { [`W${g}`]: weight(n_a, n_a + n_x), [`b${g}`]: draw(0.5, n_a, 1) });
  if (c.prediction) Object.assign(p, { [kind === 'rnn' ? 'Wya' : 'Wy']: weight(n_y, n_a), by: draw(0.5, n_y, 1) });

  const f = (t) => inForm(t, form, dtype);
  const params = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, inForm(v, form === 'nested' ? 'tensor' : form, dtype)]));
  const useC0 = kind === 'lstm' && (cell || c.c0);
  const ref = kind === 'rnn' ? R.rnnForward(x, a0, p) : R.lstmForward(x, a0, p, useC0 ? c0 : undefined);
  const refB = kind === 'rnn' ? R.rnnBackward(da, ref) : R.lstmBackward(da, ref, cell ? dcNext : undefined);

  let fwd;
  let bwd;
  let again;
  if (cell && kind === 'rnn') {
    fwd = rn.rnnCellForward(f(x), f(a0), params);
    bwd = rn.rnnCellBackward(f(da), fwd.cache);
    again = rn.rnnCellBackward(f(da), fwd.cache);
  } else if (cell) {
    fwd = rn.lstmCellForward(f(x), f(a0), f(c0), params);
    bwd = rn.lstmCellBackward(f(da), f(dcNext), fwd.cache);
    again = rn.lstmCellBackward(f(da), f(dcNext), fwd.cache);
  } else {
    const name = kind === 'rnn' ? 'rnn' : 'lstm';
    const opts = useC0 ? { c0: f(c0) } : undefined;
    const suffix = c.async ? 'Async' : '';
    fwd = await rn[`${name}Forward${suffix}`](f(x), f(a0), params, opts);
    bwd = await rn[`${name}Backward${suffix}`](f(da), fwd.caches);
    again = await rn[`${name}Backward${suffix}`](f(da), fwd.caches);
  }

  // Forward: keys, shapes, dtype, values.
  const names = cell
    ? { a: 'aNext', c: 'cNext', y: 'ytPred', dx: 'dxt', da0: 'daPrev', dc0: 'dcPrev', cache: 'cache' }
    : { a: 'a', c: 'c', y: kind === 'rnn' ? 'yPred' : 'y', dx: 'dx', da0: 'da0', dc0: 'dc0', cache: 'caches' };
  const forwardKeys = [names.a, names.cache, ...(kind === 'lstm' ? [names.c] : []), ...(c.prediction ? [names.y] : [])];
  assert.equal(Object.keys(fwd).sort(), forwardKeys.sort(), 'forward result keys');
  const seq = (n) => steps([n, m, T]);
  finiteAndClose(fwd[names.a], ref.a, seq(n_a), dtype, names.a);
  if (kind === 'lstm') finiteAndClose(fwd[names.c], ref.c, seq(n_a), dtype, names.c);
  if (c.prediction) finiteAndClose(fwd[names.y], ref.y, seq(n_y), dtype, names.y);

  // Backward: keys, shapes, dtype, values; the second pass on the same caches is bit-identical.
  const grads = kind === 'rnn' ? { dWax: [n_a, n_x], dWaa: [n_a, n_a], dba: [n_a, 1] }
    : Object.fromEntries(['f', 'i', 'c', 'o'].flatMap((g) => [[`dW${g}`, [n_a, n_a + n_x]], [`db${g}`, [n_a, 1]]]));
  const backwardKeys = [names.dx, names.da0, ...(kind === 'lstm' ? [names.dc0] : []), ...Object.keys(grads)];
  assert.equal(Object.keys(bwd).sort(), backwardKeys.sort(), 'backward result keys');
  finiteAndClose(bwd[names.dx], refB.dx, steps([n_x, m, Tb]), dtype, names.dx);
  finiteAndClose(bwd[names.da0], refB.da0, [n_a, m], dtype, names.da0);
  if (kind === 'lstm') finiteAndClose(bwd[names.dc0], refB.dc0, [n_a, m], dtype, names.dc0);
  for (const [key, shape] of Object.entries(grads)) finiteAndClose(bwd[key], refB[key], shape, dtype, key);
  same(again, bwd, 'a second backward pass on the same caches');
}

test(`(a) random valid calls agree with the reference (${Math.round(RUNS / 3)} runs, seed ${SEED})`, async () => {
  await check(fc.asyncProperty(validCase, validCall), RUNS / 3);
});

const activationCase = fc.record({
  fn: fc.constantFrom('softmax', 'sigmoid'),
  shape: fc.array(sizes(5), { minLength: 1, maxLength: 3 }),
  dtype: fc.constantFrom(F64, F32),
  scale: fc.constantFrom(0.1, 1, 10, 100),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
});

test(`(a) softmax and sigmoid of random shapes agree with the direct formulas (${Math.round(RUNS / 3)} runs)`, () => {
  check(fc.property(activationCase, ({ fn, shape, dtype, scale, seed }) => {
    const z = drawer(seed)(scale, ...shape);
    const out = rn[fn]({ data: dtype.from(z.data), shape: [...shape] });
    const expected = new Float64Array(z.data.length);
    if (fn === 'sigmoid') z.data.forEach((v, i) => (expected[i] = 1 / (1 + Math.exp(-v))));
    const cols = z.data.length / shape[0];
    for (let j = 0; fn === 'softmax' && j < cols; ++j) {
      const column = Array.from({ length: shape[0] }, (_, i) => z.data[i * cols + j]);
      const max = Math.max(...column);
      const sum = column.reduce((s, v) => s + Math.exp(v - max), 0);
      column.forEach((v, i) => (expected[i * cols + j] = Math.exp(v - max) / sum));
    }
    // float32: exp of a float32 difference z - max is good to about |z| float32 ulps.
    const tol = dtype === F64 ? { rel: 1e-13, abs: 1e-300 } : { rel: 2e-7 * (2 + Math.max(...Array.from(z.data, Math.abs))), abs: 1e-30 };
    assert.equal([...out.shape], shape);
    assert.ok(out.data instanceof dtype);
    assertClose(out, expected, { ...tol, label: fn });
  }), RUNS / 3);
});

// ---------------------------------------------------------------------------------------------------------------
// (b) One malformed argument

const { ARGUMENTS, PRODUCER, argumentsOf, invoke, syncOf } = V;
const family = (fn) => (fn.startsWith('rnn') ? 'rnnForward' : 'lstmForward');

/** The call's outcome: its result, or the error it threw or rejected with; `sync` says whether it threw. */
async function outcome(fn, args) {
  let value;
  try {
    value = invoke(fn, args);
  } catch (error) {
    return { error, sync: true };
  }
  if (fn.endsWith('Async')) assert.instance(value, Promise, `${fn} returns a Promise`);
  try {
    return { result: await value };
  } catch (error) {
    return { error, sync: false };
  }
}

// Sizes a dimension must keep: changing it by one is an error. x's T (and z's dims) are free; da's T' may only shrink.
const FIXED_DIMS = { x: [0, 1], da: [0, 1, 2], z: [] };

const NOT_TENSORS = [undefined, null, 0, 42, NaN, 'x', '', true, 1n, Symbol('t'), () => 0, {}, new Map(), new Date(0),
  Promise.resolve(), [], new Float64Array(4), new Float32Array(4)];
const BAD_DATA = [(n) => new Int32Array(n), (n) => new Uint8Array(n), (n) => new BigInt64Array(n), (n) => new Int16Array(n),
  (n) => new Uint8ClampedArray(n), (n) => new Uint32Array(n), (n) => new DataView(new ArrayBuffer(8 * n)),
  (n) => new Array(n).fill(0.5), (n) => new ArrayBuffer(8 * n), () => null, () => undefined, () => '0.5'];
const BAD_DIMS = [0, -1, -0, 0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e300, '3', null, undefined, true, 3n, [3], {}];
const BAD_SHAPES = [undefined, null, 3, '3,4', [], { 0: 3, length: 1 }, (s) => Int32Array.from(s), (s) => new Set(s)];
const HUGE_DIMS = [2 ** 20, 2 ** 31, 2 ** 40, 2 ** 53 - 1];
const NON_NUMBERS = ['0.5', null, undefined, {}, new Float64Array(1), true, 1n, Symbol('n')];
const pick = (list, i) => list[i % list.length];
/** Arrays that pass for a `dtype` array of `n` values to a careless check: RangeError, then TypeErrors. */
const LIARS = [
  (dtype, n) => new (class extends dtype { get length() { return n; } })(n + 1),
  (dtype, n) => new Proxy(new dtype(n), {}),
  (dtype, n) => Object.setPrototypeOf(new Uint8Array(n), dtype.prototype),
];

/**
 * The malformations of the tensor argument `name` holding `t`, in a call of dtype `dtype`: `{ label, error, make }`
 * where `make(i)` builds variant `i` and `error` is the error class (or a function of `i` giving it).
 */
function tensorMalformations(name, t, dtype, T) {
  const { shape } = t;
  const size = sizeOf(shape);
  const withShape = (s) => ({ data: t.data, shape: s });
  const kinds = [
    { label: 'not a tensor', error: (i) => (Array.isArray(pick(NOT_TENSORS, i)) ? RangeError : TypeError),
      make: (i) => (pick(NOT_TENSORS, i) === undefined && name === 'c0' ? null : pick(NOT_TENSORS, i)) }, // opts.c0 undefined means zeros
    { label: 'data of a non-float type', error: TypeError, make: (i) => ({ data: pick(BAD_DATA, i)(size), shape: [...shape] }) },
    { label: 'data that lies about its length or type (subclass, Proxy, swapped prototype)', error: (i) => (i % 3 === 0 ? RangeError : TypeError),
      make: (i) => ({ data: pick(LIARS, i)(dtype, size), shape: [...shape] }) },
    { label: 'data too short or too long', error: RangeError, make: (i) => ({ data: new dtype(size + pick([-size, -1, 1, 5], i)), shape: [...shape] }) },
    { label: 'a detached buffer', error: RangeError, make: () => ({ data: detachedArray(dtype, size), shape: [...shape] }) },
    { label: 'a bad dimension', error: (i) => (typeof pick(BAD_DIMS, i >> 2) === 'number' ? RangeError : TypeError), make: (i) => {
      const s = [...shape];
      s[i % s.length] = pick(BAD_DIMS, i >> 2);
      return withShape(s);
    } },
    { label: 'a shape that is not an array of numbers', error: TypeError, make: (i) => {
      const bad = pick(BAD_SHAPES, i);
      return withShape(typeof bad === 'function' ? bad(shape) : bad);
    } },
    { label: 'dimensions whose product overflows 2^31 or 2^53', error: RangeError, make: (i) => withShape(shape.map(() => pick(HUGE_DIMS, i))) },
    { label: 'a nested array holding a non-number', error: TypeError, make: (i) => {
      const n = nest(t);
      let row = n;
      while (Array.isArray(row[0])) row = pick(row, i);
      row[(i >> 3) % row.length] = pick(NON_NUMBERS, i >> 1);
      return n;
    } },
    { label: 'a nested array of rank 4', error: TypeError, make: () => {
      let n = nest(t);
      for (let rank = shape.length; rank < 4; ++rank) n = [n];
      return n;
    } },
  ];
  if (shape[0] > 1) {
    kinds.push({ label: 'a ragged nested array', error: TypeError, make: (i) => {
      const n = nest(t);
      const row = shape.length === 3 ? pick(n[shape[0] - 1], i) : n[shape[0] - 1];
      if (i % 2 === 0 || row.length === 1) row.push(0.5);
      else row.pop();
      return n;
    } });
  }
  if (name !== 'z') {
    kinds.push({ label: 'a wrong rank', error: RangeError, make: (i) => withShape(pick([[...shape, 1], [size], [1, ...shape]], i)) });
    kinds.push({ label: 'the other float dtype (mixed dtypes)', error: TypeError, make: () => ({ data: other(dtype).from(t.data), shape: [...shape] }) });
  }
  const fixed = FIXED_DIMS[name] ?? shape.map((_, axis) => axis);
  if (fixed.length > 0) {
    kinds.push({ label: 'a size that does not fit (da: more steps than the forward)', error: RangeError, make: (i) => {
      const s = [...shape];
      const axis = pick(fixed, i);
      if (name === 'da' && axis === 2) s[2] = T + 1 + (i % 3);
      else s[axis] += s[axis] === 1 || i % 2 === 0 ? 1 : -1;
      return { data: new dtype(sizeOf(s)).fill(0.25), shape: s };
    } });
  }
  return kinds;
}

const typos = (key, allowed) => [key.toLowerCase(), key.toUpperCase(), `${key}_`, ` ${key}`, key + key, 'x', 'c0', 'Wf', 'Wax', 'constructor']
  .filter((k) => !allowed.includes(k));

/**
 * Every slot of a call that can be malformed: `{ path, malformations }`, each malformation naming in `names(i)` what
 * its message must name (the slot itself unless said otherwise).
 */
function slots(fn, args, d, dtype, prediction) {
  const out = [];
  const slot = (path, malformations) => out.push({ path, malformations: malformations.map((k) => ({ names: () => path.at(-1), ...k })) });
  for (const name of ARGUMENTS[syncOf(fn)]) {
    const value = args[name];
    if (name === 'params') {
      const { params: all } = V.signatures[family(fn)];
      const pair = all.filter((k) => PREDICTION.has(k));
      const required = all.filter((k) => !PREDICTION.has(k));
      const typo = (i) => pick(typos(pick(all, i), all), i >> 4);
      slot(['params'], [
        { label: 'params not an object', error: TypeError,
          make: (i) => pick([null, undefined, 42, 'Wf', true, [], [value], new Float64Array(3), () => value, Symbol('p'), new Map(), new Date(0)], i) },
        { label: 'a missing parameter', error: TypeError, names: (i) => pick(required, i), make: (i) => {
          const p = { ...value, [pick(required, i)]: undefined };
          if (i % 2) delete p[pick(required, i)];
          return p;
        } },
        { label: 'an unknown key (a typo)', error: TypeError, names: (i) => `'${typo(i)}'`, make: (i) => ({ ...value, [typo(i)]: V.tensor([1, 1], 3, dtype) }) },
        { label: 'half of the prediction pair', error: TypeError, names: (i) => (prediction ? pick(pair, i) : pick(pair, i + 1)), make: (i) => {
          const p = { ...value };
          if (prediction) delete p[pick(pair, i)];
          else p[pick(pair, i)] = V.tensor([2, d.n_a], 4, dtype);
          return p;
        } },
      ]);
      for (const [key, t] of Object.entries(value)) slot(['params', key], tensorMalformations(key, t, dtype, d.T));
    } else if (name === 'opts') {
      slot(['opts'], [
        { label: 'opts not an object', error: TypeError, make: (i) => pick([null, 42, 'c0', true, [], [value.c0], () => value, Symbol('o')], i) },
        { label: 'an unknown key in opts', error: TypeError, names: (i) => `'${pick(['C0', 'c1', 'cPrev', 'a0', 'c0 '], i)}'`,
          make: (i) => ({ ...value, [pick(['C0', 'c1', 'cPrev', 'a0', 'c0 '], i)]: value.c0 }) },
      ]);
      slot(['opts', 'c0'], tensorMalformations('c0', value.c0, dtype, d.T));
    } else if (name === 'cache' || name === 'caches') {
      const others = Object.values(PRODUCER).filter((p) => p !== PRODUCER[syncOf(fn)]);
      const foreign = (producer) => invoke(producer, argumentsOf(producer, d, dtype, { prediction }))[producer.includes('Cell') ? 'cache' : 'caches'];
      slot([name], [
        { label: 'the cache of another forward pass', error: TypeError, make: (i) => foreign(pick(others, i)) },
        { label: 'not a cache', error: TypeError, make: (i) => pick([undefined, null, 42, 'caches', {}, { ...value }, { kind: value.kind, x: value.x },
          [value], Object.create(value), new Float64Array(3)], i) },
      ]);
    } else {
      slot([name], tensorMalformations(name, value, dtype, d.T));
    }
  }
  return out;
}

/** `args` with the value at `path` replaced (copies only the objects on the path). */
function replaced(args, [first, second], value) {
  return second === undefined ? { ...args, [first]: value } : { ...args, [first]: { ...args[first], [second]: value } };
}

const malformedCase = fc.record({
  fn: fc.constantFrom(...V.ALL_FUNCTIONS),
  n_x: sizes(4), n_a: sizes(4), n_y: sizes(4), m: sizes(4), T: sizes(4), Tb: sizes(4),
  dtype: fc.constantFrom(F64, F32),
  prediction: fc.boolean(),
  slot: fc.nat(999), kind: fc.nat(999), variant: fc.nat(9999),
});

async function malformedCall(c) {
  const { fn, dtype, prediction, variant } = c;
  const d = { ...c, Tb: 1 + ((c.Tb - 1) % c.T) };
  const args = argumentsOf(fn, d, dtype, { prediction });
  const all = slots(fn, args, d, dtype, prediction);
  const { path, malformations } = pick(all, c.slot);
  const { label, error: classOf, make, names } = pick(malformations, c.kind);
  const ErrorClass = classOf === TypeError || classOf === RangeError ? classOf : classOf(variant);
  const bad = replaced(args, path, make(variant));
  const named = names(variant);
  const where = `${fn}, ${path.join('.')}: ${label} (variant ${variant})`;

  const expected = snapshot((await outcome(fn, args)).result);
  const before = argumentSnapshot(bad);
  const { error, sync } = await outcome(fn, bad);
  assert.ok(error, `${where}: no error`);
  assert.ok(Object.getPrototypeOf(error) === ErrorClass.prototype,
    `${where}: expected a ${ErrorClass.name}, got ${error?.constructor?.name}: ${error?.message}`);
  if (fn.endsWith('Async')) assert.not.ok(sync, `${where}: the async function threw instead of rejecting`);
  const mentions = named.startsWith("'") ? error.message.includes(named) : new RegExp(`(^|\\W)${named}(\\W|$)`).test(error.message);
  assert.ok(mentions, `${where}: the message does not name ${named}: ${error.message}`);
  assert.equal(argumentSnapshot(bad), before, `${where}: an argument was modified`);
  assert.equal(snapshot((await outcome(fn, args)).result), expected, `${where}: the repaired call changed its result`);
}

test(`(b) one malformed argument is a TypeError or RangeError naming it, and changes nothing (${RUNS * 3} runs)`, async () => {
  await check(fc.asyncProperty(malformedCase, malformedCall), RUNS * 3);
});

test('(b) the malformation generator reaches every function, slot and kind', () => {
  // Every (function, slot, kind) triple the property can draw, so a generator bug that drops some shows here.
  let triples = 0;
  for (const fn of V.ALL_FUNCTIONS) {
    const d = { n_x: 2, n_a: 3, n_y: 2, m: 2, T: 3, Tb: 2 };
    for (const { path, malformations } of slots(fn, argumentsOf(fn, d, F64), d, F64, true)) {
      assert.ok(malformations.length > 0, `${fn} ${path.join('.')}: no malformations`);
      triples += malformations.length;
    }
  }
  assert.ok(triples > 300, `only ${triples} (function, slot, kind) triples`);
});

test.run();
