// Helpers of the layer tests: a seeded generator of its own (so the data do not depend on the package), random
// parameters, inputs and states, finite differences, and closeness assertions that name what failed.
import * as assert from 'uvu/assert';
import { parameterShapes } from './layers-reference.mjs';

/** mulberry32: a small seeded uniform [0, 1) generator, with normal(), uniform(a, b) and int(a, b) (inclusive). */
export function generator(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (a, b) => a + (b - a) * next(),
    normal: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    int: (a, b) => a + Math.floor(next() * (b - a + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

const size = (shape) => shape.reduce((p, v) => p * v, 1);

/** A Float64Array tensor of `shape` with values drawn by `draw()`. */
export function tensor(shape, draw) {
  return { data: Float64Array.from({ length: size(shape) }, draw), shape: [...shape] };
}

/** Random parameters of a layer: U(-scale, scale) for every weight and bias (scale 1/√H by default, PyTorch's). */
export function randomParams(cell, config, g, scale = 1 / Math.sqrt(config.hiddenSize)) {
  const out = {};
  for (const [name, shape] of Object.entries(parameterShapes(cell, config))) out[name] = tensor(shape, () => g.uniform(-scale, scale));
  return out;
}

/** The tensor's values in another typed array type (float32 rounding when Type is Float32Array). */
export const cast = (t, Type) => (t === undefined ? undefined : { data: Type.from(t.data), shape: [...t.shape] });

/** Σ a ⊙ b over Float64 values. */
export function dot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; ++i) s += a[i] * b[i];
  return s;
}

/** Central differences of loss() with respect to every element of `data`, perturbed in place and restored. */
export function centralDifferences(loss, data, eps = 1e-5) {
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; ++i) {
    const saved = data[i];
    data[i] = saved + eps;
    const plus = loss();
    data[i] = saved - eps;
    const minus = loss();
    data[i] = saved;
    out[i] = (plus - minus) / (2 * eps);
  }
  return out;
}

/**
 * Asserts every |a_i − e_i| ≤ tol · max(1, |e_i|) (NaN never passes), naming the first failing index with both values.
 */
export function assertNear(actual, expected, tol, label) {
  const a = actual.data ?? actual;
  const e = expected.data ?? expected;
  if (actual.shape && expected.shape) assert.equal([...actual.shape], [...expected.shape], `${label}: shape`);
  assert.is(a.length, e.length, `${label}: length`);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < e.length; ++i) {
    const err = Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i]));
    if (!(err <= worstErr)) {
      worstErr = err;
      worst = i;
    }
  }
  if (!(worstErr <= tol)) {
    assert.unreachable(`${label}: worst at flat index ${worst}: got ${a[worst]}, expected ${e[worst]} (error ${worstErr} > ${tol})`);
  }
}

/**
 * Asserts a gradient agrees with its finite-difference estimate: max_i |a_i − n_i| / max(‖a‖∞, ‖n‖∞) < tol, i.e.
 * relative to the tensor's own scale. Both identically zero pass only with `allowZero` (a ReLU unit can be dead);
 * returns the scale, so callers can insist that enough is nonzero.
 */
export function assertGradient(analytic, numeric, tol, label, allowZero = false) {
  const a = analytic.data ?? analytic;
  const n = numeric.data ?? numeric;
  assert.is(a.length, n.length, `${label}: length`);
  let scale = 0;
  for (let i = 0; i < n.length; ++i) scale = Math.max(scale, Math.abs(a[i]), Math.abs(n[i]));
  let worst = 0;
  for (let i = 0; i < n.length; ++i) if (!(Math.abs(a[i] - n[i]) <= Math.abs(a[worst] - n[worst]))) worst = i;
  if (scale === 0 && allowZero) return 0;
  const err = Math.abs(a[worst] - n[worst]) / scale;
  if (!(err < tol)) {
    assert.unreachable(`${label}: flat index ${worst}: analytic ${a[worst]}, finite difference ${n[worst]} (error ${err} ≥ ${tol} of scale ${scale})`);
  }
  assert.ok(scale > 0, `${label}: the gradient is identically zero, the check would be vacuous`);
  return scale;
}
