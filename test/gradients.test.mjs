// SPEC §5 (last paragraph): every gradient of the four backward passes agrees with central finite differences of the
// forward pass (float64, relative error below 1e-6) on random shapes, including m = 1, T = 1, n_x = 1, n_a > n_x,
// n_x > n_a, T' < T and a non-zero c0.
//
// The scalar loss is J = Σ da ⊙ a over the first T' steps (for the LSTM cell also + Σ dcNext ⊙ cNext), so ∂J/∂a = da
// is exactly the upstream gradient the backward passes take.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { assertGradient, assertShape, dot, numericGradient, rng } from './support/check.mjs';

const H = 1e-6;
const TOL = 1e-6;

/**
 * The shape sets. Together they cover m = 1, T = 1, n_x = 1, n_a > n_x, n_x > n_a, T' < T, c0 ≠ 0, with and without
 * predictions (which must not influence the hidden states or their gradients).
 */
const SHAPES = [
  { name: 'n_x=1 < n_a=3, m=1, T=1', n_x: 1, n_a: 3, n_y: 2, m: 1, T: 1, Tb: 1, c0: true, prediction: true, seed: 11 },
  { name: "n_x=4 > n_a=2, m=3, T=5, T'=3", n_x: 4, n_a: 2, n_y: 3, m: 3, T: 5, Tb: 3, c0: true, prediction: false, seed: 12 },
  { name: "n_x=2 < n_a=4, m=2, T=4, T'=4, c0 default", n_x: 2, n_a: 4, n_y: 2, m: 2, T: 4, Tb: 4, c0: false, prediction: true, seed: 13 },
  { name: "n_x=1, n_a=1, m=1, T=3, T'=2", n_x: 1, n_a: 1, n_y: 1, m: 1, T: 3, Tb: 2, c0: true, prediction: true, seed: 14 },
];

/** J = Σ_{t<T'} Σ da[:, :, t] * a[:, :, t] with a (n_a, m, T) and da (n_a, m, T'). */
function sequenceLoss(a, da) {
  const [n_a, m, T] = a.shape;
  const Tb = da.shape[2];
  let J = 0;
  for (let i = 0; i < n_a * m; ++i) for (let t = 0; t < Tb; ++t) J += da.data[i * Tb + t] * a.data[i * T + t];
  return J;
}

/** The first Tb steps of a (n, m, T) gradient, as (n, m, Tb) values; asserts the later steps are exactly zero. */
function firstSteps(grad, n, m, T, Tb, label) {
  const out = [];
  for (let i = 0; i < n * m; ++i) {
    for (let t = 0; t < T; ++t) {
      const g = grad[i * T + t];
      if (t < Tb) out.push(g);
      else assert.is(g, 0, `${label}: inputs after step T' must not influence the loss`);
    }
  }
  return out;
}

function rnnSetup(s) {
  const draw = rng(s.seed);
  const weights = rng(s.seed + 100, 0.7);
  const params = { Wax: weights(s.n_a, s.n_x), Waa: weights(s.n_a, s.n_a), ba: weights(s.n_a, 1) };
  if (s.prediction) Object.assign(params, { Wya: weights(s.n_y, s.n_a), by: weights(s.n_y, 1) });
  return { draw, params };
}

function lstmSetup(s) {
  const draw = rng(s.seed);
  const weights = rng(s.seed + 200, 0.7);
  const params = {};
  for (const g of ['f', 'i', 'c', 'o']) {
    params[`W${g}`] = weights(s.n_a, s.n_a + s.n_x);
    params[`b${g}`] = weights(s.n_a, 1);
  }
  if (s.prediction) Object.assign(params, { Wy: weights(s.n_y, s.n_a), by: weights(s.n_y, 1) });
  return { draw, params };
}

const RNN_PARAMS = [['dWax', 'Wax'], ['dWaa', 'Waa'], ['dba', 'ba']];
const LSTM_PARAMS = ['f', 'i', 'c', 'o'].flatMap((g) => [[`dW${g}`, `W${g}`], [`db${g}`, `b${g}`]]);

// ---------------------------------------------------------------------------------------------------------------------
const rnnCell = suite('rnnCellBackward vs finite differences');
for (const s of SHAPES) {
  rnnCell(s.name, () => {
    const { draw, params } = rnnSetup(s);
    const xt = draw(s.n_x, s.m);
    const aPrev = draw(s.n_a, s.m);
    const daNext = draw(s.n_a, s.m);
    const loss = () => dot(daNext.data, rn.rnnCellForward(xt, aPrev, params).aNext.data);
    const g = rn.rnnCellBackward(daNext, rn.rnnCellForward(xt, aPrev, params).cache);
    assertShape(g.dxt, [s.n_x, s.m], 'dxt');
    assertShape(g.daPrev, [s.n_a, s.m], 'daPrev');
    assertGradient(g.dxt, numericGradient(loss, xt.data, H), { tol: TOL, label: 'dxt' });
    assertGradient(g.daPrev, numericGradient(loss, aPrev.data, H), { tol: TOL, label: 'daPrev' });
    for (const [dk, k] of RNN_PARAMS) {
      assertShape(g[dk], [...params[k].shape], dk);
      assertGradient(g[dk], numericGradient(loss, params[k].data, H), { tol: TOL, label: dk });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------------
const rnnSeq = suite('rnnBackward vs finite differences');
for (const s of SHAPES) {
  rnnSeq(s.name, () => {
    const { draw, params } = rnnSetup(s);
    const x = draw(s.n_x, s.m, s.T);
    const a0 = draw(s.n_a, s.m);
    const da = draw(s.n_a, s.m, s.Tb);
    const loss = () => sequenceLoss(rn.rnnForward(x, a0, params).a, da);
    const g = rn.rnnBackward(da, rn.rnnForward(x, a0, params).caches);
    assertShape(g.dx, [s.n_x, s.m, s.Tb], 'dx');
    assertShape(g.da0, [s.n_a, s.m], 'da0');
    const dxNumeric = firstSteps(numericGradient(loss, x.data, H), s.n_x, s.m, s.T, s.Tb, 'dx');
    assertGradient(g.dx, dxNumeric, { tol: TOL, label: 'dx' });
    assertGradient(g.da0, numericGradient(loss, a0.data, H), { tol: TOL, label: 'da0' });
    for (const [dk, k] of RNN_PARAMS) {
      assertShape(g[dk], [...params[k].shape], dk);
      assertGradient(g[dk], numericGradient(loss, params[k].data, H), { tol: TOL, label: dk });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------------
const lstmCell = suite('lstmCellBackward vs finite differences');
for (const s of SHAPES) {
  lstmCell(s.name, () => {
    const { draw, params } = lstmSetup(s);
    const xt = draw(s.n_x, s.m);
    const aPrev = draw(s.n_a, s.m);
    const cPrev = draw(s.n_a, s.m);
    const daNext = draw(s.n_a, s.m);
    const dcNext = draw(s.n_a, s.m);
    const loss = () => {
      const { aNext, cNext } = rn.lstmCellForward(xt, aPrev, cPrev, params);
      return dot(daNext.data, aNext.data) + dot(dcNext.data, cNext.data);
    };
    const g = rn.lstmCellBackward(daNext, dcNext, rn.lstmCellForward(xt, aPrev, cPrev, params).cache);
    assertShape(g.dxt, [s.n_x, s.m], 'dxt');
    assertShape(g.daPrev, [s.n_a, s.m], 'daPrev');
    assertShape(g.dcPrev, [s.n_a, s.m], 'dcPrev');
    assertGradient(g.dxt, numericGradient(loss, xt.data, H), { tol: TOL, label: 'dxt' });
    assertGradient(g.daPrev, numericGradient(loss, aPrev.data, H), { tol: TOL, label: 'daPrev' });
    assertGradient(g.dcPrev, numericGradient(loss, cPrev.data, H), { tol: TOL, label: 'dcPrev' });
    for (const [dk, k] of LSTM_PARAMS) {
      assertShape(g[dk], [...params[k].shape], dk);
      assertGradient(g[dk], numericGradient(loss, params[k].data, H), { tol: TOL, label: dk });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------------
const lstmSeq = suite('lstmBackward vs finite differences');
for (const s of SHAPES) {
  lstmSeq(s.name, () => {
    const { draw, params } = lstmSetup(s);
    const x = draw(s.n_x, s.m, s.T);
    const a0 = draw(s.n_a, s.m);
    // A non-zero c0, or zeros that the analytic run leaves to the default (SPEC §3: c0 = 0 unless passed).
    const c0 = s.c0 ? draw(s.n_a, s.m) : { data: new Float64Array(s.n_a * s.m), shape: [s.n_a, s.m] };
    const da = draw(s.n_a, s.m, s.Tb);
    const loss = () => sequenceLoss(rn.lstmForward(x, a0, params, { c0 }).a, da);
    const { caches } = s.c0 ? rn.lstmForward(x, a0, params, { c0 }) : rn.lstmForward(x, a0, params);
    const g = rn.lstmBackward(da, caches);
    assertShape(g.dx, [s.n_x, s.m, s.Tb], 'dx');
    assertShape(g.da0, [s.n_a, s.m], 'da0');
    assertShape(g.dc0, [s.n_a, s.m], 'dc0');
    const dxNumeric = firstSteps(numericGradient(loss, x.data, H), s.n_x, s.m, s.T, s.Tb, 'dx');
    assertGradient(g.dx, dxNumeric, { tol: TOL, label: 'dx' });
    assertGradient(g.da0, numericGradient(loss, a0.data, H), { tol: TOL, label: 'da0' });
    assertGradient(g.dc0, numericGradient(loss, c0.data, H), { tol: TOL, label: 'dc0' });
    for (const [dk, k] of LSTM_PARAMS) {
      assertShape(g[dk], [...params[k].shape], dk);
      assertGradient(g[dk], numericGradient(loss, params[k].data, H), { tol: TOL, label: dk });
    }
  });
}

// A per-element check as well as the norm-based one: on one shape, every single element of every LSTM gradient agrees
// with its finite difference to |a-b| / max(|a|, |b|, 1e-8) < 1e-6, or to 1e-9 absolute for values near zero.
const elementwise = suite('lstmBackward per element');
elementwise("n_x=3, n_a=2, m=2, T=3, T'=2, c0 ≠ 0", () => {
  const s = { n_x: 3, n_a: 2, n_y: 2, m: 2, T: 3, Tb: 2, prediction: false, seed: 21 };
  const { draw, params } = lstmSetup(s);
  const x = draw(s.n_x, s.m, s.T);
  const a0 = draw(s.n_a, s.m);
  const c0 = draw(s.n_a, s.m);
  const da = draw(s.n_a, s.m, s.Tb);
  const loss = () => sequenceLoss(rn.lstmForward(x, a0, params, { c0 }).a, da);
  const g = rn.lstmBackward(da, rn.lstmForward(x, a0, params, { c0 }).caches);
  const pairs = [
    ['dx', g.dx.data, firstSteps(numericGradient(loss, x.data, H), s.n_x, s.m, s.T, s.Tb, 'dx')],
    ['da0', g.da0.data, numericGradient(loss, a0.data, H)],
    ['dc0', g.dc0.data, numericGradient(loss, c0.data, H)],
    ...LSTM_PARAMS.map(([dk, k]) => [dk, g[dk].data, numericGradient(loss, params[k].data, H)]),
  ];
  for (const [label, analytic, numeric] of pairs) {
    assert.is(analytic.length, numeric.length, `${label}: length`);
    for (let i = 0; i < numeric.length; ++i) {
      const a = analytic[i];
      const b = numeric[i];
      const rel = Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-8);
      assert.ok(rel < 1e-6 || Math.abs(a - b) < 1e-9, `${label}[${i}]: analytic ${a}, finite difference ${b}, rel ${rel}`);
    }
  }
});

rnnCell.run();
rnnSeq.run();
lstmCell.run();
lstmSeq.run();
elementwise.run();
