// The layer classes (LAYERS.md §1, §2) against real PyTorch: every case in test/fixtures/torch/ (written by
// scripts/torch-fixtures.py with torch.nn.LSTM / GRU / RNN, autograd for the gradients) is rebuilt as our layer with
// PyTorch's parameters copied in, run forward with a tape and backward, and every output compared: y, hN, cN, dx,
// dh0, dc0 and each parameter's gradient, to max|ours - torch| / max(1, max|torch|) ≤ 1e-10 (float64) or 1e-5
// (float32). Where `/usr/bin/python3 -c 'import torch'` works (TORCH_PYTHON overrides the interpreter), six more
// random configurations are generated live with a fixed seed and compared the same way.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';

const FIXTURES = fileURLToPath(new URL('./fixtures/torch/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../scripts/torch-fixtures.py', import.meta.url));
const PYTHON = process.env.TORCH_PYTHON || '/usr/bin/python3';
const LIVE_SEED = 20250;
const LIVE_CASES = 6;
const TOLERANCE = { float64: 1e-10, float32: 1e-5 };

function loadDir(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
}

const Arrays = { float64: Float64Array, float32: Float32Array };

/** A fixture tensor as the package's input tensor of the case's dtype. */
function tensor(t, dtype) {
  return { data: new Arrays[dtype](t.data), shape: [...t.shape] };
}

/** Asserts ours (a tensor {data, shape}) matches the PyTorch tensor t: dtype, shape, then the relative error. */
function compare(label, ours, t, dtype) {
  assert.ok(ours && typeof ours === 'object' && 'data' in ours && 'shape' in ours, `${label}: not a tensor: ${ours}`);
  assert.ok(ours.data instanceof Arrays[dtype], `${label}: data is ${ours.data?.constructor?.name}, expected ${Arrays[dtype].name}`);
  assert.equal([...ours.shape], t.shape, `${label}: shape (${ours.shape}), expected (${t.shape})`);
  assert.is(ours.data.length, t.data.length, `${label}: data length`);
  let scale = 0;
  for (const v of t.data) scale = Math.max(scale, Math.abs(v));
  let worst = -1;
  let worstAt = -1;
  for (let i = 0; i < t.data.length; ++i) {
    const d = Math.abs(ours.data[i] - t.data[i]);
    if (!(d <= worst)) { worst = d; worstAt = i; } // NaN always becomes the worst
  }
  if (t.data.length === 0) return;
  const err = worst / Math.max(1, scale);
  if (!(err <= TOLERANCE[dtype])) {
    assert.unreachable(
      `${label}: relative error ${err} > ${TOLERANCE[dtype]} (${dtype}); worst at flat index ${worstAt} ` +
        `(multi-index [${unravel(worstAt, t.shape)}]): torch ${t.data[worstAt]}, ours ${ours.data[worstAt]}`,
    );
  }
}

function unravel(i, shape) {
  const idx = [];
  for (let k = shape.length - 1; k >= 0; --k) { idx.unshift(i % shape[k]); i = Math.floor(i / shape[k]); }
  return idx;
}

const CLASSES = { lstm: 'Lstm', gru: 'Gru', rnn: 'Rnn' };

function runCase(c, index) {
  const { cell, config } = c;
  const dtype = config.dtype;
  const Cls = rn[CLASSES[cell]];
  assert.type(Cls, 'function', `rn.${CLASSES[cell]} is not exported`);
  const options = {
    inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers,
    bidirectional: config.bidirectional, layout: config.layout, dtype,
  };
  if (cell === 'gru') options.resetAfter = true;
  if (cell === 'rnn') options.nonlinearity = config.nonlinearity;
  const layer = new Cls(options);

  // parameters: exactly PyTorch's state_dict names and shapes, then PyTorch's values copied in
  assert.equal(Object.keys(layer.parameters).sort(), Object.keys(c.parameters).sort(), 'parameter names');
  for (const [name, t] of Object.entries(c.parameters)) {
    const p = layer.parameters[name];
    assert.equal([...p.shape], t.shape, `parameters.${name}: shape`);
    assert.ok(p.data instanceof Arrays[dtype], `parameters.${name}: dtype`);
    p.data.set(t.data);
  }

  const fwd = { tape: true };
  // lengths alternate between number[] and Int32Array across cases (§2 takes both)
  if (c.lengths) fwd.lengths = index % 2 ? Int32Array.from(c.lengths) : [...c.lengths];
  if (c.h0) fwd.h0 = tensor(c.h0, dtype);
  if (c.c0) fwd.c0 = tensor(c.c0, dtype);
  const out = layer.forward(tensor(c.x, dtype), fwd);
  compare('y', out.y, c.y, dtype);
  compare('hN', out.hN, c.hN, dtype);
  if (cell === 'lstm') compare('cN', out.cN, c.cN, dtype);
  else assert.is(out.cN, undefined, 'cN exists for the LSTM only');
  assert.ok(out.tape, 'forward with tape: true returns a tape');

  const seeds = { dy: tensor(c.dy, dtype), dhN: tensor(c.dhN, dtype) };
  if (cell === 'lstm') seeds.dcN = tensor(c.dcN, dtype);
  const back = layer.backward(out.tape, seeds);
  compare('dx', back.dx, c.dx, dtype);
  compare('dh0', back.dh0, c.dh0, dtype);
  if (cell === 'lstm') compare('dc0', back.dc0, c.dc0, dtype);
  else assert.is(back.dc0, undefined, 'dc0 exists for the LSTM only');
  assert.equal(Object.keys(back.grads).sort(), Object.keys(c.grads).sort(), 'grads has exactly the parameter names');
  for (const name of Object.keys(c.grads)) compare(`grads.${name}`, back.grads[name], c.grads[name], dtype);
}

function describe(c) {
  const k = c.config;
  return `${c.file}: ${c.cell}${k.nonlinearity ? `(${k.nonlinearity})` : ''} I=${k.inputSize} H=${k.hiddenSize} ` +
    `L=${k.numLayers}${k.bidirectional ? ' bidirectional' : ''} ${k.layout} ${k.dtype}` +
    `${c.lengths ? ` lengths=[${c.lengths}]` : ''}${c.h0 ? '' : ' zero initial state'}`;
}

const committed = loadDir(FIXTURES);

test('the committed PyTorch fixtures are there', () => {
  assert.ok(committed.length >= 12, `only ${committed.length} fixtures in ${FIXTURES}`);
  for (const cell of ['lstm', 'gru', 'rnn']) {
    assert.ok(committed.some((c) => c.cell === cell && c.config.dtype === 'float32'), `a float32 ${cell} case`);
    assert.ok(committed.some((c) => c.cell === cell && c.lengths), `a ${cell} case with lengths`);
  }
});

committed.forEach((c, i) => test(`torch fixture ${describe(c)}`, () => runCase(c, i)));

const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
if (probe.error || probe.status !== 0) {
  console.log('torch.test: python3 torch not importable, live comparison skipped');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-torch-'));
  let live = [];
  try {
    const run = spawnSync(PYTHON, [SCRIPT, '--random', String(LIVE_CASES), '--seed', String(LIVE_SEED), '--out', dir],
      { encoding: 'utf8', timeout: 120_000 });
    if (run.error || run.status !== 0) {
      test('the live PyTorch reference script runs', () => {
        assert.unreachable(`torch-fixtures.py failed: ${run.error ?? ''} ${run.stderr}`);
      });
    } else {
      live = loadDir(dir);
      test('the live PyTorch reference script wrote its cases', () => assert.is(live.length, LIVE_CASES));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  live.forEach((c, i) => test(`torch live ${describe(c)}`, () => runCase(c, i)));
}

test.run();
