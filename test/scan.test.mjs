// The scan's variable-length hook (native/kernels/scan.h): rows sorted by decreasing length, each row's steps in its
// processing order, `active[s]` rows running at step s. Checked against a plain JavaScript reference written from
// LAYERS.md §2 (finished rows compute nothing and keep their final state, which is H[length][row]), the backward
// pass against central finite differences of J = Σ dH·H over the running rows + Σ dhLast·h_final (+ Σ dcLast·c_final),
// and the team's 2 threads against 1. The reverse direction is the same hook with each row's steps reversed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { native } from '../dist/native.js';

const sigmoid = (v) => 1 / (1 + Math.exp(-v));

function draw(seed, n, scale = 1) {
  const r = new rn.RandomState(seed);
  return Float64Array.from(r.randn(n).data, (v) => v * scale);
}

function makeCase(cell, { n_x, n_a, m, lengths }, seed) {
  const G = cell === 'lstm' ? 4 : 1;
  const T = Math.max(...lengths);
  const active = Int32Array.from({ length: T }, (_, s) => lengths.filter((l) => l > s).length);
  const X = draw(seed, T * m * n_x);
  for (let s = 0; s < T; ++s) for (let i = active[s]; i < m; ++i) X.fill(0, (s * m + i) * n_x, (s * m + i + 1) * n_x);
  return {
    cell, G, n_x, n_a, m, T, lengths, active, X,
    Wx: draw(seed + 1, G * n_a * n_x, 1 / Math.sqrt(n_x + n_a)), Wh: draw(seed + 2, G * n_a * n_a, 1 / Math.sqrt(n_x + n_a)),
    b: draw(seed + 3, G * n_a, 0.1), H0: draw(seed + 4, m * n_a, 0.5), C0: draw(seed + 5, m * n_a, 0.5),
    dH: draw(seed + 6, T * m * n_a), dhLast: draw(seed + 7, m * n_a), dcLast: draw(seed + 8, m * n_a),
  };
}

/** The reference forward: H, C (T + 1, m, n_a), rows past their length zero. */
function reference(c, over = {}) {
  const { G, n_x, n_a, m, T, active } = c;
  const { X, Wx, Wh, b, H0, C0 } = { ...c, ...over };
  const H = new Float64Array((T + 1) * m * n_a);
  const C = new Float64Array((T + 1) * m * n_a);
  H.set(H0);
  C.set(C0);
  const z = new Float64Array(G * n_a);
  for (let s = 0; s < T; ++s) {
    for (let i = 0; i < active[s]; ++i) {
      const h = (s * m + i) * n_a, next = ((s + 1) * m + i) * n_a, x = (s * m + i) * n_x;
      for (let r = 0; r < G * n_a; ++r) {
        let v = b[r];
        for (let j = 0; j < n_x; ++j) v += Wx[r * n_x + j] * X[x + j];
        for (let j = 0; j < n_a; ++j) v += Wh[r * n_a + j] * H[h + j];
        z[r] = v;
      }
      for (let k = 0; k < n_a; ++k) {
        if (c.cell === 'rnn') {
          H[next + k] = Math.tanh(z[k]);
        } else {
          const f = sigmoid(z[k]), ig = sigmoid(z[n_a + k]), g = Math.tanh(z[2 * n_a + k]), o = sigmoid(z[3 * n_a + k]);
          C[next + k] = f * C[h + k] + ig * g;
          H[next + k] = o * Math.tanh(C[next + k]);
        }
      }
    }
  }
  return { H, C };
}

function loss(c, { H, C }) {
  const { m, n_a, T, active, lengths } = c;
  let J = 0;
  for (let s = 0; s < T; ++s) for (let i = 0; i < active[s]; ++i) for (let k = 0; k < n_a; ++k) {
    J += c.dH[(s * m + i) * n_a + k] * H[((s + 1) * m + i) * n_a + k];
  }
  for (let i = 0; i < m; ++i) for (let k = 0; k < n_a; ++k) {
    J += c.dhLast[i * n_a + k] * H[(lengths[i] * m + i) * n_a + k];
    if (c.cell === 'lstm') J += c.dcLast[i * n_a + k] * C[(lengths[i] * m + i) * n_a + k];
  }
  return J;
}

function runScan(c) {
  const { G, n_x, n_a, m, T, active } = c;
  const lstm = c.cell === 'lstm';
  const H = new Float64Array((T + 1) * m * n_a);
  H.set(c.H0);
  const C = lstm ? new Float64Array((T + 1) * m * n_a) : null;
  if (C) C.set(c.C0);
  const Z = lstm ? new Float64Array(T * m * G * n_a) : H.subarray(m * n_a);
  native.scanForward(Z, H, C, c.X, c.Wx, c.Wh, c.b, active, lstm ? 1 : 0, n_x, n_a, m, T);
  const g = {
    dZ: new Float64Array(T * m * G * n_a), dh0: new Float64Array(m * n_a), dc: lstm ? Float64Array.from(c.dcLast) : null,
    dWh: new Float64Array(G * n_a * n_a), dWx: new Float64Array(G * n_a * n_x), db: new Float64Array(G * n_a),
    dX: new Float64Array(T * m * n_x),
  };
  native.scanBackward(g.dZ, g.dh0, g.dc, g.dWh, g.dWx, g.db, g.dX, c.dH, c.dhLast, Z, H, C, c.X, c.Wx, c.Wh, active,
    lstm ? 1 : 0, n_x, n_a, m, T);
  return { H, C, ...g };
}

function assertNear(actual, expected, tolerance, label) {
  assert.is(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; ++i) {
    const error = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
    if (!(error <= tolerance)) assert.unreachable(`${label}[${i}]: ${actual[i]} vs ${expected[i]} (relative ${error} > ${tolerance})`);
  }
}

/** Central finite differences of the loss over every value of `name`. */
function numericGradient(c, name) {
  const values = Float64Array.from(c[name]);
  const gradient = new Float64Array(values.length);
  const eps = 1e-6;
  for (let i = 0; i < values.length; ++i) {
    const v = values[i];
    values[i] = v + eps;
    const plus = loss(c, reference(c, { [name]: values }));
    values[i] = v - eps;
    const minus = loss(c, reference(c, { [name]: values }));
    values[i] = v;
    gradient[i] = (plus - minus) / (2 * eps);
  }
  return gradient;
}

// Lengths include 0 (a row that never runs), 1 and T, in decreasing order.
const SMALL = { n_x: 3, n_a: 17, m: 6, lengths: [5, 5, 3, 2, 1, 0] };

for (const cell of ['rnn', 'lstm']) {
  test(`${cell}: the forward pass with lengths equals the reference, finished rows zero`, () => {
    const c = makeCase(cell, SMALL, 11);
    const ours = runScan(c);
    const ref = reference(c);
    assertNear(ours.H, ref.H, 1e-12, 'H');
    if (cell === 'lstm') assertNear(ours.C, ref.C, 1e-12, 'C');
  });

  test(`${cell}: every gradient with lengths equals central finite differences`, () => {
    const c = makeCase(cell, SMALL, 21);
    const ours = runScan(c);
    const checks = [['dWx', 'Wx'], ['dWh', 'Wh'], ['db', 'b'], ['dX', 'X'], ['dh0', 'H0'], ...(cell === 'lstm' ? [['dc', 'C0']] : [])];
    for (const [gradient, input] of checks) {
      const expected = numericGradient(c, input);
      if (input === 'X') {
        // Inputs past a row's length are not read: their gradient is zero.
        for (let s = 0; s < c.T; ++s) for (let i = c.active[s]; i < c.m; ++i) for (let j = 0; j < c.n_x; ++j) expected[(s * c.m + i) * c.n_x + j] = 0;
      }
      assertNear(ours[gradient], expected, 1e-6, `${cell} ${gradient}`);
    }
  });

  test(`${cell}: 2 threads equal 1 within rounding, with lengths, across the tiling thresholds`, () => {
    const c = makeCase(cell, { n_x: 5, n_a: 96, m: 9, lengths: [7, 7, 6, 6, 4, 3, 1, 1, 0] }, 31);
    const before = rn.getNumThreads();
    try {
      rn.setNumThreads(1);
      const one = runScan(c);
      rn.setNumThreads(2);
      const two = runScan(c);
      for (const key of ['H', 'dWx', 'dWh', 'db', 'dX', 'dh0']) assertNear(two[key], one[key], 1e-12, `${cell} ${key}`);
      assertNear(one.H, reference(c).H, 1e-12, `${cell} H against the reference`);
    } finally {
      rn.setNumThreads(before);
    }
  });
}

test('without lengths (active null) the scan equals every row active', () => {
  const c = makeCase('lstm', { n_x: 3, n_a: 17, m: 4, lengths: [4, 4, 4, 4] }, 41);
  const withActive = runScan(c);
  const without = runScan({ ...c, active: null });
  for (const key of ['H', 'C', 'dWx', 'dWh', 'db', 'dX', 'dh0', 'dc']) assert.equal(without[key], withActive[key], key);
});

test.run();
