// The layer reference (test/support/layers-reference.mjs) checked on its own, before anything is compared with it:
// its hand-written backward against central differences of its forward (float64) on every cell, 1–3 layers, both
// directions and layouts, mixed lengths including 0; its one-layer LSTM and tanh RNN against the package's notebook
// functions (lstmForward/lstmBackward, rnnForward/rnnBackward: another layout, gate order and weight split, and a
// code base the reference shares nothing with); against real PyTorch (torch.nn.LSTM/GRU/RNN and autograd, the cases
// of test/fixtures/torch/ written by scripts/torch-fixtures.py); GRU and ReLU steps written out by hand for H = 1;
// and its layout, direction, length and stacking handling against the simpler paths they must reduce to.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { referenceBackward, referenceForward, parameterShapes } from './support/layers-reference.mjs';
import { assertGradient, assertNear, cast, centralDifferences, dot, generator, randomParams, tensor } from './support/layers-data.mjs';

const CELLS = [
  ['lstm', {}],
  ['gru', { resetAfter: true }],
  ['gru', { resetAfter: false }],
  ['rnn', { nonlinearity: 'tanh' }],
  ['rnn', { nonlinearity: 'relu' }],
];
const label = (cell, cfg) => `${cell} ${JSON.stringify(cfg)}`;

/** A random problem: x, states, upstream gradients, lengths (unsorted, with a 0 and a T when m allows). */
function problem(cell, cfg, { T, m, lengths, withState = true }, g) {
  const D = cfg.bidirectional ? 2 : 1;
  const H = cfg.hiddenSize;
  const timeMajor = (cfg.layout ?? 'time-major') === 'time-major';
  const xShape = timeMajor ? [T, m, cfg.inputSize] : [m, T, cfg.inputSize];
  const yShape = timeMajor ? [T, m, D * H] : [m, T, D * H];
  const sShape = [(cfg.numLayers ?? 1) * D, m, H];
  const n = () => g.normal();
  return {
    params: randomParams(cell, cfg, g, 0.8),
    x: tensor(xShape, n),
    opts: {
      lengths,
      h0: withState ? tensor(sShape, () => 0.5 * n()) : undefined,
      c0: withState && cell === 'lstm' ? tensor(sShape, () => 0.5 * n()) : undefined,
    },
    up: {
      dy: tensor(yShape, n),
      dhN: tensor(sShape, n),
      dcN: cell === 'lstm' ? tensor(sShape, n) : undefined,
    },
  };
}

/** J = Σ dy ⊙ y + Σ dhN ⊙ hN (+ Σ dcN ⊙ cN) of the reference forward. */
function loss(cell, cfg, pr) {
  const r = referenceForward(cell, cfg, pr.params, pr.x, pr.opts);
  let J = dot(pr.up.dy.data, r.y.data) + dot(pr.up.dhN.data, r.hN.data);
  if (cell === 'lstm') J += dot(pr.up.dcN.data, r.cN.data);
  return J;
}

function checkAgainstDifferences(cell, cfg, shape, seed) {
  const g = generator(seed);
  const pr = problem(cell, cfg, shape, g);
  const back = referenceBackward(cell, cfg, pr.params, pr.x, pr.opts, pr.up);
  const where = `${label(cell, cfg)} T=${shape.T} m=${shape.m} lengths=${shape.lengths}`;
  const J = () => loss(cell, cfg, pr);
  const relu = cfg.nonlinearity === 'relu';
  assertGradient(back.dx, centralDifferences(J, pr.x.data), 1e-6, `${where}: dx`);
  if (pr.opts.h0) assertGradient(back.dh0, centralDifferences(J, pr.opts.h0.data), 1e-6, `${where}: dh0`);
  if (pr.opts.c0) assertGradient(back.dc0, centralDifferences(J, pr.opts.c0.data), 1e-6, `${where}: dc0`);
  assert.equal(Object.keys(back.grads), Object.keys(parameterShapes(cell, cfg)), `${where}: grads keys`);
  let nonzero = 0;
  for (const [name, t] of Object.entries(pr.params)) {
    assert.equal(back.grads[name].shape, t.shape, `${where}: ${name} shape`);
    if (assertGradient(back.grads[name], centralDifferences(J, t.data), 1e-6, `${where}: ${name}`, relu) > 0) ++nonzero;
  }
  // A ReLU layer may have dead units (zero gradients both ways), never all of them.
  assert.ok(nonzero > Object.keys(pr.params).length / 2, `${where}: only ${nonzero} parameter gradients are nonzero`);
  // Padded steps: dx is exactly zero at t ≥ ℓ.
  if (shape.lengths) {
    const I = cfg.inputSize;
    const timeMajor = (cfg.layout ?? 'time-major') === 'time-major';
    for (let b = 0; b < shape.m; ++b) {
      for (let t = shape.lengths[b]; t < shape.T; ++t) {
        for (let q = 0; q < I; ++q) {
          const v = back.dx.data[((timeMajor ? t * shape.m + b : b * shape.T + t) * I) + q];
          assert.is(v, 0, `${where}: dx[t=${t}, b=${b}] must be 0 past the length`);
        }
      }
    }
  }
  return back;
}

const SHAPES = [
  { cfg: { inputSize: 3, hiddenSize: 4 }, T: 4, m: 2 },
  { cfg: { inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true }, T: 4, m: 4, lengths: [3, 0, 4, 1] },
  { cfg: { inputSize: 3, hiddenSize: 2, numLayers: 3, bidirectional: true, layout: 'batch-major' }, T: 3, m: 3, lengths: [2, 3, 1] },
  { cfg: { inputSize: 2, hiddenSize: 3, numLayers: 2, layout: 'batch-major' }, T: 5, m: 3, lengths: [5, 2, 0], withState: false },
  { cfg: { inputSize: 1, hiddenSize: 1, bidirectional: true }, T: 3, m: 2, lengths: [1, 3] },
];

CELLS.forEach(([cell, extra], ci) => {
  test(`reference backward = central differences of the reference forward: ${label(cell, extra)}`, () => {
    SHAPES.forEach((s, si) => checkAgainstDifferences(cell, { ...s.cfg, ...extra }, s, 100 * ci + si + 1));
  });
});

// ---- against the package's notebook functions (SPEC §3) ----

/** The notebook layout (n, m, T) of a time-major (T, m, n) tensor. */
function toNotebook(t) {
  const [T, m, n] = t.shape;
  const out = new Float64Array(n * m * T);
  for (let s = 0; s < T; ++s) for (let b = 0; b < m; ++b) for (let j = 0; j < n; ++j) out[(j * m + b) * T + s] = t.data[(s * m + b) * n + j];
  return { data: out, shape: [n, m, T] };
}
/** State row 0 of (1, m, H) as the notebook's (H, m). */
function stateToNotebook(t) {
  const [, m, H] = t.shape;
  const out = new Float64Array(H * m);
  for (let b = 0; b < m; ++b) for (let j = 0; j < H; ++j) out[j * m + b] = t.data[b * H + j];
  return { data: out, shape: [H, m] };
}
/** The last step of a notebook (n, m, T) tensor as a (1, m, n) state. */
function lastStep(t) {
  const [n, m, T] = t.shape;
  const out = new Float64Array(n * m);
  for (let b = 0; b < m; ++b) for (let j = 0; j < n; ++j) out[b * n + j] = t.data[(j * m + b) * T + T - 1];
  return { data: out, shape: [1, m, n] };
}

/** LSTM PyTorch parameters → notebook {Wf, bf, Wi, bi, Wc, bc, Wo, bo}: W = [W_hh | W_ih] rows of the gate, b = b_ih + b_hh. */
function notebookLstmParams(p, H, I) {
  const out = {};
  const block = { i: 0, f: 1, g: 2, o: 3 };
  for (const [nb, gate] of [['f', 'f'], ['i', 'i'], ['c', 'g'], ['o', 'o']]) {
    const W = new Float64Array(H * (H + I));
    const b = new Float64Array(H);
    for (let j = 0; j < H; ++j) {
      const r = block[gate] * H + j;
      for (let q = 0; q < H; ++q) W[j * (H + I) + q] = p.weight_hh_l0.data[r * H + q];
      for (let q = 0; q < I; ++q) W[j * (H + I) + H + q] = p.weight_ih_l0.data[r * I + q];
      b[j] = p.bias_ih_l0.data[r] + p.bias_hh_l0.data[r];
    }
    out[`W${nb}`] = { data: W, shape: [H, H + I] };
    out[`b${nb}`] = { data: b, shape: [H, 1] };
  }
  return out;
}

test('reference LSTM (1 layer, 1 direction) = the notebook lstmForward / lstmBackward', () => {
  for (const [seed, I, H, T, m] of [[1, 3, 5, 7, 4], [2, 1, 1, 3, 1], [3, 6, 17, 5, 3], [4, 4, 2, 1, 2]]) {
    const g = generator(seed);
    const cfg = { inputSize: I, hiddenSize: H };
    const params = randomParams('lstm', cfg, g, 0.9);
    const x = tensor([T, m, I], () => g.normal());
    const h0 = tensor([1, m, H], () => g.normal());
    const c0 = tensor([1, m, H], () => g.normal());
    const where = `I=${I} H=${H} T=${T} m=${m}`;
    const ref = referenceForward('lstm', cfg, params, x, { h0, c0 });
    const nbParams = notebookLstmParams(params, H, I);
    const nb = rn.lstmForward(toNotebook(x), stateToNotebook(h0), nbParams, { c0: stateToNotebook(c0) });
    assertNear(toNotebook(ref.y), nb.a, 1e-12, `${where}: y vs a`);
    assertNear(ref.hN.data, lastStep(nb.a).data, 1e-12, `${where}: hN vs a[..., T-1]`);
    assertNear(ref.cN.data, lastStep(nb.c).data, 1e-12, `${where}: cN vs c[..., T-1]`);
    // Backward from dy alone (the notebook's lstmBackward takes da only).
    const dy = tensor([T, m, H], () => g.normal());
    const back = referenceBackward('lstm', cfg, params, x, { h0, c0 }, { dy });
    const nbBack = rn.lstmBackward(toNotebook(dy), nb.caches);
    assertNear(toNotebook(back.dx), nbBack.dx, 1e-11, `${where}: dx`);
    assertNear(stateToNotebook(back.dh0), nbBack.da0, 1e-11, `${where}: dh0 vs da0`);
    assertNear(stateToNotebook(back.dc0), nbBack.dc0, 1e-11, `${where}: dc0`);
    // dW_ih / dW_hh of gate g are the notebook's dW columns; db_ih = db_hh = the notebook's db.
    const G = { i: 0, f: 1, g: 2, o: 3 };
    for (const [nbName, gate] of [['f', 'f'], ['i', 'i'], ['c', 'g'], ['o', 'o']]) {
      const dW = nbBack[`dW${nbName}`].data;
      const db = nbBack[`db${nbName}`].data;
      for (let j = 0; j < H; ++j) {
        const r = G[gate] * H + j;
        for (let q = 0; q < H; ++q) assertNear([back.grads.weight_hh_l0.data[r * H + q]], [dW[j * (H + I) + q]], 1e-11, `${where}: dW_hh ${gate}[${j}][${q}]`);
        for (let q = 0; q < I; ++q) assertNear([back.grads.weight_ih_l0.data[r * I + q]], [dW[j * (H + I) + H + q]], 1e-11, `${where}: dW_ih ${gate}[${j}][${q}]`);
        assertNear([back.grads.bias_ih_l0.data[r]], [db[j]], 1e-11, `${where}: db_ih ${gate}[${j}]`);
        assertNear([back.grads.bias_hh_l0.data[r]], [db[j]], 1e-11, `${where}: db_hh ${gate}[${j}]`);
      }
    }
  }
});

test('reference tanh RNN (1 layer, 1 direction) = the notebook rnnForward / rnnBackward', () => {
  for (const [seed, I, H, T, m] of [[11, 3, 5, 4, 10], [12, 1, 1, 2, 1], [13, 7, 16, 6, 3]]) {
    const g = generator(seed);
    const cfg = { inputSize: I, hiddenSize: H };
    const params = randomParams('rnn', cfg, g, 0.9);
    const x = tensor([T, m, I], () => g.normal());
    const h0 = tensor([1, m, H], () => g.normal());
    const where = `I=${I} H=${H} T=${T} m=${m}`;
    const ref = referenceForward('rnn', cfg, params, x, { h0 });
    assert.is(ref.cN, undefined);
    const ba = Float64Array.from({ length: H }, (_, j) => params.bias_ih_l0.data[j] + params.bias_hh_l0.data[j]);
    const nbParams = { Wax: params.weight_ih_l0, Waa: params.weight_hh_l0, ba: { data: ba, shape: [H, 1] } };
    const nb = rn.rnnForward(toNotebook(x), stateToNotebook(h0), nbParams);
    assertNear(toNotebook(ref.y), nb.a, 1e-12, `${where}: y vs a`);
    assertNear(ref.hN.data, lastStep(nb.a).data, 1e-12, `${where}: hN`);
    const dy = tensor([T, m, H], () => g.normal());
    const back = referenceBackward('rnn', cfg, params, x, { h0 }, { dy });
    const nbBack = rn.rnnBackward(toNotebook(dy), nb.caches);
    assertNear(toNotebook(back.dx), nbBack.dx, 1e-11, `${where}: dx`);
    assertNear(stateToNotebook(back.dh0), nbBack.da0, 1e-11, `${where}: dh0 vs da0`);
    assertNear(back.grads.weight_ih_l0.data, nbBack.dWax.data, 1e-11, `${where}: dW_ih vs dWax`);
    assertNear(back.grads.weight_hh_l0.data, nbBack.dWaa.data, 1e-11, `${where}: dW_hh vs dWaa`);
    assertNear(back.grads.bias_ih_l0.data, nbBack.dba.data, 1e-11, `${where}: db_ih vs dba`);
    assertNear(back.grads.bias_hh_l0.data, nbBack.dba.data, 1e-11, `${where}: db_hh vs dba`);
  }
});

// ---- against PyTorch ----

test('reference = PyTorch on every case of test/fixtures/torch/ (forward and autograd gradients)', () => {
  const dir = fileURLToPath(new URL('./fixtures/torch/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length > 0, `no PyTorch cases in ${dir}`);
  for (const file of files) {
    const c = JSON.parse(readFileSync(dir + file, 'utf8'));
    // float32 cases were computed by PyTorch in float32: the float64 reference differs by float32 rounding.
    const tol = c.config.dtype === 'float32' ? 1e-5 : 1e-12;
    const opts = { lengths: c.lengths, h0: c.h0, c0: c.c0 };
    const fw = referenceForward(c.cell, c.config, c.parameters, c.x, opts);
    const bw = referenceBackward(c.cell, c.config, c.parameters, c.x, opts, { dy: c.dy, dhN: c.dhN, dcN: c.dcN });
    const where = `${file} ${JSON.stringify(c.config)}`;
    for (const [name, ours, theirs] of [['y', fw.y, c.y], ['hN', fw.hN, c.hN], ['cN', fw.cN, c.cN], ['dx', bw.dx, c.dx], ['dh0', bw.dh0, c.dh0], ['dc0', bw.dc0, c.dc0]]) {
      if (theirs === undefined) {
        assert.is(ours, undefined, `${where}: ${name} is for the LSTM only`);
        continue;
      }
      assertNear(ours, theirs, tol, `${where}: ${name}`);
    }
    assert.equal(Object.keys(bw.grads).sort(), Object.keys(c.grads).sort(), `${where}: grads keys`);
    for (const [name, t] of Object.entries(c.grads)) assertNear(bw.grads[name], t, tol, `${where}: grads.${name}`);
  }
});

// ---- one step by hand, H = I = 1 ----

const scalarParams = (wih, whh, bih, bhh) => ({
  weight_ih_l0: { data: wih, shape: [wih.length, 1] },
  weight_hh_l0: { data: whh, shape: [whh.length, 1] },
  bias_ih_l0: { data: bih, shape: [bih.length] },
  bias_hh_l0: { data: bhh, shape: [bhh.length] },
});
const s = (v) => 1 / (1 + Math.exp(-v));

test('reference GRU step by hand (gate order r, z, n; both n equations)', () => {
  const [wr, wz, wn] = [0.3, -0.7, 1.1];
  const [ur, uz, un] = [0.9, 0.4, -1.3];
  const [br, bz, bn] = [0.05, -0.2, 0.15];
  const [cr, cz, cn] = [-0.1, 0.25, 0.6];
  const p = scalarParams([wr, wz, wn], [ur, uz, un], [br, bz, bn], [cr, cz, cn]);
  const x = 0.8;
  const h = -0.6;
  const r = s(wr * x + br + ur * h + cr);
  const z = s(wz * x + bz + uz * h + cz);
  const nAfter = Math.tanh(wn * x + bn + r * (un * h + cn));
  const nBefore = Math.tanh(wn * x + bn + un * (r * h) + cn);
  for (const [resetAfter, n] of [[true, nAfter], [false, nBefore]]) {
    const out = referenceForward('gru', { inputSize: 1, hiddenSize: 1, resetAfter }, p, { data: [x], shape: [1, 1, 1] }, { h0: { data: [h], shape: [1, 1, 1] } });
    const expected = (1 - z) * n + z * h;
    assert.ok(Math.abs(out.y.data[0] - expected) < 1e-15, `resetAfter ${resetAfter}: ${out.y.data[0]} vs ${expected}`);
    assert.is(out.hN.data[0], out.y.data[0]);
  }
  assert.ok(Math.abs(nAfter - nBefore) > 1e-3, 'the two n equations must differ on this example');
});

test('reference RNN relu and LSTM steps by hand', () => {
  const p = scalarParams([0.5], [-0.4], [0.1], [0.2]);
  const one = (v) => ({ data: [v], shape: [1, 1, 1] });
  for (const [x, h] of [[1.2, 0.3], [-1.2, 0.3]]) {
    const a = 0.5 * x + 0.1 - 0.4 * h + 0.2;
    const out = referenceForward('rnn', { inputSize: 1, hiddenSize: 1, nonlinearity: 'relu' }, p, one(x), { h0: one(h) });
    assert.is(out.y.data[0], Math.max(0, a));
    const t = referenceForward('rnn', { inputSize: 1, hiddenSize: 1 }, p, one(x), { h0: one(h) });
    assert.is(t.y.data[0], Math.tanh(a));
  }
  // LSTM gate order i, f, g, o.
  const w = [0.3, -0.5, 0.8, 1.2];
  const u = [-0.6, 0.7, 0.2, -0.9];
  const bi = [0.1, 0.2, -0.3, 0.05];
  const bh = [0.0, -0.1, 0.25, 0.3];
  const lp = scalarParams(w, u, bi, bh);
  const x = 0.7;
  const h = -0.4;
  const c = 1.3;
  const pre = (k) => w[k] * x + bi[k] + u[k] * h + bh[k];
  const cNew = s(pre(1)) * c + s(pre(0)) * Math.tanh(pre(2));
  const hNew = s(pre(3)) * Math.tanh(cNew);
  const out = referenceForward('lstm', { inputSize: 1, hiddenSize: 1 }, lp, one(x), { h0: one(h), c0: one(c) });
  assert.ok(Math.abs(out.cN.data[0] - cNew) < 1e-15, `cN ${out.cN.data[0]} vs ${cNew}`);
  assert.ok(Math.abs(out.hN.data[0] - hNew) < 1e-15, `hN ${out.hN.data[0]} vs ${hNew}`);
});

// ---- structure: layouts, directions, lengths, stacking, states ----

/** (T, m, n) ↔ (m, T, n). */
function swap01(t) {
  const [A, B, n] = t.shape;
  const out = new Float64Array(t.data.length);
  for (let a = 0; a < A; ++a) for (let b = 0; b < B; ++b) for (let j = 0; j < n; ++j) out[(b * A + a) * n + j] = t.data[(a * B + b) * n + j];
  return { data: out, shape: [B, A, n] };
}
/** Sequence b's first ℓ steps of a time-major (T, m, n) tensor, optionally reversed, as (ℓ, 1, n). */
function slice(t, b, l, reversed = false) {
  const [, m, n] = t.shape;
  const out = new Float64Array(l * n);
  for (let s2 = 0; s2 < l; ++s2) {
    const src = reversed ? l - 1 - s2 : s2;
    for (let j = 0; j < n; ++j) out[s2 * n + j] = t.data[(src * m + b) * n + j];
  }
  return { data: out, shape: [l, 1, n] };
}
/** Rows [from, from + count) of an (R, m, H) state, or batch column b only. */
function stateRows(t, from, count, b) {
  const [, m, H] = t.shape;
  const bs = b === undefined ? [...Array(m).keys()] : [b];
  const out = [];
  for (let r = from; r < from + count; ++r) for (const bb of bs) for (let j = 0; j < H; ++j) out.push(t.data[(r * m + bb) * H + j]);
  return { data: Float64Array.from(out), shape: [count, bs.length, H] };
}
/** The parameters of layer k (direction suffix `from`) renamed to layer 0 direction `to`. */
function rename(params, k, from, to = '') {
  const out = {};
  for (const base of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) out[`${base}_l0${to}`] = params[`${base}_l${k}${from}`];
  return out;
}

CELLS.forEach(([cell, extra], ci) => {
  test(`reference structure: ${label(cell, extra)}`, () => {
    const g = generator(500 + ci);
    const I = 3;
    const H = 4;
    const T = 5;
    const m = 4;
    const lengths = [5, 2, 0, 3];
    const cfg = { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, ...extra };
    const params = randomParams(cell, cfg, g, 0.8);
    const x = tensor([T, m, I], () => g.normal());
    const h0 = tensor([4, m, H], () => g.normal());
    const c0 = cell === 'lstm' ? tensor([4, m, H], () => g.normal()) : undefined;
    const full = referenceForward(cell, cfg, params, x, { lengths, h0, c0 });

    // batch-major is the transpose of time-major, states unchanged.
    const bm = referenceForward(cell, { ...cfg, layout: 'batch-major' }, params, swap01(x), { lengths, h0, c0 });
    assert.equal(Array.from(bm.y.data), Array.from(swap01(full.y).data), 'batch-major y');
    assert.equal(Array.from(bm.hN.data), Array.from(full.hN.data), 'batch-major hN');

    // Stacking: layer 1 reads layer 0's y; each direction is a one-direction layer over its own (reversed) prefix.
    const layer0 = referenceForward(cell, { ...cfg, numLayers: 1 }, {
      ...rename(params, 0, ''), ...rename(params, 0, '_reverse', '_reverse'),
    }, x, { lengths, h0: stateRows(h0, 0, 2), c0: c0 && stateRows(c0, 0, 2) });
    const layer1 = referenceForward(cell, { ...cfg, numLayers: 1, inputSize: 2 * H }, {
      ...rename(params, 1, ''), ...rename(params, 1, '_reverse', '_reverse'),
    }, layer0.y, { lengths, h0: stateRows(h0, 2, 2), c0: c0 && stateRows(c0, 2, 2) });
    assert.equal(Array.from(layer1.y.data), Array.from(full.y.data), 'stacked y = layer 1 of layer 0');
    assert.equal([...stateRows(full.hN, 0, 2).data], [...layer0.hN.data], 'hN rows 0, 1 = layer 0');
    assert.equal([...stateRows(full.hN, 2, 2).data], [...layer1.hN.data], 'hN rows 2, 3 = layer 1');

    for (let b = 0; b < m; ++b) {
      const l = lengths[b];
      for (const [d, suffix] of [[0, ''], [1, '_reverse']]) {
        const one = { inputSize: I, hiddenSize: H, ...extra };
        const pd = rename(params, 0, suffix);
        const h0d = stateRows(h0, d, 1, b);
        const c0d = c0 && stateRows(c0, d, 1, b);
        const hNd = stateRows(layer0.hN, d, 1, b).data;
        if (l === 0) {
          // Nothing processed: the final state is the initial state, y is zero.
          assert.equal([...hNd], [...h0d.data], `b=${b} d=${d}: hN = h0 when ℓ = 0`);
          if (c0) assert.equal([...stateRows(layer0.cN, d, 1, b).data], [...c0d.data], `b=${b} d=${d}: cN = c0 when ℓ = 0`);
        } else {
          const alone = referenceForward(cell, one, pd, slice(x, b, l, d === 1), { h0: h0d, c0: c0d });
          assert.equal([...hNd], [...alone.hN.data], `b=${b} d=${d}: hN of the sequence alone`);
          for (let s2 = 0; s2 < l; ++s2) {
            const t = d === 0 ? s2 : l - 1 - s2;
            for (let j = 0; j < H; ++j) {
              assert.is(layer0.y.data[(t * m + b) * 2 * H + d * H + j], alone.y.data[s2 * H + j], `b=${b} d=${d} t=${t}: y`);
            }
          }
        }
        for (let t = l; t < T; ++t) for (let j = 0; j < 2 * H; ++j) assert.is(full.y.data[(t * m + b) * 2 * H + j], 0, `y[${t}, ${b}] past ℓ`);
      }
    }

    // Absent states are zero states; no lengths are lengths T.
    const zeros = tensor([4, m, H], () => 0);
    const a = referenceForward(cell, cfg, params, x, {});
    const z = referenceForward(cell, cfg, params, x, { lengths: [T, T, T, T], h0: zeros, c0: c0 && zeros });
    assert.equal(Array.from(a.y.data), Array.from(z.y.data), 'absent h0/c0/lengths');
    assert.ok(a.y.data.some((v, i) => v !== full.y.data[i]), 'states and lengths change y');

    // Backward through a float32-valued input reads the same numbers (no float32 rounding inside).
    const x32 = cast(x, Float32Array);
    const r32 = referenceForward(cell, cfg, params, x32, { lengths });
    const r64 = referenceForward(cell, cfg, params, cast(x32, Float64Array), { lengths });
    assert.equal(Array.from(r32.y.data), Array.from(r64.y.data), 'float32 input read exactly');
  });
});

test.run();
