// Every error of the recurrent layers (LAYERS.md §1, §2, §5; the rules of SPEC §4), message by message: the exact
// class (TypeError, RangeError — never a subclass), the `code`, and the exact message, for each option of the
// constructors and each argument of forward and backward, sync and async. After every refused call the layer still
// works: its parameters are unchanged, and a valid forward and backward give exactly what they gave before any error.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { ERROR_CODES } from './support/error-codes.mjs';

const test = suite('layers-errors');

// ---------------------------------------------------------------------------------------------------------------
// Helpers

const T = 7;
const m = 4;
const I = 32;
const H = 8;

const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);
const shapeText = (shape) => `(${shape.join(', ')})`;

/** A deterministic tensor of `Type` with values in (-1, 1). */
function tensor(shape, Type = Float32Array, seed = 1) {
  return { data: Type.from({ length: sizeOf(shape) }, (_, i) => Math.sin(seed * 7.31 + i * 0.37)), shape: [...shape] };
}

/** The other float dtype. */
const otherFloat = (Type) => (Type === Float64Array ? Float32Array : Float64Array);

/** `error` is exactly an `ErrorClass` (its prototype, not a subclass) with `code` and this message (string, or a RegExp matching all of it). */
function assertError(error, ErrorClass, code, message, label) {
  assert.ok(error !== undefined, `${label}: expected ${ErrorClass.name} ${message}, nothing was thrown`);
  assert.ok(
    Object.getPrototypeOf(error) === ErrorClass.prototype,
    `${label}: expected a ${ErrorClass.name}, got ${error?.constructor?.name}: ${error?.message}`,
  );
  if (typeof message === 'string') assert.is(error.message, message, `${label}: message`);
  else {
    const full = new RegExp(`^(?:${message.source})$`, message.flags);
    assert.ok(full.test(error.message), `${label}: message ${JSON.stringify(error.message)} should match ${full}`);
  }
  assert.is(error.code, code, `${label}: code`);
  assert.ok(ERROR_CODES.includes(error.code), `${label}: ${error.code} is a documented code`);
}

/** `thunk()` throws synchronously, exactly as `assertError` says. */
function throws(thunk, ErrorClass, code, message, label = message) {
  let caught;
  try {
    thunk();
  } catch (error) {
    caught = error;
  }
  assertError(caught, ErrorClass, code, message, String(label));
}

/** `thunk()` does not throw but returns a Promise that rejects exactly as `assertError` says. */
async function rejects(thunk, ErrorClass, code, message, label = message) {
  let promise;
  try {
    promise = thunk();
  } catch (error) {
    assert.unreachable(`${label}: threw synchronously (${error?.constructor?.name}: ${error?.message}) instead of rejecting`);
  }
  assert.instance(promise, Promise, `${label}: returns a Promise`);
  let caught;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assertError(caught, ErrorClass, code, message, `${label} (async)`);
}

/** Plain copies of every tensor of a result (grads included), to compare two calls exactly. */
function record(result) {
  const out = {};
  for (const [key, value] of Object.entries(result)) {
    if (key === 'tape') continue;
    if (value && typeof value === 'object' && 'data' in value && 'shape' in value) {
      out[key] = { shape: [...value.shape], dtype: value.data.constructor.name, data: Array.from(value.data) };
    } else if (key === 'grads' || key === 'parameters') out[key] = record(value);
  }
  return out;
}

/**
 * One layer with a valid input, the shapes every message names, and a record of what a valid forward and backward
 * gave before any error (with lengths, h0, c0, dy and dhN, so every path of the checks has a known result).
 */
function fixture(Layer, options) {
  const layer = new Layer({ inputSize: I, hiddenSize: H, ...options });
  const Type = layer.dtype === 'float64' ? Float64Array : Float32Array;
  const batchMajor = layer.layout === 'batch-major';
  const D = layer.bidirectional ? 2 : 1;
  const L = layer.numLayers;
  const hasCell = Layer === rn.Lstm;
  const xShape = batchMajor ? [m, T, I] : [T, m, I];
  const yShape = batchMajor ? [m, T, D * H] : [T, m, D * H];
  const stateShape = [L * D, m, H];
  const x = tensor(xShape, Type, 1);
  const lengths = [7, 3, 0, 5];
  const h0 = tensor(stateShape, Type, 2);
  const c0 = tensor(stateShape, Type, 3);
  const dy = tensor(yShape, Type, 4);
  const dhN = tensor(stateShape, Type, 5);
  const dcN = tensor(stateShape, Type, 6);
  const fx = {
    name: String(layer),
    Layer,
    options,
    layer,
    Type,
    Other: otherFloat(Type),
    batchMajor,
    hasCell,
    L,
    D,
    xShape,
    yShape,
    stateShape,
    x,
    xSymbols: batchMajor ? 'm, T, I' : 'T, m, I',
    xNumbers: batchMajor ? `(m, T, ${I})` : `(T, m, ${I})`,
    ySymbols: batchMajor ? 'm, T, D·H' : 'T, m, D·H',
    forwardOptions: () => ({ lengths, h0, ...(hasCell ? { c0 } : {}), tape: true }),
    backwardOptions: () => ({ dy, dhN, ...(hasCell ? { dcN } : {}) }),
    /** A valid forward then backward, as records. */
    run() {
      const forward = layer.forward(x, fx.forwardOptions());
      const backward = layer.backward(forward.tape, fx.backwardOptions());
      return { forward: record(forward), backward: record(backward) };
    },
    async runAsync() {
      const forward = await layer.forwardAsync(x, fx.forwardOptions());
      const backward = await layer.backwardAsync(forward.tape, fx.backwardOptions());
      return { forward: record(forward), backward: record(backward) };
    },
  };
  fx.parameters = record({ parameters: layer.parameters }).parameters;
  fx.baseline = fx.run();
  fx.tape = layer.forward(x, { tape: true }).tape;
  return fx;
}

/** After a refused call: the parameters are unchanged and valid calls give exactly the results of before. */
function assertHealthy(fx, label) {
  assert.equal(record({ parameters: fx.layer.parameters }).parameters, fx.parameters, `${fx.name} after ${label}: parameters unchanged`);
  let result;
  try {
    result = fx.run();
  } catch (error) {
    assert.unreachable(`${fx.name} after ${label}: a valid forward/backward threw ${error?.constructor?.name}: ${error?.message}`);
  }
  assert.equal(result, fx.baseline, `${fx.name} after ${label}: a valid forward/backward gives its usual result`);
}

/** `throws`, then `assertHealthy`. */
function refused(fx, thunk, ErrorClass, code, message, label = message) {
  throws(thunk, ErrorClass, code, message, `${fx.name}: ${label}`);
  assertHealthy(fx, String(label));
}

/** `rejects`, then `assertHealthy` (and the async calls too). */
async function refusedAsync(fx, thunk, ErrorClass, code, message, label = message) {
  await rejects(thunk, ErrorClass, code, message, `${fx.name}: ${label}`);
  assertHealthy(fx, `${label} (async)`);
  assert.equal(await fx.runAsync(), fx.baseline, `${fx.name} after ${label} (async): forwardAsync/backwardAsync give the usual result`);
}

const FIXTURES = [
  [rn.Lstm, {}],
  [rn.Gru, { dtype: 'float64', numLayers: 2 }],
  [rn.Rnn, { layout: 'batch-major', bidirectional: true }],
  [rn.Lstm, { dtype: 'float64', numLayers: 2, bidirectional: true, layout: 'batch-major' }],
  [rn.Gru, { resetAfter: false, bidirectional: true }],
  [rn.Rnn, { nonlinearity: 'relu', dtype: 'float64' }],
].map(([Layer, options]) => fixture(Layer, options));

const LAYERS = [
  [rn.Lstm, 'Lstm', []],
  [rn.Gru, 'Gru', ['resetAfter']],
  [rn.Rnn, 'Rnn', ['nonlinearity']],
];
const BASE_KEYS = ['inputSize', 'hiddenSize', 'numLayers', 'bidirectional', 'layout', 'dtype', 'dropout', 'seed'];
const allowedText = (extra) => [...BASE_KEYS, ...extra].join(', ');

// ---------------------------------------------------------------------------------------------------------------
// Constructors

test('constructors: options missing, not an object, unknown keys, missing sizes', () => {
  for (const [Layer, name, extra] of LAYERS) {
    throws(() => new Layer(), TypeError, 'ERR_RNN_TYPE', `new ${name}() needs options { inputSize, hiddenSize }`);
    throws(() => new Layer(undefined), TypeError, 'ERR_RNN_TYPE', `new ${name}() needs options { inputSize, hiddenSize }`);
    // null, a number, a string, an array: see PROPOSED below (the message says "or undefined", which a constructor refuses).
    throws(() => new Layer({}), TypeError, 'ERR_RNN_KEY', `options.inputSize is missing: new ${name}() needs inputSize and hiddenSize`);
    throws(() => new Layer({ hiddenSize: H }), TypeError, 'ERR_RNN_KEY', `options.inputSize is missing: new ${name}() needs inputSize and hiddenSize`);
    throws(() => new Layer({ inputSize: I }), TypeError, 'ERR_RNN_KEY', `options.hiddenSize is missing: new ${name}() needs inputSize and hiddenSize`);
    throws(() => new Layer({ inputSize: I, hiddenSize: undefined }), TypeError, 'ERR_RNN_KEY', `options.hiddenSize is missing: new ${name}() needs inputSize and hiddenSize`);
    throws(() => new Layer({ inputSize: I, hiddenSzie: H }), TypeError, 'ERR_RNN_KEY',
      `options has an unknown key 'hiddenSzie': allowed are ${allowedText(extra)}`);
    throws(() => new Layer({ inputSize: I, hiddenSize: H, input_size: I }), TypeError, 'ERR_RNN_KEY',
      `options has an unknown key 'input_size': allowed are ${allowedText(extra)}`);
    throws(() => new Layer({ inputSize: I, hiddenSize: H, batchFirst: true }), TypeError, 'ERR_RNN_KEY',
      `options has an unknown key 'batchFirst': allowed are ${allowedText(extra)}`);
    // An unknown key is refused even when its value is undefined (it is still a typo).
    throws(() => new Layer({ inputSize: I, hiddenSize: H, numLayer: undefined }), TypeError, 'ERR_RNN_KEY',
      `options has an unknown key 'numLayer': allowed are ${allowedText(extra)}`);
  }
});

test('constructors: inputSize, hiddenSize and numLayers must be positive integers; numLayers at most 64', () => {
  for (const [Layer] of LAYERS) {
    for (const key of ['inputSize', 'hiddenSize', 'numLayers']) {
      const make = (value) => () => new Layer({ inputSize: I, hiddenSize: H, [key]: value });
      for (const value of [0, -3, 1.5, NaN, Infinity, -Infinity, 2 ** 53]) {
        throws(make(value), RangeError, 'ERR_RNN_VALUE', `options.${key} must be a positive integer, got ${value}`);
      }
      throws(make('32'), TypeError, 'ERR_RNN_TYPE', `options.${key} must be a number, got a string`);
      throws(make(null), TypeError, 'ERR_RNN_TYPE', `options.${key} must be a number, got null`);
      throws(make(32n), TypeError, 'ERR_RNN_TYPE', `options.${key} must be a number, got a bigint`);
      throws(make([32]), TypeError, 'ERR_RNN_TYPE', `options.${key} must be a number, got an array`);
      throws(make(true), TypeError, 'ERR_RNN_TYPE', `options.${key} must be a number, got a boolean`);
    }
    throws(() => new Layer({ inputSize: I, hiddenSize: H, numLayers: 65 }), RangeError, 'ERR_RNN_VALUE', 'options.numLayers must be at most 64, got 65');
    throws(() => new Layer({ inputSize: I, hiddenSize: H, numLayers: 1000 }), RangeError, 'ERR_RNN_VALUE', 'options.numLayers must be at most 64, got 1000');
    const deepest = new Layer({ inputSize: 2, hiddenSize: 2, numLayers: 64 });
    assert.is(deepest.numLayers, 64, '64 layers are allowed');
  }
});

test('constructors: bidirectional, dtype, dropout, seed', () => {
  for (const [Layer] of LAYERS) {
    const make = (extra) => () => new Layer({ inputSize: I, hiddenSize: H, ...extra });
    throws(make({ bidirectional: 1 }), TypeError, 'ERR_RNN_TYPE', 'options.bidirectional must be a boolean, got a number');
    throws(make({ bidirectional: 'true' }), TypeError, 'ERR_RNN_TYPE', 'options.bidirectional must be a boolean, got a string');
    throws(make({ bidirectional: null }), TypeError, 'ERR_RNN_TYPE', 'options.bidirectional must be a boolean, got null');

    throws(make({ dtype: 'float16' }), RangeError, 'ERR_RNN_VALUE', "options.dtype must be 'float32' or 'float64', got 'float16'");
    throws(make({ dtype: 'Float32' }), RangeError, 'ERR_RNN_VALUE', "options.dtype must be 'float32' or 'float64', got 'Float32'");
    throws(make({ dtype: Float32Array }), TypeError, 'ERR_RNN_TYPE', "options.dtype must be 'float32' or 'float64', got a function");
    throws(make({ dtype: 32 }), TypeError, 'ERR_RNN_TYPE', "options.dtype must be 'float32' or 'float64', got a number");

    for (const p of [1, 1.5, -0.1, NaN, Infinity]) {
      throws(make({ dropout: p }), RangeError, 'ERR_RNN_VALUE', `options.dropout must be in [0, 1), got ${p}`);
    }
    throws(make({ dropout: '0.5' }), TypeError, 'ERR_RNN_TYPE', 'options.dropout must be a number, got a string');
    throws(make({ dropout: null }), TypeError, 'ERR_RNN_TYPE', 'options.dropout must be a number, got null');
    assert.is(new Layer({ inputSize: 2, hiddenSize: 2, dropout: 0.999 }).dropout, 0.999, 'dropout just below 1 is allowed');

    for (const seed of [-1, 2 ** 32, 1.5, NaN, Infinity]) {
      throws(make({ seed }), RangeError, 'ERR_RNN_VALUE', `options.seed must be an integer in [0, 2^32), got ${seed}`);
    }
    throws(make({ seed: '1' }), TypeError, 'ERR_RNN_TYPE', 'options.seed must be a number, got a string');
    throws(make({ seed: 10n }), TypeError, 'ERR_RNN_TYPE', 'options.seed must be a number, got a bigint');
    assert.ok(new Layer({ inputSize: 2, hiddenSize: 2, seed: 2 ** 32 - 1 }), 'seed 2^32 - 1 is allowed');
  }
});

test('constructors: Gru resetAfter, Rnn nonlinearity; the options of one layer are unknown keys of the others', () => {
  const base = { inputSize: I, hiddenSize: H };
  throws(() => new rn.Gru({ ...base, resetAfter: 1 }), TypeError, 'ERR_RNN_TYPE', 'options.resetAfter must be a boolean, got a number');
  throws(() => new rn.Gru({ ...base, resetAfter: 'false' }), TypeError, 'ERR_RNN_TYPE', 'options.resetAfter must be a boolean, got a string');
  throws(() => new rn.Gru({ ...base, resetAfter: null }), TypeError, 'ERR_RNN_TYPE', 'options.resetAfter must be a boolean, got null');
  throws(() => new rn.Rnn({ ...base, nonlinearity: 'sigmoid' }), RangeError, 'ERR_RNN_VALUE', "options.nonlinearity must be 'tanh' or 'relu', got 'sigmoid'");
  throws(() => new rn.Rnn({ ...base, nonlinearity: 'ReLU' }), RangeError, 'ERR_RNN_VALUE', "options.nonlinearity must be 'tanh' or 'relu', got 'ReLU'");
  throws(() => new rn.Rnn({ ...base, nonlinearity: Math.tanh }), TypeError, 'ERR_RNN_TYPE', "options.nonlinearity must be 'tanh' or 'relu', got a function");
  throws(() => new rn.Rnn({ ...base, nonlinearity: null }), TypeError, 'ERR_RNN_TYPE', "options.nonlinearity must be 'tanh' or 'relu', got null");

  throws(() => new rn.Lstm({ ...base, resetAfter: true }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'resetAfter': allowed are ${allowedText([])}`);
  throws(() => new rn.Lstm({ ...base, nonlinearity: 'tanh' }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'nonlinearity': allowed are ${allowedText([])}`);
  throws(() => new rn.Gru({ ...base, nonlinearity: 'tanh' }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'nonlinearity': allowed are ${allowedText(['resetAfter'])}`);
  throws(() => new rn.Rnn({ ...base, resetAfter: true }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'resetAfter': allowed are ${allowedText(['nonlinearity'])}`);
  // c0 belongs to forward, not to a constructor (and a Gru has no cell state at all).
  throws(() => new rn.Gru({ ...base, c0: tensor([1, m, H]) }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'c0': allowed are ${allowedText(['resetAfter'])}`);
  throws(() => new rn.Lstm({ ...base, h0: tensor([1, m, H]) }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'h0': allowed are ${allowedText([])}`);
});

test('constructors: sizes no BLAS call can index are refused before allocating', () => {
  throws(() => new rn.Lstm({ inputSize: 2 ** 20, hiddenSize: 2 ** 20 }), RangeError, 'ERR_RNN_TOO_LARGE',
    'sizes too large: G·H·max(I, D·H) = 4398046511104 exceeds 2147483647, the largest size one BLAS call can index (G = 4 for an LSTM)');
  throws(() => new rn.Lstm({ inputSize: 2, hiddenSize: 2 ** 14, bidirectional: true }), RangeError, 'ERR_RNN_TOO_LARGE',
    'sizes too large: G·H·max(I, D·H) = 2147483648 exceeds 2147483647, the largest size one BLAS call can index (G = 4 for an LSTM)');
  throws(() => new rn.Lstm({ inputSize: 2 ** 31, hiddenSize: 2 }), RangeError, 'ERR_RNN_TOO_LARGE',
    'sizes too large: I = 2147483648 exceeds 2147483647, the largest size one BLAS call can index');
});

// ---------------------------------------------------------------------------------------------------------------
// forward

test('forward: x of the wrong rank or shape names (T, m, I) or (m, T, I), the numbers, and what it got', () => {
  // The two messages of LAYERS §5, literally.
  const [lstm, , rnnBatchMajor] = FIXTURES;
  refused(lstm, () => lstm.layer.forward(tensor([7, 4, 31])), RangeError, 'ERR_RNN_SHAPE',
    'x must have shape (T, m, I) = (T, m, 32), got (7, 4, 31) (I comes from the layer)');
  refused(rnnBatchMajor, () => rnnBatchMajor.layer.forward(tensor([4, 7, 31])), RangeError, 'ERR_RNN_SHAPE',
    'x must have shape (m, T, I) = (m, T, 32), got (4, 7, 31) (I comes from the layer)');

  for (const fx of FIXTURES) {
    const expect = (got) => `x must have shape (${fx.xSymbols}) = ${fx.xNumbers}, got ${shapeText(got)} (I comes from the layer)`;
    for (const shape of [[...fx.xShape.slice(0, 2), I + 1], [T, I], [I], [1, T, m, I], [T * m * I]]) {
      refused(fx, () => fx.layer.forward(tensor(shape, fx.Type)), RangeError, 'ERR_RNN_SHAPE', expect(shape), `x ${shapeText(shape)}`);
    }
    // The same holds for nested arrays (converted to the layer's dtype first).
    refused(fx, () => fx.layer.forward([[1, 2], [3, 4]]), RangeError, 'ERR_RNN_SHAPE', expect([2, 2]), 'nested x (2, 2)');
    refused(fx, () => fx.layer.forward([[[1, 2, 3]]]), RangeError, 'ERR_RNN_SHAPE', expect([1, 1, 3]), 'nested x (1, 1, 3)');
    // A data length that does not match the tensor's own shape.
    refused(fx, () => fx.layer.forward({ data: new fx.Type(10), shape: fx.xShape }), RangeError, 'ERR_RNN_SHAPE',
      `x.data has 10 values but its shape ${shapeText(fx.xShape)} needs ${T * m * I}`);
    refused(fx, () => fx.layer.forward({ data: new fx.Type(10), shape: [10, 0] }), RangeError, 'ERR_RNN_SHAPE',
      'x.shape must hold positive integers, got (10, 0)');
    refused(fx, () => fx.layer.forward({ data: new fx.Type(10), shape: '10' }), TypeError, 'ERR_RNN_TYPE',
      'x.shape must be a non-empty array of dimensions, got a string');
  }
});

test('forward: x of another dtype, integer data, or not a tensor', () => {
  for (const fx of FIXTURES) {
    const other = fx.Other.name;
    refused(fx, () => fx.layer.forward(tensor(fx.xShape, fx.Other)), TypeError, 'ERR_RNN_DTYPE',
      `x is a ${other}, but this layer's dtype is ${fx.layer.dtype} (${fx.Type.name})`);
    // Integer data: see PROPOSED (the message offers both float types while the layer takes only its own).
    refused(fx, () => fx.layer.forward(), TypeError, 'ERR_RNN_TYPE', 'x must be a Tensor { data, shape } or a nested number array, got undefined');
    refused(fx, () => fx.layer.forward(null), TypeError, 'ERR_RNN_TYPE', 'x must be a Tensor { data, shape } or a nested number array, got null');
    refused(fx, () => fx.layer.forward(3), TypeError, 'ERR_RNN_TYPE', 'x must be a Tensor { data, shape } or a nested number array, got a number');
    refused(fx, () => fx.layer.forward('x'), TypeError, 'ERR_RNN_TYPE', 'x must be a Tensor { data, shape } or a nested number array, got a string');
    refused(fx, () => fx.layer.forward(new fx.Type(T * m * I)), TypeError, 'ERR_RNN_TYPE',
      `x must be a Tensor { data, shape } or a nested number array, got ${fx.Type.name}`);
    refused(fx, () => fx.layer.forward(new Int32Array(T * m * I)), TypeError, 'ERR_RNN_TYPE',
      'x must be a Tensor { data, shape } or a nested number array, got Int32Array');
    refused(fx, () => fx.layer.forward({ data: new fx.Type(T * m * I) }), TypeError, 'ERR_RNN_TYPE',
      'x must be a Tensor { data, shape } or a nested number array, got an object');
    refused(fx, () => fx.layer.forward([[[1, 'a']]]), TypeError, 'ERR_RNN_TYPE', 'x[0][0][1] must be a number, got a string');
  }
});

test('forward: lengths of the wrong count, out of [0, T], non-integer, or of the wrong type', () => {
  // The message of LAYERS §5, literally, in both layouts (T is x's first axis time-major, its second batch-major).
  const [lstm, , rnnBatchMajor] = FIXTURES;
  refused(lstm, () => lstm.layer.forward(lstm.x, { lengths: [7, 7, 7, 9] }), RangeError, 'ERR_RNN_VALUE',
    'lengths[3] must be an integer in [0, T] = [0, 7], got 9');
  refused(rnnBatchMajor, () => rnnBatchMajor.layer.forward(rnnBatchMajor.x, { lengths: [7, 7, 7, 9] }), RangeError, 'ERR_RNN_VALUE',
    'lengths[3] must be an integer in [0, T] = [0, 7], got 9');

  for (const fx of FIXTURES) {
    const forward = (lengths) => () => fx.layer.forward(fx.x, { lengths });
    for (const count of [3, 5, 0]) {
      const message = `lengths must have shape (m) = (4), got (${count}) (m comes from x)`;
      refused(fx, forward(Array(count).fill(1)), RangeError, 'ERR_RNN_SHAPE', message, `${count} lengths`);
      refused(fx, forward(new Int32Array(count)), RangeError, 'ERR_RNN_SHAPE', message, `Int32Array of ${count} lengths`);
    }
    refused(fx, forward(Int32Array.from([7, 7, 7, 9])), RangeError, 'ERR_RNN_VALUE', 'lengths[3] must be an integer in [0, T] = [0, 7], got 9');
    refused(fx, forward(Int32Array.from([7, -1, 7, 7])), RangeError, 'ERR_RNN_VALUE', 'lengths[1] must be an integer in [0, T] = [0, 7], got -1');
    for (const bad of [8, -1, 2.5, NaN, Infinity]) {
      refused(fx, forward([7, 7, bad, 7]), RangeError, 'ERR_RNN_VALUE', `lengths[2] must be an integer in [0, T] = [0, 7], got ${bad}`);
    }
    refused(fx, forward(['3', 7, 7, 7]), TypeError, 'ERR_RNN_TYPE', 'lengths[0] must be a number, got a string');
    refused(fx, forward([7, null, 7, 7]), TypeError, 'ERR_RNN_TYPE', 'lengths[1] must be a number, got null');
    refused(fx, forward([7, 7, 7, 3n]), TypeError, 'ERR_RNN_TYPE', 'lengths[3] must be a number, got a bigint');
    // eslint-disable-next-line no-sparse-arrays
    refused(fx, forward([7, , 7, 7]), TypeError, 'ERR_RNN_TYPE', 'lengths[1] must be a number, got undefined');
    const typeMessage = (got) => `lengths must be an Int32Array or number[] of m = 4 integers, got ${got}`;
    refused(fx, forward(new Float64Array([7, 7, 7, 7])), TypeError, 'ERR_RNN_DTYPE', typeMessage('Float64Array'));
    refused(fx, forward(new Float32Array([7, 7, 7, 7])), TypeError, 'ERR_RNN_DTYPE', typeMessage('Float32Array'));
    refused(fx, forward(new Uint32Array([7, 7, 7, 7])), TypeError, 'ERR_RNN_DTYPE', typeMessage('Uint32Array'));
    refused(fx, forward(new BigInt64Array(4)), TypeError, 'ERR_RNN_DTYPE', typeMessage('BigInt64Array'));
    refused(fx, forward('7777'), TypeError, 'ERR_RNN_TYPE', typeMessage('a string'));
    refused(fx, forward(7), TypeError, 'ERR_RNN_TYPE', typeMessage('a number'));
    refused(fx, forward(null), TypeError, 'ERR_RNN_TYPE', typeMessage('null'));
    refused(fx, forward({ 0: 7, 1: 7, 2: 7, 3: 7, length: 4 }), TypeError, 'ERR_RNN_TYPE', typeMessage('an object'));
  }
});

test('forward: h0 and c0 of the wrong shape or dtype; c0 is an unknown key of Gru and Rnn', () => {
  for (const fx of FIXTURES) {
    const states = fx.hasCell ? ['h0', 'c0'] : ['h0'];
    const [LD] = fx.stateShape;
    for (const name of states) {
      const forward = (value) => () => fx.layer.forward(fx.x, { [name]: value });
      const expect = (got) =>
        `${name} must have shape (L·D, m, H) = ${shapeText(fx.stateShape)}, got ${shapeText(got)} (L, D and H come from the layer, m from x)`;
      for (const shape of [[LD, m - 1, H], [LD, m, H + 1], [LD + 1, m, H], [m, H], [1, LD, m, H]]) {
        refused(fx, forward(tensor(shape, fx.Type)), RangeError, 'ERR_RNN_SHAPE', expect(shape), `${name} ${shapeText(shape)}`);
      }
      refused(fx, forward(tensor(fx.stateShape, fx.Other)), TypeError, 'ERR_RNN_DTYPE',
        `${name} is a ${fx.Other.name}, but this layer's dtype is ${fx.layer.dtype} (${fx.Type.name})`);
      refused(fx, forward(null), TypeError, 'ERR_RNN_TYPE', `${name} must be a Tensor { data, shape } or a nested number array, got null`);
      refused(fx, forward(0), TypeError, 'ERR_RNN_TYPE', `${name} must be a Tensor { data, shape } or a nested number array, got a number`);
      refused(fx, forward(new fx.Type(sizeOf(fx.stateShape))), TypeError, 'ERR_RNN_TYPE',
        `${name} must be a Tensor { data, shape } or a nested number array, got ${fx.Type.name}`);
    }
    if (!fx.hasCell) {
      refused(fx, () => fx.layer.forward(fx.x, { c0: tensor(fx.stateShape, fx.Type) }), TypeError, 'ERR_RNN_KEY',
        "options has an unknown key 'c0': allowed are lengths, h0, tape, training");
    }
  }
});

test('forward: options not an object, unknown keys, tape and training not booleans', () => {
  for (const fx of FIXTURES) {
    const allowed = fx.hasCell ? 'lengths, h0, tape, training, c0' : 'lengths, h0, tape, training';
    const forward = (options) => () => fx.layer.forward(fx.x, options);
    refused(fx, forward(null), TypeError, 'ERR_RNN_TYPE', 'options must be an object or undefined, got null');
    refused(fx, forward(true), TypeError, 'ERR_RNN_TYPE', 'options must be an object or undefined, got a boolean');
    refused(fx, forward([]), TypeError, 'ERR_RNN_TYPE', 'options must be an object or undefined, got an array');
    refused(fx, forward({ lenghts: [1, 2, 3, 4] }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'lenghts': allowed are ${allowed}`);
    refused(fx, forward({ hx: fx.x }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'hx': allowed are ${allowed}`);
    refused(fx, forward({ dropout: 0.5 }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'dropout': allowed are ${allowed}`);
    refused(fx, forward({ cache: true }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'cache': allowed are ${allowed}`);
    for (const key of ['tape', 'training']) {
      refused(fx, forward({ [key]: 1 }), TypeError, 'ERR_RNN_TYPE', `options.${key} must be a boolean, got a number`);
      refused(fx, forward({ [key]: 'yes' }), TypeError, 'ERR_RNN_TYPE', `options.${key} must be a boolean, got a string`);
      refused(fx, forward({ [key]: null }), TypeError, 'ERR_RNN_TYPE', `options.${key} must be a boolean, got null`);
    }
  }
});

test('forward: the options are checked before x, x before lengths and states, states before tape and training', () => {
  const [fx] = FIXTURES;
  refused(fx, () => fx.layer.forward(null, { bogus: 1 }), TypeError, 'ERR_RNN_KEY', "options has an unknown key 'bogus': allowed are lengths, h0, tape, training, c0");
  refused(fx, () => fx.layer.forward(null, { lengths: [9] }), TypeError, 'ERR_RNN_TYPE', 'x must be a Tensor { data, shape } or a nested number array, got null');
  refused(fx, () => fx.layer.forward(fx.x, { lengths: [9], h0: null }), RangeError, 'ERR_RNN_SHAPE', 'lengths must have shape (m) = (4), got (1) (m comes from x)');
  refused(fx, () => fx.layer.forward(fx.x, { h0: null, tape: 1 }), TypeError, 'ERR_RNN_TYPE', 'h0 must be a Tensor { data, shape } or a nested number array, got null');
});

// ---------------------------------------------------------------------------------------------------------------
// backward

test('backward: a tape of another layer, no tape, or not a tape is a TypeError ERR_RNN_CACHE', () => {
  const foreign = 'tape must be the tape of a forward pass of this layer, got the tape of another layer';
  const notTape = (got) => `tape must be the tape a forward pass of this layer returned with tape: true, got ${got}`;
  for (const fx of FIXTURES) {
    const options = { dy: tensor(fx.yShape, fx.Type) };
    const backward = (tape) => () => fx.layer.backward(tape, options);
    // The same class and configuration, but another layer: its parameters are not this layer's.
    const twin = new fx.Layer({ inputSize: I, hiddenSize: H, ...fx.options });
    refused(fx, backward(twin.forward(fx.x, { tape: true }).tape), TypeError, 'ERR_RNN_CACHE', foreign, 'a twin layer\'s tape');
    for (const other of FIXTURES) {
      if (other !== fx) refused(fx, backward(other.tape), TypeError, 'ERR_RNN_CACHE', foreign, `the tape of ${other.name}`);
    }
    const inference = fx.layer.forward(fx.x);
    assert.is(inference.tape, undefined, 'a forward without tape: true returns no tape');
    refused(fx, backward(inference.tape), TypeError, 'ERR_RNN_CACHE', notTape('undefined (was the forward pass run with tape: true?)'), 'tape undefined');
    refused(fx, () => fx.layer.backward(), TypeError, 'ERR_RNN_CACHE', notTape('undefined (was the forward pass run with tape: true?)'), 'no arguments');
    refused(fx, backward(inference), TypeError, 'ERR_RNN_CACHE', notTape('an object'), 'the forward result instead of its tape');
    refused(fx, backward({}), TypeError, 'ERR_RNN_CACHE', notTape('an object'), '{}');
    refused(fx, backward({ ...fx.tape }), TypeError, 'ERR_RNN_CACHE', notTape('an object'), 'a copy of a tape');
    refused(fx, backward(null), TypeError, 'ERR_RNN_CACHE', notTape('null'), 'tape null');
    refused(fx, backward(1), TypeError, 'ERR_RNN_CACHE', notTape('a number'), 'tape 1');
    refused(fx, backward(fx.x), TypeError, 'ERR_RNN_CACHE', notTape('an object'), 'x as tape');
    // The tape is checked before the options.
    refused(fx, () => fx.layer.backward(null, { bogus: 1 }), TypeError, 'ERR_RNN_CACHE', notTape('null'), 'tape null, bad options');
  }
  // Tapes cannot be made by hand.
  const [fx] = FIXTURES;
  assert.ok(Object.isFrozen(fx.tape), 'a tape is frozen');
  throws(() => new fx.tape.constructor(Symbol('rnn-native tape'), {}), TypeError, 'ERR_RNN_CACHE', "tapes are made by a layer's forward({ tape: true }) only");
});

test('backward: none of dy, dhN, dcN; options not an object; unknown keys; dcN on a Gru or Rnn', () => {
  for (const fx of FIXTURES) {
    const needs = fx.hasCell ? 'dy, dhN, dcN' : 'dy, dhN';
    const allowed = fx.hasCell ? 'dy, dhN, dcN' : 'dy, dhN';
    const backward = (options) => () => fx.layer.backward(fx.tape, options);
    refused(fx, () => fx.layer.backward(fx.tape), TypeError, 'ERR_RNN_KEY', `backward needs at least one of ${needs} in its options`, 'no options');
    refused(fx, backward({}), TypeError, 'ERR_RNN_KEY', `backward needs at least one of ${needs} in its options`, '{}');
    refused(fx, backward({ dy: undefined, dhN: undefined }), TypeError, 'ERR_RNN_KEY', `backward needs at least one of ${needs} in its options`, 'all undefined');
    refused(fx, backward(null), TypeError, 'ERR_RNN_TYPE', 'options must be an object or undefined, got null');
    refused(fx, backward(tensor(fx.yShape, fx.Type)), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'data': allowed are ${allowed}`, 'dy passed as the options');
    refused(fx, backward({ dY: tensor(fx.yShape, fx.Type) }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'dY': allowed are ${allowed}`);
    refused(fx, backward({ dhn: tensor(fx.stateShape, fx.Type) }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'dhn': allowed are ${allowed}`);
    refused(fx, backward({ dh0: tensor(fx.stateShape, fx.Type) }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'dh0': allowed are ${allowed}`);
    refused(fx, backward({ dy: tensor(fx.yShape, fx.Type), tape: fx.tape }), TypeError, 'ERR_RNN_KEY', `options has an unknown key 'tape': allowed are ${allowed}`);
    if (!fx.hasCell) {
      refused(fx, backward({ dcN: tensor(fx.stateShape, fx.Type) }), TypeError, 'ERR_RNN_KEY', "options has an unknown key 'dcN': allowed are dy, dhN", 'dcN alone');
      refused(fx, backward({ dhN: tensor(fx.stateShape, fx.Type), dcN: tensor(fx.stateShape, fx.Type) }), TypeError, 'ERR_RNN_KEY',
        "options has an unknown key 'dcN': allowed are dy, dhN", 'dhN and dcN');
    }
  }
});

test('backward: dy of the wrong shape or dtype names the shape of y', () => {
  for (const fx of FIXTURES) {
    const DH = fx.D * H;
    const expect = (got) =>
      `dy must have shape (${fx.ySymbols}) = ${shapeText(fx.yShape)}, got ${shapeText(got)} (the shape of y: m and T come from the tape, D and H from the layer)`;
    const swapped = fx.batchMajor ? [T, m, DH] : [m, T, DH];
    const shorter = fx.batchMajor ? [m, T - 1, DH] : [T - 1, m, DH];
    for (const shape of [shorter, swapped, [...fx.yShape.slice(0, 2), DH + 1], [...fx.yShape.slice(0, 2), H * 3], [T, m], [1, ...fx.yShape], fx.xShape]) {
      if (shape.join() === fx.yShape.join()) continue;
      refused(fx, () => fx.layer.backward(fx.tape, { dy: tensor(shape, fx.Type) }), RangeError, 'ERR_RNN_SHAPE', expect(shape), `dy ${shapeText(shape)}`);
    }
    refused(fx, () => fx.layer.backward(fx.tape, { dy: tensor(fx.yShape, fx.Other) }), TypeError, 'ERR_RNN_DTYPE',
      `dy is a ${fx.Other.name}, but this layer's dtype is ${fx.layer.dtype} (${fx.Type.name})`);
    refused(fx, () => fx.layer.backward(fx.tape, { dy: null }), TypeError, 'ERR_RNN_TYPE', 'dy must be a Tensor { data, shape } or a nested number array, got null');
    refused(fx, () => fx.layer.backward(fx.tape, { dy: new fx.Type(sizeOf(fx.yShape)) }), TypeError, 'ERR_RNN_TYPE',
      `dy must be a Tensor { data, shape } or a nested number array, got ${fx.Type.name}`);
    refused(fx, () => fx.layer.backward(fx.tape, { dy: { data: new fx.Type(3), shape: fx.yShape } }), RangeError, 'ERR_RNN_SHAPE',
      `dy.data has 3 values but its shape ${shapeText(fx.yShape)} needs ${sizeOf(fx.yShape)}`);
  }
  // m and T come from the tape: a tape of another batch asks for that batch's dy.
  const [fx] = FIXTURES;
  const { tape } = fx.layer.forward(tensor([3, 2, I], fx.Type), { tape: true });
  refused(fx, () => fx.layer.backward(tape, { dy: tensor(fx.yShape, fx.Type) }), RangeError, 'ERR_RNN_SHAPE',
    'dy must have shape (T, m, D·H) = (3, 2, 8), got (7, 4, 8) (the shape of y: m and T come from the tape, D and H from the layer)');
});

test('backward: dhN and dcN of the wrong dtype', () => {
  // Their shape messages are in PROPOSED below (they say m comes from x; in backward it comes from the tape).
  for (const fx of FIXTURES) {
    for (const name of fx.hasCell ? ['dhN', 'dcN'] : ['dhN']) {
      refused(fx, () => fx.layer.backward(fx.tape, { [name]: tensor(fx.stateShape, fx.Other) }), TypeError, 'ERR_RNN_DTYPE',
        `${name} is a ${fx.Other.name}, but this layer's dtype is ${fx.layer.dtype} (${fx.Type.name})`);
      refused(fx, () => fx.layer.backward(fx.tape, { [name]: null }), TypeError, 'ERR_RNN_TYPE',
        `${name} must be a Tensor { data, shape } or a nested number array, got null`);
    }
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Async variants

test('forwardAsync and backwardAsync reject (never throw synchronously) with the same errors', async () => {
  for (const fx of FIXTURES) {
    await refusedAsync(fx, () => fx.layer.forwardAsync(fx.x, { lengths: [7, 7, 7, 9] }), RangeError, 'ERR_RNN_VALUE',
      'lengths[3] must be an integer in [0, T] = [0, 7], got 9');
    await refusedAsync(fx, () => fx.layer.forwardAsync(tensor(fx.xShape, fx.Other)), TypeError, 'ERR_RNN_DTYPE',
      `x is a ${fx.Other.name}, but this layer's dtype is ${fx.layer.dtype} (${fx.Type.name})`);
    await refusedAsync(fx, () => fx.layer.forwardAsync(null), TypeError, 'ERR_RNN_TYPE',
      'x must be a Tensor { data, shape } or a nested number array, got null');
    await refusedAsync(fx, () => fx.layer.forwardAsync(tensor([...fx.xShape.slice(0, 2), I - 1], fx.Type)), RangeError, 'ERR_RNN_SHAPE',
      `x must have shape (${fx.xSymbols}) = ${fx.xNumbers}, got ${shapeText([...fx.xShape.slice(0, 2), I - 1])} (I comes from the layer)`);
    await refusedAsync(fx, () => fx.layer.forwardAsync(fx.x, { tape: 'yes' }), TypeError, 'ERR_RNN_TYPE', 'options.tape must be a boolean, got a string');

    const other = FIXTURES.find((o) => o !== fx);
    await refusedAsync(fx, () => fx.layer.backwardAsync(other.tape, { dy: tensor(fx.yShape, fx.Type) }), TypeError, 'ERR_RNN_CACHE',
      'tape must be the tape of a forward pass of this layer, got the tape of another layer');
    await refusedAsync(fx, () => fx.layer.backwardAsync(undefined, { dy: tensor(fx.yShape, fx.Type) }), TypeError, 'ERR_RNN_CACHE',
      'tape must be the tape a forward pass of this layer returned with tape: true, got undefined (was the forward pass run with tape: true?)');
    await refusedAsync(fx, () => fx.layer.backwardAsync(fx.tape, {}), TypeError, 'ERR_RNN_KEY',
      `backward needs at least one of ${fx.hasCell ? 'dy, dhN, dcN' : 'dy, dhN'} in its options`);
    const bad = [...fx.yShape.slice(0, 2), fx.D * H + 1];
    await refusedAsync(fx, () => fx.layer.backwardAsync(fx.tape, { dy: tensor(bad, fx.Type) }), RangeError, 'ERR_RNN_SHAPE',
      `dy must have shape (${fx.ySymbols}) = ${shapeText(fx.yShape)}, got ${shapeText(bad)} (the shape of y: m and T come from the tape, D and H from the layer)`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// After failures

test('a refused training forward draws no dropout mask: the next training forward is the one it would have been', () => {
  const options = { inputSize: I, hiddenSize: H, numLayers: 3, dropout: 0.5, seed: 11 };
  for (const Layer of [rn.Lstm, rn.Gru, rn.Rnn]) {
    const clean = new Layer(options);
    const tried = new Layer(options);
    const x = tensor([T, m, I]);
    const failures = [
      () => tried.forward(x, { training: true, lengths: [7, 7, 7, 9] }),
      () => tried.forward(x, { training: true, h0: tensor([3, m, H + 1]) }),
      () => tried.forward(x, { training: true, tape: 'yes' }),
      () => tried.forward(tensor([T, m, I], Float64Array), { training: true }),
      () => tried.forward(x, { training: 1 }),
    ];
    for (const fail of failures) assert.throws(fail, undefined, `${Layer.name}: the call is refused`);
    for (let round = 0; round < 2; ++round) {
      const a = clean.forward(x, { training: true, tape: true });
      const b = tried.forward(x, { training: true, tape: true });
      assert.equal(record(b), record(a), `${Layer.name} round ${round}: the same masks as a layer that saw no failure`);
      const dy = tensor([T, m, H], Float32Array, 9);
      assert.equal(record(tried.backward(b.tape, { dy })), record(clean.backward(a.tape, { dy })), `${Layer.name} round ${round}: backward`);
    }
  }
});

test('a tape still works after refused backward calls with it, and after refused forwards', () => {
  for (const fx of FIXTURES) {
    const { tape } = fx.layer.forward(fx.x, fx.forwardOptions());
    const expected = fx.baseline.backward;
    assert.throws(() => fx.layer.backward(tape, { dy: tensor([1, 1, 1], fx.Type) }));
    assert.throws(() => fx.layer.backward(tape, { dhN: tensor(fx.stateShape, fx.Other) }));
    assert.throws(() => fx.layer.backward(tape, {}));
    assert.throws(() => fx.layer.forward(fx.x, { lengths: [1] }));
    assert.equal(record(fx.layer.backward(tape, fx.backwardOptions())), expected, `${fx.name}: the tape gives the usual gradients`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Messages reviewed and reworded: constructors, layout, sizes, memory, integer data, backward's m.

test('constructors: options not an object (a constructor refuses undefined, so not "or undefined")', () => {
  for (const [Layer, name] of LAYERS) {
    for (const [value, got] of [[null, 'null'], [3, 'a number'], ['x', 'a string'], [[], 'an array']]) {
      throws(() => new Layer(value), TypeError, 'ERR_RNN_TYPE', `new ${name}() needs options { inputSize, hiddenSize }, got ${got}`);
    }
  }
});

test('constructors: layout named options.layout, with the classes and codes of dtype and nonlinearity', () => {
  for (const [Layer] of LAYERS) {
    const make = (layout) => () => new Layer({ inputSize: I, hiddenSize: H, layout });
    throws(make('batch_first'), RangeError, 'ERR_RNN_VALUE', "options.layout must be 'time-major' or 'batch-major', got 'batch_first'");
    throws(make(1), TypeError, 'ERR_RNN_TYPE', "options.layout must be 'time-major' or 'batch-major', got a number");
  }
});

test('constructors: the indexability check names the G of the cell (GRU 3, RNN 1)', () => {
  throws(() => new rn.Gru({ inputSize: 2 ** 20, hiddenSize: 2 ** 20 }), RangeError, 'ERR_RNN_TOO_LARGE',
    'sizes too large: G·H·max(I, D·H) = 3298534883328 exceeds 2147483647, the largest size one BLAS call can index (G = 3 for a GRU)');
});

test('constructors: the memory check says the parameters need it (a constructor has no results, caches or workspace)', () => {
  throws(() => new rn.Lstm({ inputSize: 2 ** 14, hiddenSize: 2 ** 14, numLayers: 64 }), RangeError, 'ERR_RNN_TOO_LARGE',
    /not enough memory: the parameters of this layer need 512\.0 GiB \(I = 16384, H = 16384, L = 64\), more than the \d+\.\d GiB of memory of this machine/);
});

test('forward/backward: integer data names the layer\'s one dtype, not both float types', () => {
  for (const fx of FIXTURES) {
    const message = (name) => `${name}.data must be a ${fx.Type.name} (this layer's dtype is ${fx.layer.dtype}), got Int32Array`;
    refused(fx, () => fx.layer.forward({ data: new Int32Array(T * m * I), shape: fx.xShape }), TypeError, 'ERR_RNN_DTYPE', message('x'));
    refused(fx, () => fx.layer.forward({ data: Array(T * m * I).fill(0), shape: fx.xShape }), TypeError, 'ERR_RNN_DTYPE',
      `x.data must be a ${fx.Type.name} (this layer's dtype is ${fx.layer.dtype}), got an array`);
    refused(fx, () => fx.layer.forward(fx.x, { h0: { data: new Int32Array(sizeOf(fx.stateShape)), shape: fx.stateShape } }), TypeError, 'ERR_RNN_DTYPE', message('h0'));
    refused(fx, () => fx.layer.backward(fx.tape, { dy: { data: new Int32Array(sizeOf(fx.yShape)), shape: fx.yShape } }), TypeError, 'ERR_RNN_DTYPE', message('dy'));
  }
});

test('backward: dhN and dcN shapes say m comes from the tape', () => {
  for (const fx of FIXTURES) {
    const [LD] = fx.stateShape;
    for (const name of fx.hasCell ? ['dhN', 'dcN'] : ['dhN']) {
      for (const shape of [[LD, m + 1, H], [LD, m, H + 1], [LD + 1, m, H], [m, H]]) {
        refused(fx, () => fx.layer.backward(fx.tape, { [name]: tensor(shape, fx.Type) }), RangeError, 'ERR_RNN_SHAPE',
          `${name} must have shape (L·D, m, H) = ${shapeText(fx.stateShape)}, got ${shapeText(shape)} (L, D and H come from the layer, m from the tape)`);
      }
    }
  }
});

test.run();
