// Runs a fixed set of forward and backward passes (notebook functions and layers) and of character-model training steps and prints every result as
// JSON (base64 of the raw bytes), together with kernelInfo(). The parent (test/recurrent.test.mjs) starts it under
// different RNN_NATIVE_RECURRENT / RNN_NATIVE_ISA settings, which the addon reads once at load, and compares.
// argv[2]: a JSON list of thread counts to run every case at, in order (setNumThreads between them).
import * as rn from 'rnn-native';
import { RandomState } from 'rnn-native';

export const UNITS = [1, 5, 15, 16, 17, 33, 64, 96, 257];
export const BATCHES = [1, 9];
// The notebook cases also run m = 16: two full register tiles of AVX-512 rows, which the automatic split deals by
// rows, 8 to each thread.
const NOTEBOOK_BATCHES = [...BATCHES, 16];
// The layers' hidden sizes: every threshold of UNITS up to 64 (the notebook cases cover the larger tiles; the
// layers' outputs at 96 and 257 would make the children's output too long to compare).
const LAYER_UNITS = UNITS.filter((n) => n <= 64);

const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function tensor(r, dtype, ...shape) {
  const t = r.randn(...shape);
  return { data: dtype === 'float32' ? Float32Array.from(t.data) : t.data, shape: t.shape };
}

function lstmParams(r, dtype, n_x, n_a) {
  const p = {};
  for (const g of ['f', 'i', 'c', 'o']) {
    p[`W${g}`] = tensor(r, dtype, n_a, n_a + n_x);
    for (let i = 0; i < p[`W${g}`].data.length; ++i) p[`W${g}`].data[i] /= Math.sqrt(n_a + n_x);
    p[`b${g}`] = tensor(r, dtype, n_a, 1);
  }
  return p;
}

function rnnParams(r, dtype, n_x, n_a) {
  const p = { Wax: tensor(r, dtype, n_a, n_x), Waa: tensor(r, dtype, n_a, n_a), ba: tensor(r, dtype, n_a, 1) };
  for (const k of ['Wax', 'Waa']) for (let i = 0; i < p[k].data.length; ++i) p[k].data[i] /= Math.sqrt(n_a + n_x);
  return p;
}

function runCase(cell, dtype, n_a, m) {
  const n_x = 3, T = 4;
  const r = new RandomState(1000 + n_a * 10 + m);
  const x = tensor(r, dtype, n_x, m, T);
  const a0 = tensor(r, dtype, n_a, m);
  const out = {};
  if (cell === 'lstm') {
    const params = lstmParams(r, dtype, n_x, n_a);
    const c0 = tensor(r, dtype, n_a, m);
    const f = rn.lstmForward(x, a0, params, { c0 });
    const b = rn.lstmBackward(tensor(r, dtype, n_a, m, T - 1), f.caches);
    Object.assign(out, { a: f.a, c: f.c, dx: b.dx, da0: b.da0, dc0: b.dc0, dWf: b.dWf, dWo: b.dWo, dbi: b.dbi, dbc: b.dbc });
  } else {
    const params = rnnParams(r, dtype, n_x, n_a);
    const f = rn.rnnForward(x, a0, params);
    const b = rn.rnnBackward(tensor(r, dtype, n_a, m, T), f.caches);
    Object.assign(out, { a: f.a, dx: b.dx, da0: b.da0, dWax: b.dWax, dWaa: b.dWaa, dba: b.dba });
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, b64(v.data)]));
}

// A 2-layer bidirectional layer with unsorted lengths (0 and T among them), forward and backward, and the forward
// without a tape.
const LAYERS = {
  lstm: (o) => new rn.Lstm(o),
  gru: (o) => new rn.Gru(o),
  'gru resetAfter=false': (o) => new rn.Gru({ ...o, resetAfter: false }),
  'rnn relu': (o) => new rn.Rnn({ ...o, nonlinearity: 'relu' }),
};
function runLayer(cell, dtype, H, m) {
  const I = 3, T = 4, L = 2, D = 2;
  const layer = LAYERS[cell]({ inputSize: I, hiddenSize: H, numLayers: L, bidirectional: true, dtype, seed: H * 10 + m });
  const r = new RandomState(2000 + H * 10 + m);
  const lengths = Array.from({ length: m }, (_, b) => (m === 1 ? 3 : [4, 0, 1, 2, 3, 4, 4, 2, 1][b]));
  const hasCell = cell === 'lstm';
  const states = () => tensor(r, dtype, L * D, m, H);
  const x = tensor(r, dtype, T, m, I);
  const start = { lengths, h0: states(), ...(hasCell ? { c0: states() } : {}) };
  const f = layer.forward(x, { ...start, tape: true });
  const b = layer.backward(f.tape, { dy: tensor(r, dtype, T, m, D * H), dhN: states(), ...(hasCell ? { dcN: states() } : {}) });
  const inference = layer.forward(x, start); // no tape: the scan keeps no gates
  const out = { y: f.y, hN: f.hN, dx: b.dx, dh0: b.dh0, ...(hasCell ? { cN: f.cN, dc0: b.dc0 } : {}) };
  out['y without a tape'] = inference.y;
  out['hN without a tape'] = inference.hN;
  for (const [name, g] of Object.entries(b.grads)) out[name] = g;
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, b64(v.data)]));
}

// Three SGD steps and a sample of a character model (40 units, 9 characters, batches of 6 × 9).
function runModel(cell, dtype) {
  const model = rn.CharModel.create({ alphabet: 'abcdefgh\n', cell, hiddenSize: 40, dtype, seed: 3 });
  const r = new RandomState(5);
  const ids = () => Int32Array.from({ length: 6 * 9 }, () => r.uint32() % 9);
  // SGD, not Adam: Adam's m/√v turns a last-bit difference of a near-zero gradient into a step of ±learningRate.
  const optimizer = new rn.Sgd({ learningRate: 0.1 });
  const losses = [];
  for (let i = 0; i < 3; ++i) losses.push(model.trainStep({ inputs: ids(), targets: ids(), batchSize: 6, steps: 9 }, { optimizer }));
  return { losses, params: b64(model.parameters), sample: model.sample({ random: new RandomState(7), maxLength: 30 }) };
}

const threads = JSON.parse(process.argv[2] ?? '[1]');
const runs = threads.map((n) => {
  rn.setNumThreads(n);
  const cases = {};
  for (const cell of ['lstm', 'rnn'])
    for (const dtype of ['float64', 'float32']) {
      for (const n_a of UNITS) for (const m of NOTEBOOK_BATCHES) cases[`${cell} ${dtype} n_a=${n_a} m=${m}`] = runCase(cell, dtype, n_a, m);
      cases[`${cell} ${dtype} char model`] = runModel(cell, dtype);
    }
  for (const cell of Object.keys(LAYERS))
    for (const dtype of ['float64', 'float32'])
      for (const H of LAYER_UNITS) for (const m of BATCHES) cases[`layer ${cell} ${dtype} H=${H} m=${m}`] = runLayer(cell, dtype, H, m);
  return { threads: n, cases };
});
process.stdout.write(JSON.stringify({ kernel: rn.kernelInfo(), runs }));
