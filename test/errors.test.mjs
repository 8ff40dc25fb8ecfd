// The error rules of SPEC §4: TypeError for a wrong type, dtype, missing parameter, unknown parameter key or foreign
// cache; RangeError for a shape that does not fit, naming the argument, the expected shape in symbols and numbers
// and the received shape. Values are not checked: NaN and ±Infinity propagate. Every thrown error is followed by a
// valid call of the same function, which must give exactly the result it gave before any error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { isTensor, snapshot } from './support/check.mjs';
import { ERROR_CODES } from './support/error-codes.mjs';
import * as V from './support/valid-inputs.mjs';

const { n_x, n_a, m, T, calls, signatures, shapes } = V;
const FUNCTIONS = Object.keys(calls);
const RNN_REQUIRED = 'Wax, Waa, ba';
const RNN_ALL = 'Wax, Waa, ba, Wya, by';
const LSTM_REQUIRED = 'Wf, bf, Wi, bi, Wc, bc, Wo, bo';
const LSTM_ALL = 'Wf, bf, Wi, bi, Wc, bc, Wo, bo, Wy, by';
const DTYPE_TAIL = "all float arrays of one call must share one dtype";

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const sizeOf = (shape) => shape.reduce((p, d) => p * d, 1);
const shapeText = (shape) => `(${shape.join(', ')})`;

const baseline = Object.fromEntries(FUNCTIONS.map((f) => [f, snapshot(calls[f]())]));

/** A valid call of `fn` still works after an error and gives exactly what it gave before any error. */
function assertHealthy(fn) {
  let result;
  try {
    result = calls[fn]();
  } catch (error) {
    assert.unreachable(`after the error, a valid ${fn} call threw ${error?.constructor?.name}: ${error?.message}`);
  }
  assert.equal(snapshot(result), baseline[fn], `after the error, a valid ${fn} call gives its usual result`);
}

/**
 * `thunk` throws exactly an `ErrorClass` (not a subclass, not the other class) whose message equals `expected` (a
 * string) or matches it (a RegExp); afterwards `fn` still works.
 */
function throwsError(fn, thunk, ErrorClass, expected, label = '') {
  const where = label ? `${fn} ${label}: ` : `${fn}: `;
  let caught;
  let threw = false;
  try {
    thunk();
  } catch (error) {
    threw = true;
    caught = error;
  }
  if (!threw) assert.unreachable(`${where}expected ${ErrorClass.name} "${expected}", nothing was thrown`);
  assert.ok(
    caught instanceof ErrorClass && Object.getPrototypeOf(caught) === ErrorClass.prototype,
    `${where}expected a ${ErrorClass.name}, got ${caught?.constructor?.name}: ${caught?.message}`,
  );
  if (typeof expected === 'string') assert.is(caught.message, expected, `${where}message`);
  else assert.ok(expected.test(caught.message), `${where}message ${JSON.stringify(caught.message)} should match ${expected}`);
  assert.ok(ERROR_CODES.includes(caught.code), `${where}code ${caught.code} is one of the documented codes`);
  assertHealthy(fn);
}

/** The override that puts `value` in the place of argument `name` of `fn` (an input, `c0` in opts, or a parameter). */
function place(fn, name, value) {
  return signatures[fn].params.includes(name) ? { params: { [name]: value } } : { [name]: value };
}

/** The valid nested array for argument `name` (rank 2 or 3). */
const validNested = (name) => V.nested(shapes[name], 3);

/** A nested array for `name` with its last innermost array one element short, and the message that names it. */
function ragged(name) {
  const shape = shapes[name];
  const value = validNested(name);
  let last = value;
  let path = '';
  for (let axis = 0; axis < shape.length - 1; ++axis) {
    path += `[${shape[axis] - 1}]`;
    last = last[shape[axis] - 1];
  }
  last.pop();
  return {
    value,
    message: `${name} must be a rectangular nested array of shape ${shapeText(shape)}; ${name}${path} is of length ${shape.at(-1) - 1}`,
  };
}

/** A nested array for `name` whose row 1 is a number instead of an array. */
function rowIsNumber(name) {
  const value = validNested(name);
  value[1] = 7;
  return {
    value,
    message: `${name} must be a rectangular nested array of shape ${shapeText(shapes[name])}; ${name}[1] is a number`,
  };
}

/** A nested array for `name` whose last element is `element`, and the message that names its index. */
function withElement(name, element, described) {
  const shape = shapes[name];
  const value = validNested(name);
  let last = value;
  for (let axis = 0; axis < shape.length - 1; ++axis) last = last[shape[axis] - 1];
  last[shape.at(-1) - 1] = element;
  const path = shape.map((d) => `[${d - 1}]`).join('');
  return { value, message: `${name}${path} must be a number, got ${described}` };
}

function detached(size) {
  const data = new Float64Array(size);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  return data;
}

/** Every wrong type a tensor argument can get (except `undefined`, which depends on the argument), with its error. */
function wrongTypes(name) {
  const shape = shapes[name];
  const size = sizeOf(shape);
  const notTensor = (what) => `${name} must be a Tensor { data, shape } or a nested number array, got ${what}`;
  const badData = (what) => `${name}.data must be a Float64Array or Float32Array, got ${what}`;
  const cases = [
    ['null', null, TypeError, notTensor('null')],
    ['a number', 42, TypeError, notTensor('a number')],
    ['a string', '1,2,3', TypeError, notTensor('a string')],
    ['a boolean', true, TypeError, notTensor('a boolean')],
    ['a function', () => 1, TypeError, notTensor('a function')],
    ['a plain object without data and shape', {}, TypeError, notTensor('an object')],
    ['an object with data but no shape', { data: new Float64Array(size) }, TypeError, notTensor('an object')],
    ['an object with shape but no data', { shape: [...shape] }, TypeError, notTensor('an object')],
    ['a Map', new Map([['data', new Float64Array(size)], ['shape', shape]]), TypeError, notTensor('a Map')],
    ['a bare Float64Array', new Float64Array(size), TypeError, notTensor('Float64Array')],
    ['a bare Float32Array', new Float32Array(size), TypeError, notTensor('Float32Array')],
    ['Int32Array data', { data: new Int32Array(size), shape: [...shape] }, TypeError, badData('Int32Array')],
    ['Uint8Array data', { data: new Uint8Array(size), shape: [...shape] }, TypeError, badData('Uint8Array')],
    ['BigInt64Array data', { data: new BigInt64Array(size), shape: [...shape] }, TypeError, badData('BigInt64Array')],
    ['a DataView as data', { data: new DataView(new ArrayBuffer(8 * size)), shape: [...shape] }, TypeError, badData('DataView')],
    ['number[] data', { data: new Array(size).fill(0.5), shape: [...shape] }, TypeError, badData('an array')],
    ['null data', { data: null, shape: [...shape] }, TypeError, badData('null')],
    ['a string as shape', { data: new Float64Array(size), shape: shape.join(',') }, TypeError,
      `${name}.shape must be a non-empty array of dimensions, got a string`],
    ['an Int32Array as shape', { data: new Float64Array(size), shape: Int32Array.from(shape) }, TypeError,
      `${name}.shape must be a non-empty array of dimensions, got Int32Array`],
    ['an empty shape', { data: new Float64Array(size), shape: [] }, TypeError,
      `${name}.shape must be a non-empty array of dimensions, got an empty array`],
    ['strings in the shape', { data: new Float64Array(size), shape: shape.map(String) }, TypeError,
      `${name}.shape must hold numbers, got a string`],
    ['a detached buffer', { data: detached(size), shape: [...shape] }, RangeError,
      `${name}.data has 0 values but its shape (${shape.join(', ')}) needs ${size} (its ArrayBuffer is empty or detached)`],
    ['nested 4 deep', [[[[0.5]]]], TypeError,
      `${name} must be a nested array of rank 1 to 3 (number[], number[][] or number[][][]), got rank 4`],
  ];
  const r = ragged(name);
  cases.push(['a ragged nested array', r.value, TypeError, r.message]);
  const n = rowIsNumber(name);
  cases.push(['a nested array with a number for a row', n.value, TypeError, n.message]);
  for (const [element, described] of [['0.5', 'a string'], [null, 'null'], [undefined, 'undefined'], [true, 'a boolean'],
    [1n, 'a bigint'], [[0.5], 'an array'], [{}, 'an object']]) {
    const e = withElement(name, element, described);
    cases.push([`a nested array holding ${described}`, e.value, TypeError, e.message]);
  }
  return cases;
}

/** Every malformed shape a tensor argument can get, with its RangeError. */
function badShapes(name) {
  const shape = shapes[name];
  const size = sizeOf(shape);
  const cases = [
    [`data one value short`, { data: new Float64Array(size - 1), shape: [...shape] }, RangeError,
      `${name}.data has ${size - 1} values but its shape ${shapeText(shape)} needs ${size}`],
    [`data one value long`, { data: new Float64Array(size + 1), shape: [...shape] }, RangeError,
      `${name}.data has ${size + 1} values but its shape ${shapeText(shape)} needs ${size}`],
    ['an empty nested array', [], RangeError, `${name} has an empty array at depth 0`],
    ['an empty first row', [[]], RangeError, `${name} has an empty array at depth 1`],
  ];
  for (const bad of [0, -1, 1.5, NaN, Infinity, -0, 2 ** 53]) {
    const dims = [...shape];
    dims[1] = bad;
    cases.push([`dimension ${bad}`, { data: new Float64Array(size), shape: dims }, RangeError,
      `${name}.shape must hold positive integers, got ${shapeText(dims)}`]);
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------------------------
// The valid calls themselves (the base of every test below)

test('the valid fixtures work for every function and the baseline is deterministic', () => {
  for (const fn of FUNCTIONS) {
    assert.ok(Object.keys(baseline[fn]).length > 0, `${fn} returns tensors`);
    assertHealthy(fn);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Wrong types and malformed tensors, for every tensor argument of every function

for (const fn of FUNCTIONS) {
  const { inputs, params } = signatures[fn];
  for (const name of [...inputs, ...params]) {
    test(`${fn}: wrong types of ${name} are TypeErrors naming ${name}`, () => {
      for (const [label, value, ErrorClass, message] of wrongTypes(name)) {
        throwsError(fn, () => calls[fn](place(fn, name, value)), ErrorClass, message, `${name} = ${label}`);
      }
    });

    test(`${fn}: malformed shapes of ${name} are RangeErrors naming ${name}`, () => {
      for (const [label, value, ErrorClass, message] of badShapes(name)) {
        throwsError(fn, () => calls[fn](place(fn, name, value)), ErrorClass, message, `${name} = ${label}`);
      }
    });
  }
}

test('an undefined input tensor is a TypeError naming it', () => {
  for (const fn of FUNCTIONS) {
    for (const name of signatures[fn].inputs) {
      if (name === 'c0') continue; // opts.c0 undefined means zeros
      throwsError(fn, () => calls[fn]({ [name]: undefined }), TypeError,
        `${name} must be a Tensor { data, shape } or a nested number array, got undefined`, name);
    }
  }
});

test('nested arrays and Tensors are both accepted, and give the same result', () => {
  for (const fn of FUNCTIONS) {
    const { inputs, params } = signatures[fn];
    const override = {};
    for (const name of inputs) override[name] = rn.toNested(V.input(name));
    if (params.length > 0) {
      const valid = signatures[fn].family === 'RNN' ? V.rnnParams() : V.lstmParams();
      override.paramsObject = Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, rn.toNested(v)]));
    }
    assert.equal(snapshot(calls[fn](override)), baseline[fn], `${fn} with nested arrays`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Shapes that do not fit the layer: RangeError in the SPEC's form `name must have shape (symbols) = (numbers), got (…)`

const rangeCases = {
  rnnCellForward: [
    ['xt', [n_x + 1, m], `xt must have shape (n_x, m) = (3, m), got (4, 4) (n_x comes from Wax)`],
    ['xt', [n_x, m, 1], `xt must have shape (n_x, m) = (3, m), got (3, 4, 1) (n_x comes from Wax)`],
    ['xt', [n_x * m], `xt must have shape (n_x, m) = (3, m), got (12) (n_x comes from Wax)`],
    ['aPrev', [n_a, m - 1], `aPrev must have shape (n_a, m) = (5, 4), got (5, 3) (n_a comes from Wax, m from xt)`],
    ['aPrev', [n_a - 1, m], `aPrev must have shape (n_a, m) = (5, 4), got (4, 4) (n_a comes from Wax, m from xt)`],
    ['aPrev', [m, n_a], `aPrev must have shape (n_a, m) = (5, 4), got (4, 5) (n_a comes from Wax, m from xt)`],
  ],
  rnnForward: [
    ['x', [n_x, m], `x must have shape (n_x, m, T) = (3, m, T), got (3, 4) (n_x comes from Wax)`],
    ['x', [n_x - 1, m, T], `x must have shape (n_x, m, T) = (3, m, T), got (2, 4, 6) (n_x comes from Wax)`],
    ['x', [n_x, m, T, 1], `x must have shape (n_x, m, T) = (3, m, T), got (3, 4, 6, 1) (n_x comes from Wax)`],
    ['x', [m, n_x, T], `x must have shape (n_x, m, T) = (3, m, T), got (4, 3, 6) (n_x comes from Wax)`],
    ['a0', [n_a, m - 1], `a0 must have shape (n_a, m) = (5, 4), got (5, 3) (n_a comes from Wax, m from x)`],
    ['a0', [n_a, m, 1], `a0 must have shape (n_a, m) = (5, 4), got (5, 4, 1) (n_a comes from Wax, m from x)`],
    ['a0', [n_a + 1, m], `a0 must have shape (n_a, m) = (5, 4), got (6, 4) (n_a comes from Wax, m from x)`],
  ],
  lstmCellForward: [
    ['xt', [n_x + 1, m], `xt must have shape (n_x, m) = (3, m), got (4, 4) (n_x comes from Wf)`],
    ['xt', [n_x, m, 1], `xt must have shape (n_x, m) = (3, m), got (3, 4, 1) (n_x comes from Wf)`],
    ['aPrev', [n_a, m - 1], `aPrev must have shape (n_a, m) = (5, 4), got (5, 3) (n_a comes from Wf, m from xt)`],
    ['aPrev', [n_a - 1, m], `aPrev must have shape (n_a, m) = (5, 4), got (4, 4) (n_a comes from Wf, m from xt)`],
    ['cPrev', [n_a, m + 1], `cPrev must have shape (n_a, m) = (5, 4), got (5, 5) (n_a comes from Wf, m from xt)`],
    ['cPrev', [n_a * m], `cPrev must have shape (n_a, m) = (5, 4), got (20) (n_a comes from Wf, m from xt)`],
  ],
  lstmForward: [
    ['x', [n_x, m], `x must have shape (n_x, m, T) = (3, m, T), got (3, 4) (n_x comes from Wf)`],
    ['x', [n_x + 1, m, T], `x must have shape (n_x, m, T) = (3, m, T), got (4, 4, 6) (n_x comes from Wf)`],
    ['a0', [n_a, m - 1], `a0 must have shape (n_a, m) = (5, 4), got (5, 3) (n_a comes from Wf, m from x)`],
    ['a0', [n_a, m, T], `a0 must have shape (n_a, m) = (5, 4), got (5, 4, 6) (n_a comes from Wf, m from x)`],
    ['c0', [n_a, m - 1], `c0 must have shape (n_a, m) = (5, 4), got (5, 3) (n_a comes from Wf, m from x)`],
    ['c0', [n_a + 1, m], `c0 must have shape (n_a, m) = (5, 4), got (6, 4) (n_a comes from Wf, m from x)`],
  ],
  rnnCellBackward: [
    ['daNext', [n_a, m - 1], `daNext must have shape (n_a, m) = (5, 4), got (5, 3) (n_a and m come from the cache)`],
    ['daNext', [n_a - 1, m], `daNext must have shape (n_a, m) = (5, 4), got (4, 4) (n_a and m come from the cache)`],
    ['daNext', [n_a, m, 1], `daNext must have shape (n_a, m) = (5, 4), got (5, 4, 1) (n_a and m come from the cache)`],
  ],
  rnnBackward: [
    ['da', [n_a, m, T + 1], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (5, 4, 7) (n_a, m and T come from the caches)`],
    ['da', [n_a, m, 100], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (5, 4, 100) (n_a, m and T come from the caches)`],
    ['da', [n_a, m - 1, T], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (5, 3, 6) (n_a, m and T come from the caches)`],
    ['da', [n_a - 1, m, T], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (4, 4, 6) (n_a, m and T come from the caches)`],
    ['da', [n_a, m], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (5, 4) (n_a, m and T come from the caches)`],
  ],
  lstmCellBackward: [
    ['daNext', [n_a, m - 1], `daNext must have shape (n_a, m) = (5, 4), got (5, 3) (n_a and m come from the cache)`],
    ['daNext', [n_a, m, 1], `daNext must have shape (n_a, m) = (5, 4), got (5, 4, 1) (n_a and m come from the cache)`],
    ['dcNext', [n_a + 1, m], `dcNext must have shape (n_a, m) = (5, 4), got (6, 4) (n_a and m come from the cache)`],
    ['dcNext', [n_a, m - 1], `dcNext must have shape (n_a, m) = (5, 4), got (5, 3) (n_a and m come from the cache)`],
  ],
  lstmBackward: [
    ['da', [n_a, m, T + 1], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (5, 4, 7) (n_a, m and T come from the caches)`],
    ['da', [n_a, m + 1, T], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (5, 5, 6) (n_a, m and T come from the caches)`],
    ['da', [n_a + 1, m, 2], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (6, 4, 2) (n_a, m and T come from the caches)`],
    ['da', [n_a, m, T, 1], `da must have shape (n_a, m, T') = (5, 4, T' ≤ 6), got (5, 4, 6, 1) (n_a, m and T come from the caches)`],
  ],
};

const rnnParamShapes = [
  ['Wax', [n_a, n_x, 1], `Wax must have shape (n_a, n_x), got (5, 3, 1)`],
  ['Wax', [n_a * n_x], `Wax must have shape (n_a, n_x), got (15)`],
  ['Waa', [n_a - 1, n_a - 1], `Waa must have shape (n_a, n_a) = (5, 5), got (4, 4) (n_a comes from Wax)`],
  ['Waa', [n_a, n_x], `Waa must have shape (n_a, n_a) = (5, 5), got (5, 3) (n_a comes from Wax)`],
  ['ba', [n_a], `ba must have shape (n_a, 1) = (5, 1), got (5) (n_a comes from Wax)`],
  ['ba', [1, n_a], `ba must have shape (n_a, 1) = (5, 1), got (1, 5) (n_a comes from Wax)`],
  ['ba', [n_a - 1, 1], `ba must have shape (n_a, 1) = (5, 1), got (4, 1) (n_a comes from Wax)`],
  ['ba', [n_a, m], `ba must have shape (n_a, 1) = (5, 1), got (5, 4) (n_a comes from Wax)`],
  ['Wya', [2, n_a - 1], `Wya must have shape (n_y, n_a) = (n_y, 5), got (2, 4) (n_a comes from Wax)`],
  ['Wya', [n_a, 2], `Wya must have shape (n_y, n_a) = (n_y, 5), got (5, 2) (n_a comes from Wax)`],
  ['by', [3, 1], `by must have shape (n_y, 1) = (2, 1), got (3, 1) (n_y comes from Wya)`],
  ['by', [1, 2], `by must have shape (n_y, 1) = (2, 1), got (1, 2) (n_y comes from Wya)`],
];
const lstmParamShapes = [
  ['Wf', [n_a, n_a], `Wf must have shape (n_a, n_a + n_x), got (5, 5) (n_x must be at least 1)`],
  ['Wf', [n_a + n_x, n_a], `Wf must have shape (n_a, n_a + n_x), got (8, 5) (n_x must be at least 1)`],
  ['Wf', [n_a * (n_a + n_x)], `Wf must have shape (n_a, n_a + n_x), got (40) (n_x must be at least 1)`],
  ['Wf', [n_a, n_a + n_x, 1], `Wf must have shape (n_a, n_a + n_x), got (5, 8, 1) (n_x must be at least 1)`],
  ['Wi', [n_a, n_a + n_x - 1], `Wi must have shape (n_a, n_a + n_x) = (5, 8), got (5, 7) (n_a and n_x come from Wf)`],
  ['Wi', [n_a + n_x, n_a], `Wi must have shape (n_a, n_a + n_x) = (5, 8), got (8, 5) (n_a and n_x come from Wf)`],
  ['Wc', [n_a - 1, n_a + n_x], `Wc must have shape (n_a, n_a + n_x) = (5, 8), got (4, 8) (n_a and n_x come from Wf)`],
  ['Wo', [n_a, n_a + n_x + 1], `Wo must have shape (n_a, n_a + n_x) = (5, 8), got (5, 9) (n_a and n_x come from Wf)`],
  ['Wo', [n_a, n_a + n_x, 1], `Wo must have shape (n_a, n_a + n_x) = (5, 8), got (5, 8, 1) (n_a and n_x come from Wf)`],
  ['bf', [n_a, 2], `bf must have shape (n_a, 1) = (5, 1), got (5, 2) (n_a comes from Wf)`],
  ['bi', [n_a - 1, 1], `bi must have shape (n_a, 1) = (5, 1), got (4, 1) (n_a comes from Wf)`],
  ['bc', [n_a], `bc must have shape (n_a, 1) = (5, 1), got (5) (n_a comes from Wf)`],
  ['bo', [1, n_a], `bo must have shape (n_a, 1) = (5, 1), got (1, 5) (n_a comes from Wf)`],
  ['Wy', [2, n_a - 1], `Wy must have shape (n_y, n_a) = (n_y, 5), got (2, 4) (n_a comes from Wf)`],
  ['Wy', [2, n_a + n_x], `Wy must have shape (n_y, n_a) = (n_y, 5), got (2, 8) (n_a comes from Wf)`],
  ['by', [3, 1], `by must have shape (n_y, 1) = (2, 1), got (3, 1) (n_y comes from Wy)`],
  ['by', [2], `by must have shape (n_y, 1) = (2, 1), got (2) (n_y comes from Wy)`],
];
for (const fn of ['rnnCellForward', 'rnnForward']) rangeCases[fn].push(...rnnParamShapes);
for (const fn of ['lstmCellForward', 'lstmForward']) rangeCases[fn].push(...lstmParamShapes);

for (const fn of Object.keys(rangeCases)) {
  test(`${fn}: a tensor that does not fit the layer is a RangeError in the SPEC's form`, () => {
    for (const [name, shape, message] of rangeCases[fn]) {
      const value = V.tensor(shape, 5);
      throwsError(fn, () => calls[fn](place(fn, name, value)), RangeError, message, `${name} ${shapeText(shape)}`);
      // Every such message starts with the argument's name and the SPEC's "must have shape (symbols) = (numbers), got (…)";
      // the parameter that defines the sizes (Wax, Wf) has no numbers to compare against, so it gives the symbols only.
      const numbers = name === 'Wax' || name === 'Wf' ? '' : ' = \\([^)]*\\)';
      assert.match(message, new RegExp(`^${name} must have shape \\([^)]*\\)${numbers}, got ${shapeText(shape).replace(/[()]/g, '\\$&')}`));
    }
  });
}

test('the SPEC example: Wi of shape (5, 7) with n_a = 5, n_x = 3', () => {
  for (const fn of ['lstmCellForward', 'lstmForward']) {
    const Wi = V.tensor([5, 7], 2);
    throwsError(fn, () => calls[fn]({ params: { Wi } }), RangeError,
      /^Wi must have shape \(n_a, n_a \+ n_x\) = \(5, 8\), got \(5, 7\)/);
  }
});

test('by disagreeing with Wy / Wya names both', () => {
  throwsError('lstmForward', () => calls.lstmForward({ params: { by: V.tensor([4, 1]) } }), RangeError, /^by .*\bWy\b/);
  throwsError('lstmCellForward', () => calls.lstmCellForward({ params: { by: V.tensor([1, 1]) } }), RangeError, /^by .*\bWy\b/);
  throwsError('rnnForward', () => calls.rnnForward({ params: { by: V.tensor([4, 1]) } }), RangeError, /^by .*\bWya\b/);
  throwsError('rnnCellForward', () => calls.rnnCellForward({ params: { by: V.tensor([1, 1]) } }), RangeError, /^by .*\bWya\b/);
  // n_y follows Wy: a bigger Wy with a matching by is fine, and so is n_y = 1.
  for (const n_y of [1, 7]) {
    const r = calls.lstmForward({ params: { Wy: V.tensor([n_y, n_a]), by: V.tensor([n_y, 1]) } });
    assert.equal([...r.y.shape], [n_y, m, T]);
    const s = calls.rnnForward({ params: { Wya: V.tensor([n_y, n_a]), by: V.tensor([n_y, 1]) } });
    assert.equal([...s.yPred.shape], [n_y, m, T]);
  }
});

test('Waa disagreeing with Wax names Waa and Wax; the gates disagreeing with Wf name Wf', () => {
  throwsError('rnnForward', () => calls.rnnForward({ params: { Waa: V.tensor([6, 6]) } }), RangeError, /^Waa .*\(5, 5\).*\(6, 6\).*\bWax\b/);
  throwsError('lstmForward', () => calls.lstmForward({ params: { Wc: V.tensor([6, 9]) } }), RangeError, /^Wc .*\(5, 8\).*\(6, 9\).*\bWf\b/);
  // Sizes come from the parameters: a different Wax (n_a = 5, n_x = 2) makes the valid x the misfit.
  throwsError('rnnForward', () => calls.rnnForward({ params: { Wax: V.tensor([n_a, 2]) } }), RangeError,
    `x must have shape (n_x, m, T) = (2, m, T), got (3, 4, 6) (n_x comes from Wax)`);
  throwsError('lstmForward', () => calls.lstmForward({ params: { Wf: V.tensor([n_a, n_a + 2]) } }), RangeError,
    `Wi must have shape (n_a, n_a + n_x) = (5, 7), got (5, 8) (n_a and n_x come from Wf)`);
});

test('da with fewer steps than the forward pass is not an error (T\' ≤ T)', () => {
  for (const Tb of [1, 3, T]) {
    const r = calls.rnnBackward({ da: V.tensor([n_a, m, Tb]) });
    assert.equal([...r.dx.shape], [n_x, m, Tb]);
    const l = calls.lstmBackward({ da: V.tensor([n_a, m, Tb]) });
    assert.equal([...l.dx.shape], [n_x, m, Tb]);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// dtypes: the parameters (or the caches) set the dtype; another dtype is a TypeError naming both sides

const F64 = Float64Array;
const F32 = Float32Array;
const other = (dtype) => (dtype === F64 ? F32 : F64);

for (const fn of ['rnnCellForward', 'rnnForward', 'lstmCellForward', 'lstmForward']) {
  const { inputs, params, dtypeFrom } = signatures[fn];
  test(`${fn}: an input of another dtype than ${dtypeFrom} is a TypeError naming the input and ${dtypeFrom}`, () => {
    for (const dtype of [F64, F32]) {
      for (const name of inputs) {
        const value = V.input(name, other(dtype));
        throwsError(fn, () => calls[fn]({ dtype, [name]: value }), TypeError,
          `${name} is a ${other(dtype).name}, but ${dtypeFrom} set this call's dtype to ${dtype.name}: ${DTYPE_TAIL}`,
          `${name} in a ${dtype.name} call`);
      }
    }
  });

  test(`${fn}: a parameter of another dtype than ${dtypeFrom} is a TypeError naming both`, () => {
    for (const dtype of [F64, F32]) {
      for (const name of params) {
        if (name === dtypeFrom) continue;
        const value = V.tensor(shapes[name], 4, other(dtype));
        throwsError(fn, () => calls[fn]({ dtype, params: { [name]: value } }), TypeError,
          `${name} is a ${other(dtype).name}, but ${dtypeFrom} set this call's dtype to ${dtype.name}: ${DTYPE_TAIL}`,
          `${name} in a ${dtype.name} call`);
      }
      // The defining parameter changed alone: now every other parameter is the misfit, the first one named.
      const first = params.find((p) => p !== dtypeFrom);
      throwsError(fn, () => calls[fn]({ dtype, params: { [dtypeFrom]: V.tensor(shapes[dtypeFrom], 4, other(dtype)) } }),
        TypeError, `${first} is a ${dtype.name}, but ${dtypeFrom} set this call's dtype to ${other(dtype).name}: ${DTYPE_TAIL}`,
        `${dtypeFrom} alone of another dtype`);
    }
  });

  test(`${fn}: one dtype per call works in Float32 too, and nested arrays take the call's dtype`, () => {
    const r32 = calls[fn]({ dtype: F32 });
    for (const [key, value] of Object.entries(r32)) if (isTensor(value)) assert.instance(value.data, F32, `${fn}.${key}`);
    const nestedInputs = Object.fromEntries(inputs.map((name) => [name, rn.toNested(V.input(name))]));
    const mixed = calls[fn]({ dtype: F32, ...nestedInputs });
    for (const [key, value] of Object.entries(mixed)) if (isTensor(value)) assert.instance(value.data, F32, `${fn}.${key}`);
  });
}

for (const fn of ['rnnCellBackward', 'rnnBackward', 'lstmCellBackward', 'lstmBackward']) {
  const { inputs, dtypeFrom } = signatures[fn];
  test(`${fn}: a gradient of another dtype than the caches is a TypeError naming it and ${dtypeFrom}`, () => {
    for (const dtype of [F64, F32]) {
      for (const name of inputs) {
        const value = V.input(name, other(dtype));
        throwsError(fn, () => calls[fn]({ dtype, [name]: value }), TypeError,
          `${name} is a ${other(dtype).name}, but ${dtypeFrom} set this call's dtype to ${dtype.name}: ${DTYPE_TAIL}`,
          `${name} with ${dtype.name} caches`);
      }
      const r = calls[fn]({ dtype });
      for (const [key, value] of Object.entries(r)) assert.instance(value.data, dtype, `${fn}.${key} keeps the dtype`);
    }
  });
}

test('softmax and sigmoid keep the dtype of their argument', () => {
  for (const fn of ['softmax', 'sigmoid']) {
    assert.instance(calls[fn]({ dtype: F32 }).data, F32);
    assert.instance(calls[fn]({ dtype: F64 }).data, F64);
    assert.instance(rn[fn]([[0.5, 1], [2, 3]]).data, F64, `${fn} of a nested array is Float64`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// The parameter object: missing, unknown (typo), unpaired, or not an object

const families = {
  RNN: { fns: ['rnnCellForward', 'rnnForward'], valid: V.rnnParams, required: ['Wax', 'Waa', 'ba'], pair: ['Wya', 'by'],
    requiredText: RNN_REQUIRED, allText: RNN_ALL, typos: ['wax', 'WAX', 'Wy', 'Wyy', 'bya', 'Ba', 'Wax ', 'Wf', 'a0', 'bf'] },
  LSTM: { fns: ['lstmCellForward', 'lstmForward'], valid: V.lstmParams, required: ['Wf', 'bf', 'Wi', 'bi', 'Wc', 'bc', 'Wo', 'bo'],
    pair: ['Wy', 'by'], requiredText: LSTM_REQUIRED, allText: LSTM_ALL, typos: ['wf', 'WF', 'Wyy', 'Wya', 'bF', 'Wg', 'bg', 'c0', 'Wax', 'Wf_'] },
};

for (const [family, info] of Object.entries(families)) {
  for (const fn of info.fns) {
    test(`${fn}: a missing ${family} parameter is a TypeError naming it`, () => {
      for (const key of info.required) {
        const expected = `params.${key} is missing: ${family} parameters need ${info.requiredText}`;
        throwsError(fn, () => calls[fn]({ params: { [key]: undefined } }), TypeError, expected, `without ${key}`);
        // A key present with the value undefined counts as missing too.
        const explicit = { ...info.valid(), [key]: undefined };
        throwsError(fn, () => calls[fn]({ paramsObject: explicit }), TypeError, expected, `${key}: undefined`);
      }
      throwsError(fn, () => calls[fn]({ paramsObject: {} }), TypeError,
        `params.${info.required[0]} is missing: ${family} parameters need ${info.requiredText}`, 'empty params');
    });

    test(`${fn}: an unknown key in ${family} params (a typo) is a TypeError naming it`, () => {
      for (const key of info.typos) {
        throwsError(fn, () => calls[fn]({ params: { [key]: V.tensor([n_a, 1]) } }), TypeError,
          `params has an unknown key '${key}': ${family} parameters are ${info.allText}`, `with '${key}'`);
      }
      // A typo in place of a required name: the unknown key is reported (it is the cause), not the missing one.
      const [first] = info.required;
      const valid = info.valid();
      const typo = { ...valid, [first.toLowerCase()]: valid[first] };
      delete typo[first];
      throwsError(fn, () => calls[fn]({ paramsObject: typo }), TypeError,
        `params has an unknown key '${first.toLowerCase()}': ${family} parameters are ${info.allText}`, 'lower-cased name');
    });

    test(`${fn}: ${info.pair[0]} without ${info.pair[1]} (and the reverse) is a TypeError naming the missing one`, () => {
      const [weight, bias] = info.pair;
      const together = `go together (both for predictions, or neither)`;
      throwsError(fn, () => calls[fn]({ params: { [bias]: undefined } }), TypeError,
        `params.${bias} is missing: ${weight} and ${bias} ${together}`, `${weight} without ${bias}`);
      throwsError(fn, () => calls[fn]({ params: { [weight]: undefined } }), TypeError,
        `params.${weight} is missing: ${weight} and ${bias} ${together}`, `${bias} without ${weight}`);
      // Neither is fine: no prediction at all.
      const r = calls[fn]({ paramsObject: info.valid(Float64Array, { prediction: false }) });
      for (const key of ['ytPred', 'yPred', 'y']) assert.not.ok(key in r, `${fn} without ${weight}/${bias} has no ${key}`);
    });

    test(`${fn}: params that are not an object are a TypeError`, () => {
      const notObject = (what) => `params must be an object of ${family} parameters, got ${what}`;
      for (const [value, what] of [[null, 'null'], [undefined, 'undefined'], [42, 'a number'], ['Wf', 'a string'],
        [true, 'a boolean'], [[], 'an array'], [[info.valid()], 'an array'], [new Float64Array(4), 'Float64Array'],
        [() => info.valid(), 'a function']]) {
        throwsError(fn, () => calls[fn]({ paramsObject: value }), TypeError, notObject(what), `params = ${what}`);
      }
    });
  }
}

test('the parameters of the other family are rejected by their first key', () => {
  throwsError('rnnForward', () => calls.rnnForward({ paramsObject: V.lstmParams() }), TypeError,
    `params has an unknown key 'Wf': RNN parameters are ${RNN_ALL}`);
  throwsError('rnnCellForward', () => calls.rnnCellForward({ paramsObject: V.lstmParams() }), TypeError,
    `params has an unknown key 'Wf': RNN parameters are ${RNN_ALL}`);
  throwsError('lstmForward', () => calls.lstmForward({ paramsObject: V.rnnParams() }), TypeError,
    `params has an unknown key 'Wax': LSTM parameters are ${LSTM_ALL}`);
  throwsError('lstmCellForward', () => calls.lstmCellForward({ paramsObject: V.rnnParams() }), TypeError,
    `params has an unknown key 'Wax': LSTM parameters are ${LSTM_ALL}`);
});

test('lstmForward opts: not an object, or an unknown key, is a TypeError', () => {
  for (const [value, what] of [[null, 'null'], [42, 'a number'], ['c0', 'a string'], [true, 'a boolean'], [[], 'an array'],
    [[V.input('c0')], 'an array']]) {
    throwsError('lstmForward', () => calls.lstmForward({ opts: value }), TypeError,
      `opts must be an object or undefined, got ${what}`, `opts = ${what}`);
  }
  for (const key of ['c1', 'C0', 'a0', 'cPrev', 'c0 ']) {
    throwsError('lstmForward', () => calls.lstmForward({ opts: { [key]: V.input('c0') } }), TypeError,
      `opts has an unknown key '${key}': allowed are c0`, `opts.${key}`);
  }
  throwsError('lstmForward', () => calls.lstmForward({ opts: { c0: V.input('c0'), extra: 1 } }), TypeError,
    `opts has an unknown key 'extra': allowed are c0`);
  // No opts, {} and { c0: undefined } all mean c0 = 0, and give the same result.
  const zero = snapshot(calls.lstmForward({ opts: undefined }));
  assert.equal(snapshot(calls.lstmForward({ opts: {} })), zero);
  assert.equal(snapshot(calls.lstmForward({ opts: { c0: undefined } })), zero);
  assert.equal(snapshot(calls.lstmForward({ c0: { data: new Float64Array(n_a * m), shape: [n_a, m] } })), zero);
});

// ---------------------------------------------------------------------------------------------------------------
// Caches: only the matching forward pass's cache is accepted; caches cannot be made or changed by users

const backwards = {
  rnnCellBackward: { name: 'cache', producer: 'rnnCellForward', own: V.rnnCellCache },
  rnnBackward: { name: 'caches', producer: 'rnnForward', own: V.rnnCaches },
  lstmCellBackward: { name: 'cache', producer: 'lstmCellForward', own: V.lstmCellCache },
  lstmBackward: { name: 'caches', producer: 'lstmForward', own: V.lstmCaches },
};
const cacheMakers = { rnnCellForward: V.rnnCellCache, rnnForward: V.rnnCaches, lstmCellForward: V.lstmCellCache, lstmForward: V.lstmCaches };

for (const [fn, { name, producer, own }] of Object.entries(backwards)) {
  test(`${fn}: the cache of another forward pass is a TypeError naming ${name} and where it came from`, () => {
    for (const [otherProducer, make] of Object.entries(cacheMakers)) {
      if (otherProducer === producer) continue;
      throwsError(fn, () => calls[fn]({ [name]: make() }), TypeError,
        `${name} must be the ${name} that ${producer} returned, got the cache of ${otherProducer}`, `from ${otherProducer}`);
    }
  });

  test(`${fn}: anything else as ${name} is a TypeError naming ${name} and what it got`, () => {
    const real = own();
    const x = V.input(fn.startsWith('rnnCell') || fn.startsWith('lstmCell') ? 'xt' : 'x');
    const expected = (what) => `${name} must be the ${name} that ${producer} returned, got ${what}`;
    for (const [value, what] of [
      [undefined, 'undefined'], [null, 'null'], [42, 'a number'], ['caches', 'a string'], [{}, 'an object'],
      [{ x }, 'an object'], [{ kind: real.kind, x: real.x }, 'an object'], [{ ...real }, 'an object'],
      [structuredClone(real), 'an object'], [[real], 'an array'], [new Float64Array(3), 'Float64Array'],
      [JSON.parse(JSON.stringify(real)), 'an object'],
    ]) {
      throwsError(fn, () => calls[fn]({ [name]: value }), TypeError, expected(what), `${name} = ${what}`);
    }
    // An object that inherits from a real cache is still not one.
    throwsError(fn, () => calls[fn]({ [name]: Object.create(real) }), TypeError,
      new RegExp(`^${name} must be the ${name} that ${producer} returned, got `), 'Object.create(cache)');
    // The real cache still works after all that.
    assert.equal(snapshot(calls[fn]({ [name]: real })), baseline[fn]);
  });

  test(`${fn}: a failed call leaves its ${name} usable`, () => {
    const real = own();
    const badInput = signatures[fn].inputs[0];
    throwsError(fn, () => calls[fn]({ [name]: real, [badInput]: V.tensor([n_a + 1, m]) }), RangeError, new RegExp(`^${badInput} must have shape`));
    throwsError(fn, () => calls[fn]({ [name]: real, [badInput]: 'nope' }), TypeError, new RegExp(`^${badInput} must be a Tensor`));
    assert.equal(snapshot(calls[fn]({ [name]: real })), baseline[fn]);
    assert.equal(snapshot(calls[fn]({ [name]: real })), baseline[fn], 'and can be used again');
  });
}

test('caches cannot be constructed by users', () => {
  for (const [producer, make] of Object.entries(cacheMakers)) {
    const real = make();
    const Cache = real.constructor;
    assert.type(Cache, 'function');
    throwsError('rnnForward', () => new Cache(), TypeError, 'caches are made by the forward passes only', `new Cache() (${producer})`);
    throwsError('rnnForward', () => new Cache(Symbol('rnn-native cache'), real.kind, real.x, {}), TypeError,
      `caches are made by ${producer} only`, `new Cache(fake token) (${producer})`);
    throwsError('rnnForward', () => Reflect.construct(Cache, [Symbol.for('rnn-native cache'), real.kind, real.x, {}]), TypeError,
      `caches are made by ${producer} only`, `Reflect.construct (${producer})`);
  }
});

test('caches are frozen, and tampering with them changes nothing', () => {
  for (const [fn, { name, own }] of Object.entries(backwards)) {
    const real = own();
    assert.ok(Object.isFrozen(real), `${fn}'s ${name} is frozen`);
    // ES modules are strict: writes to a frozen object throw a TypeError.
    assert.throws(() => { real.kind = 'lstm'; }, (e) => e instanceof TypeError);
    assert.throws(() => { real.x = null; }, (e) => e instanceof TypeError);
    assert.throws(() => { real.extra = 1; }, (e) => e instanceof TypeError);
    assert.throws(() => { delete real.x; }, (e) => e instanceof TypeError);
    assert.throws(() => Object.defineProperty(real, 'kind', { value: 'tampered' }), (e) => e instanceof TypeError);
    assert.equal(snapshot(calls[fn]({ [name]: real })), baseline[fn], `${fn} after tampering attempts`);
  }
});

test('caches.x is the input x (SPEC §4)', () => {
  const x = V.input('x');
  const { caches } = rn.rnnForward(x, V.input('a0'), V.rnnParams());
  assert.ok(caches.x.data === x.data, 'rnnForward caches.x.data is the input buffer');
  assert.equal([...caches.x.shape], [...x.shape]);
  const l = rn.lstmForward(x, V.input('a0'), V.lstmParams());
  assert.ok(l.caches.x.data === x.data, 'lstmForward caches.x.data is the input buffer');
  const nestedX = rn.toNested(x);
  assert.equal(rn.toNested(rn.lstmForward(nestedX, V.input('a0'), V.lstmParams()).caches.x), nestedX);
  const xt = V.input('xt');
  assert.ok(rn.rnnCellForward(xt, V.input('aPrev'), V.rnnParams()).cache.x.data === xt.data, 'rnnCellForward cache.x');
});

// ---------------------------------------------------------------------------------------------------------------
// Not errors: NaN and ±Infinity inside values propagate as IEEE arithmetic says

const hasNaN = (t) => Array.from(t.data).some(Number.isNaN);
const withinOne = (t) => Array.from(t.data).every((v) => Number.isNaN(v) || Math.abs(v) <= 1);

function withValue(name, index, value, dtype = F64) {
  const t = V.input(name, dtype);
  t.data[index] = value;
  return t;
}

test('NaN in an input propagates through the forward passes without a throw', () => {
  for (const dtype of [F64, F32]) {
    const r = calls.rnnForward({ dtype, x: withValue('x', 0, NaN, dtype) });
    assert.ok(hasNaN(r.a) && hasNaN(r.yPred), 'rnnForward a and yPred hold NaN');
    const c = calls.rnnCellForward({ dtype, aPrev: withValue('aPrev', 0, NaN, dtype) });
    assert.ok(hasNaN(c.aNext) && hasNaN(c.ytPred), 'rnnCellForward');
    const l = calls.lstmForward({ dtype, x: withValue('x', 0, NaN, dtype) });
    assert.ok(hasNaN(l.a) && hasNaN(l.c) && hasNaN(l.y), 'lstmForward a, c, y hold NaN');
    const lc = calls.lstmCellForward({ dtype, cPrev: withValue('cPrev', 0, NaN, dtype) });
    assert.ok(hasNaN(lc.cNext) && hasNaN(lc.aNext), 'lstmCellForward');
    const c0 = calls.lstmForward({ dtype, c0: withValue('c0', 0, NaN, dtype) });
    assert.ok(hasNaN(c0.c), 'lstmForward with NaN in c0');
  }
  for (const fn of FUNCTIONS) assertHealthy(fn);
});

test('NaN in a parameter propagates without a throw', () => {
  const Wf = V.tensor(shapes.Wf, 21);
  Wf.data[3] = NaN;
  const l = calls.lstmForward({ params: { Wf } });
  assert.ok(hasNaN(l.a) && hasNaN(l.y));
  const by = V.tensor(shapes.by, 15);
  by.data[0] = NaN;
  const r = calls.rnnForward({ params: { by } });
  assert.ok(hasNaN(r.yPred), 'NaN in by reaches yPred');
  assert.not.ok(hasNaN(r.a), 'but not the hidden states');
  assertHealthy('rnnForward');
  assertHealthy('lstmForward');
});

test('±Infinity in inputs is not an error', () => {
  for (const value of [Infinity, -Infinity]) {
    const r = calls.rnnForward({ x: withValue('x', 0, value) });
    // tanh saturates: a hidden state fed by ±Infinity is within [-1, 1] (or NaN), never a throw.
    assert.ok(withinOne(r.a), 'rnnForward a within [-1, 1]');
    const l = calls.lstmForward({ x: withValue('x', 0, value), a0: withValue('a0', 1, value) });
    assert.ok(withinOne(l.a), 'lstmForward a within [-1, 1]');
    calls.rnnCellForward({ xt: withValue('xt', 2, value) });
    calls.lstmCellForward({ cPrev: withValue('cPrev', 2, value) });
  }
  for (const fn of FUNCTIONS) assertHealthy(fn);
});

test('NaN and ±Infinity in the backward gradients propagate without a throw', () => {
  const r = calls.rnnBackward({ da: withValue('da', 0, NaN) });
  assert.ok(hasNaN(r.dWax) && hasNaN(r.dx));
  const rc = calls.rnnCellBackward({ daNext: withValue('daNext', 0, Infinity) });
  assert.ok(Array.from(rc.dWax.data).some((v) => !Number.isFinite(v)), 'an infinite daNext reaches dWax');
  const l = calls.lstmBackward({ da: withValue('da', 0, NaN) });
  assert.ok(hasNaN(l.dWf) && hasNaN(l.dx) && hasNaN(l.dbo));
  const lc = calls.lstmCellBackward({ dcNext: withValue('dcNext', 0, NaN) });
  assert.ok(hasNaN(lc.dcPrev) && hasNaN(lc.dWi));
  calls.lstmCellBackward({ daNext: withValue('daNext', 0, -Infinity) });
  for (const fn of FUNCTIONS) assertHealthy(fn);
});

test('softmax and sigmoid pass NaN and ±Infinity through IEEE arithmetic', () => {
  const s = rn.sigmoid([NaN, Infinity, -Infinity, 0]);
  assert.ok(Number.isNaN(s.data[0]));
  assert.is(s.data[1], 1);
  assert.is(s.data[2], 0);
  assert.is(s.data[3], 0.5);
  const z = rn.softmax([[NaN, 1], [0, 2]]);
  assert.ok(Number.isNaN(z.data[0]) && Number.isNaN(z.data[2]), 'a NaN spoils its own column');
  assert.ok(!Number.isNaN(z.data[1]) && !Number.isNaN(z.data[3]), 'but not the other column');
  rn.softmax([[Infinity, -Infinity], [1, -Infinity]]);
  assertHealthy('softmax');
  assertHealthy('sigmoid');
});

// ---------------------------------------------------------------------------------------------------------------
// The async sequence functions reject with the same errors (same class, same message) instead of throwing

const asyncOf = { rnnForwardAsync: 'rnnForward', lstmForwardAsync: 'lstmForward', rnnBackwardAsync: 'rnnBackward', lstmBackwardAsync: 'lstmBackward' };

/** The error the sync function throws for `override` (it must throw one). */
function syncError(fn, override) {
  try {
    calls[fn](override);
  } catch (error) {
    return error;
  }
  assert.unreachable(`${fn} should throw for ${JSON.stringify(Object.keys(override))}`);
}

/** The async function returns a Promise (no synchronous throw) that rejects with the sync function's error. */
async function rejectsLikeSync(asyncFn, override, label) {
  const fn = asyncOf[asyncFn];
  const expected = syncError(fn, override);
  let promise;
  try {
    promise = V.asyncCalls[asyncFn](override);
  } catch (error) {
    assert.unreachable(`${asyncFn} ${label}: threw synchronously (${error?.constructor?.name}: ${error?.message}) instead of rejecting`);
  }
  assert.instance(promise, Promise, `${asyncFn} ${label}: returns a Promise`);
  let rejected = false;
  let reason;
  try {
    await promise;
  } catch (error) {
    rejected = true;
    reason = error;
  }
  assert.ok(rejected, `${asyncFn} ${label}: expected a rejection with ${expected.constructor.name}: ${expected.message}`);
  assert.ok(Object.getPrototypeOf(reason) === Object.getPrototypeOf(expected),
    `${asyncFn} ${label}: rejects with ${reason?.constructor?.name}, the sync function throws ${expected.constructor.name}`);
  assert.is(reason.message, expected.message, `${asyncFn} ${label}: message`);
}

async function assertAsyncHealthy(asyncFn) {
  assert.equal(snapshot(await V.asyncCalls[asyncFn]()), baseline[asyncOf[asyncFn]], `${asyncFn} after the rejection equals the sync result`);
}

for (const asyncFn of Object.keys(asyncOf)) {
  const fn = asyncOf[asyncFn];
  const { inputs, params } = signatures[fn];
  test(`${asyncFn}: rejects (never throws) with the errors of ${fn}`, async () => {
    const overrides = [];
    for (const name of [...inputs, ...params]) {
      for (const [label, value] of wrongTypes(name).filter((_, i) => i % 4 === 0)) overrides.push([`${name} = ${label}`, place(fn, name, value)]);
      for (const [label, value] of badShapes(name).slice(0, 3)) overrides.push([`${name} = ${label}`, place(fn, name, value)]);
    }
    for (const [name, shape] of rangeCases[fn]) overrides.push([`${name} ${shapeText(shape)}`, place(fn, name, V.tensor(shape, 5))]);
    for (const name of inputs) overrides.push([`${name} of another dtype`, { [name]: V.input(name, F32) }]);
    if (params.length > 0) {
      const family = signatures[fn].family;
      const info = families[family];
      overrides.push(['params = null', { paramsObject: null }]);
      overrides.push(['a missing parameter', { params: { [info.required[2]]: undefined } }]);
      overrides.push(['a typo in params', { params: { [info.typos[0]]: V.tensor([1, 1]) } }]);
      overrides.push([`${info.pair[0]} without ${info.pair[1]}`, { params: { [info.pair[1]]: undefined } }]);
      overrides.push(['a parameter of another dtype', { params: { [params[1]]: V.tensor(shapes[params[1]], 1, F32) } }]);
    } else {
      const { name, own } = backwards[fn];
      const foreign = fn === 'rnnBackward' ? V.lstmCaches() : V.rnnCaches();
      overrides.push(['foreign caches', { [name]: foreign }]);
      overrides.push(['a cell cache', { [name]: fn === 'rnnBackward' ? V.rnnCellCache() : V.lstmCellCache() }]);
      overrides.push(['caches = null', { [name]: null }]);
      overrides.push(['caches = {}', { [name]: {} }]);
      overrides.push(['caches = a copy', { [name]: { ...own() } }]);
    }
    if (fn === 'lstmForward') {
      overrides.push(['opts = 42', { opts: 42 }]);
      overrides.push(['opts with a typo', { opts: { C0: V.input('c0') } }]);
    }
    assert.ok(overrides.length > 20);
    for (const [label, override] of overrides) await rejectsLikeSync(asyncFn, override, label);
    await assertAsyncHealthy(asyncFn);
    assertHealthy(fn);
  });
}

test('async sequence functions pass NaN through like the sync ones', async () => {
  const x = V.input('x');
  x.data[0] = NaN;
  const r = await V.asyncCalls.lstmForwardAsync({ x });
  assert.equal(snapshot(r), snapshot(calls.lstmForward({ x })));
  assert.ok(hasNaN(r.a));
  const da = V.input('da');
  da.data[0] = NaN;
  const g = await V.asyncCalls.rnnBackwardAsync({ da });
  assert.ok(hasNaN(g.dWax));
});

// ---------------------------------------------------------------------------------------------------------------
// setNumThreads (README "Threads"): its argument errors, checked before the native call

test('setNumThreads: a wrong type is a TypeError, a wrong number a RangeError; the thread count stays', () => {
  const before = rn.getNumThreads();
  for (const value of ['2', null, undefined, 2n, {}, [2]]) {
    assert.throws(() => rn.setNumThreads(value), (e) => e instanceof TypeError && /^n must be a number of threads, got /.test(e.message),
      `setNumThreads(${String(value)})`);
  }
  for (const value of [0, -1, 1.5, NaN, Infinity, 1025]) {
    assert.throws(() => rn.setNumThreads(value),
      (e) => e instanceof RangeError && e.message === `n must be an integer from 1 to 1024, got ${value}`, `setNumThreads(${value})`);
  }
  assert.is(rn.getNumThreads(), before);
  assertHealthy('lstmForward');
});

test.run();
