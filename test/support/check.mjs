// Shared helpers of the numeric tests: closeness assertions, element access, random tensors, finite differences.
import * as assert from 'uvu/assert';
import { RandomState } from 'rnn-native';

export { RandomState };

/** The values of a number, array, typed array or tensor `{data, shape}` as a flat array of numbers. */
export function valuesOf(x) {
  if (typeof x === 'number') return [x];
  if (x && typeof x === 'object' && 'data' in x && 'shape' in x) return Array.from(x.data);
  if (Array.isArray(x)) return x.flat(Infinity);
  if (ArrayBuffer.isView(x)) return Array.from(x);
  throw new TypeError(`valuesOf: cannot read values of ${x}`);
}

/**
 * Asserts |actual - expected| <= max(abs, rel * |expected|) for every element (NaN never passes). Fails with the first
 * failing index, both values and the largest difference.
 */
export function assertClose(actual, expected, { rel = 1e-9, abs = 1e-12, label = 'value' } = {}) {
  const a = valuesOf(actual);
  const e = valuesOf(expected);
  assert.is(a.length, e.length, `${label}: length ${a.length}, expected ${e.length}`);
  let maxDiff = 0;
  let firstBad = -1;
  for (let i = 0; i < e.length; ++i) {
    const diff = Math.abs(a[i] - e[i]);
    if (!(diff <= maxDiff)) maxDiff = diff;
    if (firstBad < 0 && !(diff <= Math.max(abs, rel * Math.abs(e[i])))) firstBad = i;
  }
  if (firstBad >= 0) {
    assert.unreachable(
      `${label}: at index ${firstBad} got ${a[firstBad]}, expected ${e[firstBad]} ` +
        `(max |difference| ${maxDiff}, rel ${rel}, abs ${abs})`,
    );
  }
  assert.ok(true);
}

/** Asserts that two arrays/tensors hold bit-identical values (and, for tensors, equal shapes). */
export function assertIdentical(actual, expected, label = 'value') {
  if (actual && expected && 'shape' in actual && 'shape' in expected) {
    assert.equal([...actual.shape], [...expected.shape], `${label}: shape`);
  }
  const a = valuesOf(actual);
  const e = valuesOf(expected);
  assert.is(a.length, e.length, `${label}: length`);
  for (let i = 0; i < e.length; ++i) {
    if (!Object.is(a[i], e[i])) assert.unreachable(`${label}: at index ${i} got ${a[i]}, expected bit-identical ${e[i]}`);
  }
  assert.ok(true);
}

/** Asserts a tensor's shape. */
export function assertShape(tensor, shape, label = 'tensor') {
  assert.ok(tensor && 'shape' in tensor && 'data' in tensor, `${label} must be a tensor {data, shape}`);
  assert.equal([...tensor.shape], shape, `${label}: shape`);
  assert.is(tensor.data.length, shape.reduce((p, d) => p * d, 1), `${label}: data length`);
}

/** Element [i][j][k]… of a row-major tensor. */
export function at(tensor, ...index) {
  assert.is(index.length, tensor.shape.length, 'at(): one index per axis');
  let offset = 0;
  for (let axis = 0; axis < index.length; ++axis) offset = offset * tensor.shape[axis] + index[axis];
  return tensor.data[offset];
}

/** Row tensor[i0][i1]…: the contiguous last-axis vector at the leading indices. */
export function row(tensor, ...index) {
  const n = tensor.shape[tensor.shape.length - 1];
  let offset = 0;
  for (let axis = 0; axis < index.length; ++axis) offset = offset * tensor.shape[axis] + index[axis];
  offset *= n;
  return Array.from(tensor.data.subarray(offset, offset + n));
}

/** A deterministic standard-normal tensor source: `const r = rng(7); r(3, 4)` draws a (3, 4) Float64Array tensor. */
export function rng(seed, scale = 1) {
  const state = new RandomState(seed);
  return (...shape) => {
    const t = state.randn(...shape);
    if (scale !== 1) for (let i = 0; i < t.data.length; ++i) t.data[i] *= scale;
    return t;
  };
}

/** A deep copy of a tensor (same dtype). */
export function copyTensor(t) {
  return { data: t.data.slice(), shape: [...t.shape] };
}

/** The tensor in another dtype. */
export function asType(t, Type) {
  return { data: Type.from(t.data), shape: [...t.shape] };
}

/** Σ a[i] * b[i] over the elements of `a`. */
export function dot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; ++i) s += a[i] * b[i];
  return s;
}

/**
 * Central-difference gradient of the scalar `loss()` with respect to every element of the Float64Array `data`,
 * perturbed in place (and restored): (J(x + h) - J(x - h)) / 2h.
 */
export function numericGradient(loss, data, h = 1e-6) {
  const grad = new Float64Array(data.length);
  for (let i = 0; i < data.length; ++i) {
    const saved = data[i];
    data[i] = saved + h;
    const plus = loss();
    data[i] = saved - h;
    const minus = loss();
    data[i] = saved;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

/** ‖g − g_fd‖ / (‖g‖ + ‖g_fd‖), 0 when both are zero. */
export function relativeError(g, gfd) {
  let diff = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < g.length; ++i) {
    diff += (g[i] - gfd[i]) ** 2;
    na += g[i] ** 2;
    nb += gfd[i] ** 2;
  }
  const denominator = Math.sqrt(na) + Math.sqrt(nb);
  return denominator === 0 ? 0 : Math.sqrt(diff) / denominator;
}

/** Asserts an analytic gradient agrees with the finite-difference one to `tol` (norm-based relative error). */
export function assertGradient(analytic, numeric, { tol = 1e-6, label = 'gradient' } = {}) {
  const g = valuesOf(analytic);
  const gfd = valuesOf(numeric);
  assert.is(g.length, gfd.length, `${label}: length ${g.length}, expected ${gfd.length}`);
  const error = relativeError(g, gfd);
  let norm = 0;
  for (const v of gfd) norm += v * v;
  if (!(error < tol)) {
    let worst = 0;
    for (let i = 0; i < g.length; ++i) if (Math.abs(g[i] - gfd[i]) > Math.abs(g[worst] - gfd[worst])) worst = i;
    assert.unreachable(
      `${label}: relative error ${error} ≥ ${tol}; worst index ${worst}: analytic ${g[worst]}, finite difference ${gfd[worst]}`,
    );
  }
  // A gradient that is identically zero would make the check vacuous; the callers' losses never give one.
  assert.ok(norm > 0, `${label}: the finite-difference gradient is zero, the check would be vacuous`);
}

/** A tensor as nested number arrays, built independently of the package's toNested. */
export function nest(t) {
  const build = (axis, offset) => {
    const n = t.shape[axis];
    const stride = t.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    if (axis === t.shape.length - 1) return Array.from(t.data.subarray(offset, offset + n));
    return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** Every tensor of a result object, by name (`cache.x`/`caches.x` included), for comparing whole results. */
export function tensorsOf(result) {
  if ('data' in result && 'shape' in result) return { result };
  const out = {};
  for (const [key, value] of Object.entries(result)) {
    if (value && typeof value === 'object' && 'data' in value && 'shape' in value) out[key] = value;
    else if (key === 'cache' || key === 'caches') out[`${key}.x`] = value.x;
  }
  return out;
}

export const isTensor = (v) => v !== null && typeof v === 'object' && 'data' in v && 'shape' in v;

/** The tensors of a result as plain arrays (caches left out), to compare results of two calls. */
export function snapshot(result) {
  if (isTensor(result)) return { shape: [...result.shape], data: Array.from(result.data), dtype: result.data.constructor.name };
  const out = {};
  for (const [key, value] of Object.entries(result)) if (isTensor(value)) out[key] = snapshot(value);
  return out;
}

/** A typed array of `Type` whose buffer (of `length` elements) has been transferred away: detached, length 0. */
export function detachedArray(Type, length) {
  const data = new Type(length);
  structuredClone(data.buffer, { transfer: [data.buffer] });
  return data;
}

/**
 * A deep, comparable record of an argument, to check that a call left it exactly as it was: typed arrays by type,
 * length and bytes (NaN-safe), arrays and plain objects by their own enumerable keys and values (so added, removed or
 * replaced entries show), anything else (caches, functions, symbols, Maps) by identity.
 */
export function argumentSnapshot(value, seen = new Set()) {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'number' && Number.isNaN(value) ? { NaN: true } : typeof value === 'bigint' ? { bigint: String(value) } : value;
  }
  if (ArrayBuffer.isView(value)) {
    const length = value.byteLength;
    const bytes = length === 0 ? '' : Buffer.from(value.buffer, value.byteOffset, length).toString('base64'); // detached: 0
    return { view: value.constructor.name, length, bytes };
  }
  const proto = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== Array.prototype && proto !== null) || seen.has(value)) return { same: value };
  seen.add(value);
  const out = Array.isArray(value) ? { array: value.length } : {};
  for (const key of Object.keys(value)) out[`.${key}`] = argumentSnapshot(value[key], seen);
  seen.delete(value);
  return out;
}
