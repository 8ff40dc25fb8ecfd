// No call modifies its inputs (issue 4), checked on every function — the eight passes, the four async ones (right
// after the call returns and after it settles), softmax, sigmoid and toNested — with float64 and float32 tensors,
// nested arrays and views at an offset. Every argument is compared whole: values, shapes, the parameter and
// options objects' keys, nested arrays, the caches' input. Then every result is overwritten with NaN: neither the
// inputs nor a repeated call may change, so no result aliases an input or a cache.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { argumentSnapshot, isTensor, nest, snapshot } from './support/check.mjs';
import * as V from './support/valid-inputs.mjs';

/** A view of the tensor's values at an offset into a larger NaN-filled buffer. */
function view(t) {
  const pool = new t.data.constructor(t.data.length + 7).fill(NaN);
  pool.set(t.data, 3);
  return { data: pool.subarray(3, 3 + t.data.length), shape: [...t.shape] };
}

/** `args` with every tensor (inputs, parameters, opts.c0) converted by `form`; caches stay as they are. */
function inForm(args, form) {
  const convert = (v) => (isTensor(v) ? form(v)
    : v && typeof v === 'object' && v.constructor === Object ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)])) : v);
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, convert(v)]));
}

/** Valid arguments of a function in each form. */
const FORMS = {
  float64: (fn) => V.argumentsOf(fn),
  float32: (fn) => V.argumentsOf(fn, undefined, Float32Array),
  'nested arrays': (fn) => inForm(V.argumentsOf(fn), nest),
  'views at an offset': (fn) => inForm(V.argumentsOf(fn), view),
};

/** The argument record, plus what each cache holds that a caller can see (its kind and input). */
function record(args) {
  const caches = Object.fromEntries(Object.entries(args).filter(([k]) => k === 'cache' || k === 'caches')
    .map(([k, c]) => [k, { kind: c.kind, x: argumentSnapshot(c.x), frozen: Object.isFrozen(c) }]));
  return { args: argumentSnapshot(args), caches };
}

/** Overwrites every tensor of a result (a tensor itself, or an object of tensors) with NaN. */
function garble(result) {
  for (const t of isTensor(result) ? [result] : Object.values(result).filter(isTensor)) t.data.fill(NaN);
}

for (const [formName, form] of Object.entries(FORMS)) {
  test(`${formName}: no function modifies its arguments, and no result aliases them`, async () => {
    for (const fn of V.ALL_FUNCTIONS) {
      const args = form(fn);
      const before = record(args);
      const pending = V.invoke(fn, args);
      assert.equal(record(args), before, `${fn} (${formName}): arguments changed by the call`);
      const result = await pending;
      assert.equal(record(args), before, `${fn} (${formName}): arguments changed by the time the call settled`);
      const expected = snapshot(result);
      garble(result);
      assert.equal(record(args), before, `${fn} (${formName}): writing into the result changed an argument`);
      assert.equal(snapshot(await V.invoke(fn, args)), expected, `${fn} (${formName}): writing into the result changed a later call`);
    }
  });
}

test('toNested leaves its tensor as it was, in every form of tensor', () => {
  for (const t of [V.input('x'), V.input('a0', Float32Array), view(V.input('da'))]) {
    const before = argumentSnapshot(t);
    const nested = rn.toNested(t);
    assert.equal(argumentSnapshot(t), before);
    nested.flat(Infinity); // the nested result is a fresh array: changing it leaves the tensor alone
    nested[0][0] = 'changed';
    assert.equal(argumentSnapshot(t), before);
  }
});

test('a cache used by many backward passes, sync and async at once, keeps its input and gives the same result', async () => {
  for (const fn of ['rnnCellBackward', 'rnnBackward', 'lstmCellBackward', 'lstmBackward']) {
    const args = V.argumentsOf(fn);
    const name = 'cache' in args ? 'cache' : 'caches';
    const before = record(args);
    const first = snapshot(V.invoke(fn, args));
    const asyncFn = `${fn}Async`;
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 && rn[asyncFn] ? V.invoke(asyncFn, args) : V.invoke(fn, args))));
    for (const r of runs) assert.equal(snapshot(r), first, `${fn}: a repeated backward pass on one ${name}`);
    assert.equal(record(args), before, `${fn}: the ${name} or da changed`);
  }
});

test.run();
