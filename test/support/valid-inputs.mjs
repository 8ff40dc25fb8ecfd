// Small, valid, deterministic inputs and parameters for every function of the package (no randomness): the
// error tests start from these and break exactly one thing. Every builder returns fresh objects, so a test may
// change what it gets without affecting other tests.
import * as rn from 'rnn-native';

export const n_x = 3;
export const n_a = 5;
export const n_y = 2;
export const m = 4;
export const T = 6;

/** A `{data, shape}` tensor of plain deterministic values in (-0.5, 0.5), different for every seed. */
export function tensor(shape, seed = 1, dtype = Float64Array) {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = new dtype(size);
  for (let i = 0; i < size; ++i) data[i] = 0.5 * Math.sin(1.3 * seed + 0.7 * i + 0.1 * i * i);
  return { data, shape: [...shape] };
}

/** The same values as `tensor(shape, seed)`, as a nested number array. */
export function nested(shape, seed = 1) {
  return rn.toNested(tensor(shape, seed));
}

/** RNN parameters (n_a = 5, n_x = 3, n_y = 2); without the prediction pair when `prediction` is false. */
export function rnnParams(dtype = Float64Array, { prediction = true } = {}) {
  const p = {
    Wax: tensor([n_a, n_x], 11, dtype),
    Waa: tensor([n_a, n_a], 12, dtype),
    ba: tensor([n_a, 1], 13, dtype),
  };
  if (prediction) {
    p.Wya = tensor([n_y, n_a], 14, dtype);
    p.by = tensor([n_y, 1], 15, dtype);
  }
  return p;
}

/** LSTM parameters (n_a = 5, n_x = 3, n_y = 2); without the prediction pair when `prediction` is false. */
export function lstmParams(dtype = Float64Array, { prediction = true } = {}) {
  const p = {
    Wf: tensor([n_a, n_a + n_x], 21, dtype),
    bf: tensor([n_a, 1], 22, dtype),
    Wi: tensor([n_a, n_a + n_x], 23, dtype),
    bi: tensor([n_a, 1], 24, dtype),
    Wc: tensor([n_a, n_a + n_x], 25, dtype),
    bc: tensor([n_a, 1], 26, dtype),
    Wo: tensor([n_a, n_a + n_x], 27, dtype),
    bo: tensor([n_a, 1], 28, dtype),
  };
  if (prediction) {
    p.Wy = tensor([n_y, n_a], 29, dtype);
    p.by = tensor([n_y, 1], 30, dtype);
  }
  return p;
}

/** The shape of every tensor argument of the package, by its name in the API, for the sizes `d` (`Tb` is T' of `da`). */
export function shapesOf({ n_x, n_a, n_y, m, T, Tb = T }) {
  return {
    xt: [n_x, m],
    aPrev: [n_a, m],
    cPrev: [n_a, m],
    x: [n_x, m, T],
    a0: [n_a, m],
    c0: [n_a, m],
    daNext: [n_a, m],
    dcNext: [n_a, m],
    da: [n_a, m, Tb],
    z: [n_y, m],
    Wax: [n_a, n_x],
    Waa: [n_a, n_a],
    ba: [n_a, 1],
    Wya: [n_y, n_a],
    Wf: [n_a, n_a + n_x],
    Wi: [n_a, n_a + n_x],
    Wc: [n_a, n_a + n_x],
    Wo: [n_a, n_a + n_x],
    bf: [n_a, 1],
    bi: [n_a, 1],
    bc: [n_a, 1],
    bo: [n_a, 1],
    Wy: [n_y, n_a],
    by: [n_y, 1],
  };
}

/** The shape of every tensor argument of the package at the sizes above. */
export const shapes = shapesOf({ n_x, n_a, n_y, m, T });

const seeds = { xt: 1, aPrev: 2, cPrev: 3, x: 4, a0: 5, c0: 6, daNext: 7, dcNext: 8, da: 9, z: 10 };

/** A valid value for the input argument `name` (one of `xt`, `aPrev`, `cPrev`, `x`, `a0`, `c0`, `daNext`, `dcNext`, `da`, `z`). */
export function input(name, dtype = Float64Array) {
  return tensor(shapes[name], seeds[name], dtype);
}

/** Forward results to take caches from. */
export function rnnCellCache(dtype = Float64Array) {
  return rn.rnnCellForward(input('xt', dtype), input('aPrev', dtype), rnnParams(dtype)).cache;
}
export function rnnCaches(dtype = Float64Array) {
  return rn.rnnForward(input('x', dtype), input('a0', dtype), rnnParams(dtype)).caches;
}
export function lstmCellCache(dtype = Float64Array) {
  return rn.lstmCellForward(input('xt', dtype), input('aPrev', dtype), input('cPrev', dtype), lstmParams(dtype)).cache;
}
export function lstmCaches(dtype = Float64Array) {
  return rn.lstmForward(input('x', dtype), input('a0', dtype), lstmParams(dtype), { c0: input('c0', dtype) }).caches;
}

/**
 * Every function of the package as a call whose arguments are all valid unless overridden: `calls.lstmForward({ x: 42 })`
 * calls lstmForward with x = 42 and valid a0, params and opts. Parameter overrides go in `params` (merged into the
 * valid parameters; a key set to `undefined` is deleted), or replace the whole object with `paramsObject`.
 */
const has = (o, key) => Object.prototype.hasOwnProperty.call(o, key);
const pick = (o, key, dtype) => (has(o, key) ? o[key] : input(key, dtype));
function mergeParams(valid, o) {
  if (has(o, 'paramsObject')) return o.paramsObject;
  const p = { ...valid, ...(o.params ?? {}) };
  for (const key of Object.keys(o.params ?? {})) if (o.params[key] === undefined) delete p[key];
  return p;
}

export const calls = {
  rnnCellForward: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.rnnCellForward(pick(o, 'xt', dtype), pick(o, 'aPrev', dtype), mergeParams(rnnParams(dtype), o)),
  rnnForward: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.rnnForward(pick(o, 'x', dtype), pick(o, 'a0', dtype), mergeParams(rnnParams(dtype), o)),
  lstmCellForward: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.lstmCellForward(pick(o, 'xt', dtype), pick(o, 'aPrev', dtype), pick(o, 'cPrev', dtype), mergeParams(lstmParams(dtype), o)),
  lstmForward: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.lstmForward(pick(o, 'x', dtype), pick(o, 'a0', dtype), mergeParams(lstmParams(dtype), o),
      has(o, 'opts') ? o.opts : { c0: pick(o, 'c0', dtype) }),
  rnnCellBackward: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.rnnCellBackward(pick(o, 'daNext', dtype), has(o, 'cache') ? o.cache : rnnCellCache(dtype)),
  rnnBackward: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.rnnBackward(pick(o, 'da', dtype), has(o, 'caches') ? o.caches : rnnCaches(dtype)),
  lstmCellBackward: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.lstmCellBackward(pick(o, 'daNext', dtype), pick(o, 'dcNext', dtype), has(o, 'cache') ? o.cache : lstmCellCache(dtype)),
  lstmBackward: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.lstmBackward(pick(o, 'da', dtype), has(o, 'caches') ? o.caches : lstmCaches(dtype)),
  softmax: (o = {}, dtype = o.dtype ?? Float64Array) => rn.softmax(pick(o, 'z', dtype)),
  sigmoid: (o = {}, dtype = o.dtype ?? Float64Array) => rn.sigmoid(pick(o, 'z', dtype)),
};

/** The tensor arguments of every function (inputs first, then parameters), and which argument sets the dtype. */
export const signatures = {
  rnnCellForward: { inputs: ['xt', 'aPrev'], params: ['Wax', 'Waa', 'ba', 'Wya', 'by'], family: 'RNN', dtypeFrom: 'Wax' },
  rnnForward: { inputs: ['x', 'a0'], params: ['Wax', 'Waa', 'ba', 'Wya', 'by'], family: 'RNN', dtypeFrom: 'Wax' },
  lstmCellForward: {
    inputs: ['xt', 'aPrev', 'cPrev'],
    params: ['Wf', 'bf', 'Wi', 'bi', 'Wc', 'bc', 'Wo', 'bo', 'Wy', 'by'],
    family: 'LSTM',
    dtypeFrom: 'Wf',
  },
  lstmForward: {
    inputs: ['x', 'a0', 'c0'],
    params: ['Wf', 'bf', 'Wi', 'bi', 'Wc', 'bc', 'Wo', 'bo', 'Wy', 'by'],
    family: 'LSTM',
    dtypeFrom: 'Wf',
  },
  rnnCellBackward: { inputs: ['daNext'], params: [], dtypeFrom: 'the cache' },
  rnnBackward: { inputs: ['da'], params: [], dtypeFrom: 'the caches' },
  lstmCellBackward: { inputs: ['daNext', 'dcNext'], params: [], dtypeFrom: 'the cache' },
  lstmBackward: { inputs: ['da'], params: [], dtypeFrom: 'the caches' },
  softmax: { inputs: ['z'], params: [] },
  sigmoid: { inputs: ['z'], params: [] },
};

/** The async sequence functions, like `calls`: each returns the Promise of the async function. */
export const asyncCalls = {
  rnnForwardAsync: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.rnnForwardAsync(pick(o, 'x', dtype), pick(o, 'a0', dtype), mergeParams(rnnParams(dtype), o)),
  lstmForwardAsync: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.lstmForwardAsync(pick(o, 'x', dtype), pick(o, 'a0', dtype), mergeParams(lstmParams(dtype), o),
      has(o, 'opts') ? o.opts : { c0: pick(o, 'c0', dtype) }),
  rnnBackwardAsync: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.rnnBackwardAsync(pick(o, 'da', dtype), has(o, 'caches') ? o.caches : rnnCaches(dtype)),
  lstmBackwardAsync: (o = {}, dtype = o.dtype ?? Float64Array) =>
    rn.lstmBackwardAsync(pick(o, 'da', dtype), has(o, 'caches') ? o.caches : lstmCaches(dtype)),
};

// ---------------------------------------------------------------------------------------------------------------
// Calls with every argument by name, at any sizes: `argumentsOf` builds them, `invoke` makes the call.

/** The positional arguments of every function (the async ones take those of their sync function). */
export const ARGUMENTS = {
  rnnCellForward: ['xt', 'aPrev', 'params'],
  rnnForward: ['x', 'a0', 'params'],
  lstmCellForward: ['xt', 'aPrev', 'cPrev', 'params'],
  lstmForward: ['x', 'a0', 'params', 'opts'],
  rnnCellBackward: ['daNext', 'cache'],
  rnnBackward: ['da', 'caches'],
  lstmCellBackward: ['daNext', 'dcNext', 'cache'],
  lstmBackward: ['da', 'caches'],
  softmax: ['z'],
  sigmoid: ['z'],
};

/** The forward pass whose cache each backward pass takes. */
export const PRODUCER = { rnnCellBackward: 'rnnCellForward', rnnBackward: 'rnnForward', lstmCellBackward: 'lstmCellForward', lstmBackward: 'lstmForward' };

/** Every function: the ten of `calls` and the four async sequence functions. */
export const ALL_FUNCTIONS = [...Object.keys(ARGUMENTS), 'rnnForwardAsync', 'lstmForwardAsync', 'rnnBackwardAsync', 'lstmBackwardAsync'];

export const syncOf = (fn) => fn.replace(/Async$/, '');
const PREDICTION = new Set(['Wya', 'Wy', 'by']);

/**
 * Valid arguments of `fn`, by name, at the sizes `d` (default: the sizes above; `Tb` is T' of `da`), in `dtype`,
 * with or without the prediction parameters; caches come from a forward pass at the same sizes.
 */
export function argumentsOf(fn, d = { n_x, n_a, n_y, m, T }, dtype = Float64Array, { prediction = true } = {}) {
  const S = shapesOf(d);
  const args = {};
  ARGUMENTS[syncOf(fn)].forEach((name, i) => {
    if (name === 'params') {
      const keys = signatures[syncOf(fn).startsWith('rnn') ? 'rnnForward' : 'lstmForward'].params;
      args.params = Object.fromEntries(keys.filter((k) => prediction || !PREDICTION.has(k)).map((k, j) => [k, tensor(S[k], 20 + j, dtype)]));
    } else if (name === 'opts') {
      args.opts = { c0: tensor(S.c0, 6, dtype) };
    } else if (name === 'cache' || name === 'caches') {
      const producer = PRODUCER[syncOf(fn)];
      args[name] = invoke(producer, argumentsOf(producer, d, dtype, { prediction }))[name];
    } else {
      args[name] = tensor(S[name], i + 1, dtype);
    }
  });
  return args;
}

/** Calls `fn` (any of ALL_FUNCTIONS) with the arguments of `args`, by name. */
export function invoke(fn, args) {
  return rn[fn](...ARGUMENTS[syncOf(fn)].map((name) => args[name]));
}
