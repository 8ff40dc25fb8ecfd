// Layer files (LAYERS.md §4, issue 13): PyTorch state_dicts written by real PyTorch and safetensors
// (test/fixtures/safetensors/, scripts/torch-safetensors-fixtures.py) read by Lstm/Gru/Rnn.fromPyTorch, whose forward
// must equal PyTorch's; save → loadLayer bit for bit for every class and option; the safetensors reader's views,
// conversions and writer; and saves that fail (a full disk) or are killed (SIGKILL) leaving the old file whole.
// Hostile files are in hostile-files.test.mjs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as rn from 'rnn-native';
import { encodeSafetensors, floatValues, readSafetensors } from '../dist/formats/safetensors.js';
import { killMidSave, mountTmpfs as mountIn, temporaries, unmount } from './support/disk.mjs';

const FIXTURES = fileURLToPath(new URL('./fixtures/safetensors/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));
const PYTHON = process.env.TORCH_PYTHON || '/usr/bin/python3';
const TOLERANCE = { float32: 1e-5, float64: 1e-12 };
const dir = mkdtempSync(join(tmpdir(), 'rnn-native-layer-files-'));
const fixture = (name) => join(FIXTURES, `${name}.safetensors`);
const Arrays = { float32: Float32Array, float64: Float64Array };

/** The tensors of a safetensors file as { data, shape } of their float values. */
function tensorsOf(path) {
  const { tensors } = readSafetensors(path, path);
  return Object.fromEntries([...tensors].map(([name, t]) => [name, { data: floatValues(t), shape: [...t.shape] }]));
}

/** max |ours − torch| / max(1, max |torch|) ≤ tol, shapes equal. */
function compare(label, ours, torch, tol) {
  assert.equal([...ours.shape], torch.shape, `${label}: shape`);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < torch.data.length; ++i) {
    scale = Math.max(scale, Math.abs(torch.data[i]));
    const d = Math.abs(ours.data[i] - torch.data[i]);
    if (!(d <= worst)) worst = d;
  }
  assert.ok(worst / scale <= tol, `${label}: relative error ${worst / scale} > ${tol}`);
}

/** The exact bytes of every parameter of a layer. */
const parameterBytes = (layer) => Object.fromEntries(Object.entries(layer.parameters).map(([name, { data, shape }]) =>
  [name, { shape: [...shape], bytes: [...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)] }]));

const publicFields = (layer) => {
  const { inputSize, hiddenSize, numLayers, bidirectional, layout, dtype, dropout, resetAfter, nonlinearity } = layer;
  return { class: layer.constructor.name, inputSize, hiddenSize, numLayers, bidirectional, layout, dtype, dropout, resetAfter, nonlinearity };
};

test('the committed fixtures: every class, F32, F64, F16 and BF16, prefixes and siblings, written by PyTorch', () => {
  const cases = manifest.cases;
  for (const cls of ['Lstm', 'Gru', 'Rnn']) assert.ok(cases.some((c) => c.class === cls), cls);
  for (const d of ['float32', 'float64', 'float16', 'bfloat16']) assert.ok(cases.some((c) => c.fileDtype === d), d);
  assert.ok(cases.some((c) => c.class === 'Rnn' && c.options.nonlinearity === 'relu') && cases.some((c) => c.options.nonlinearity === 'tanh'));
  const prefixed = tensorsOf(fixture('lstm-l2-bi-prefix-batch-major-f64'));
  assert.ok('encoder.lstm.weight_ih_l1_reverse' in prefixed && 'decoder.weight' in prefixed && 'embed.weight' in prefixed);
});

for (const c of manifest.cases) {
  test(`${c.name}: ${c.class}.fromPyTorch infers the sizes and its forward equals PyTorch's (${c.fileDtype} file, ${c.dtype} layer)`, () => {
    const layer = rn[c.class].fromPyTorch(fixture(c.name), c.options);
    assert.instance(layer, rn[c.class]);
    const { inputSize, hiddenSize, numLayers, bidirectional, dtype } = layer;
    assert.equal({ inputSize, hiddenSize, numLayers, bidirectional }, c.sizes);
    assert.is(dtype, c.dtype);
    assert.is(layer.layout, c.options.layout ?? 'time-major');
    if (c.class === 'Gru') assert.is(layer.resetAfter, true);
    if (c.class === 'Rnn') assert.is(layer.nonlinearity, c.options.nonlinearity);
    // The parameters are the file's values, exactly (F16 and BF16 widen exactly to float32).
    const stored = tensorsOf(fixture(c.name));
    const prefix = Object.keys(stored).find((name) => name.endsWith('weight_ih_l0')).slice(0, -'weight_ih_l0'.length);
    for (const [name, p] of Object.entries(layer.parameters)) {
      assert.equal([...p.data], [...stored[prefix + name].data], name);
    }
    // The same from the file's bytes.
    const fromBytes = rn[c.class].fromPyTorch(readFileSync(fixture(c.name)), c.options);
    assert.equal(parameterBytes(fromBytes), parameterBytes(layer));

    const io = tensorsOf(join(FIXTURES, `${c.name}.io.safetensors`));
    const as = (t) => t && { data: new Arrays[c.dtype](t.data), shape: t.shape };
    const options = {};
    if (io.h0) options.h0 = as(io.h0);
    if (io.c0) options.c0 = as(io.c0);
    const out = layer.forward(as(io.x), options);
    const tol = TOLERANCE[c.dtype];
    compare('y', out.y, io.y, tol);
    compare('hN', out.hN, io.hN, tol);
    if (c.class === 'Lstm') compare('cN', out.cN, io.cN, tol);
  });
}

test('fromPyTorch: dtype converts, float16 files become float32 unless told', () => {
  const half = rn.Lstm.fromPyTorch(fixture('lstm-l2-f16'));
  const wide = rn.Lstm.fromPyTorch(fixture('lstm-l2-f16'), { dtype: 'float64' });
  assert.is(half.dtype, 'float32');
  assert.is(wide.dtype, 'float64');
  assert.instance(wide.parameters.weight_ih_l0.data, Float64Array);
  assert.equal([...wide.parameters.weight_hh_l1.data], [...half.parameters.weight_hh_l1.data]);
  const narrow = rn.Rnn.fromPyTorch(fixture('rnn-tanh-l2-bi-f64'), { dtype: 'float32' });
  assert.is(narrow.dtype, 'float32');
  assert.is(narrow.nonlinearity, 'tanh', 'the default nonlinearity');
});

test('fromPyTorch finds the prefix of its own kind, or is told which', () => {
  const lstm = rn.Lstm.fromPyTorch(fixture('lstm-and-gru'));
  const gru = rn.Gru.fromPyTorch(fixture('lstm-and-gru'));
  assert.equal([lstm.inputSize, lstm.hiddenSize, gru.inputSize, gru.hiddenSize], [3, 4, 4, 2]);
  assert.throws(() => rn.Lstm.fromPyTorch(fixture('two-lstms')), (e) =>
    e.code === 'ERR_RNN_MODEL_FILE' && e.message === `cannot read an nn.LSTM from ${fixture('two-lstms')}: it holds the tensors of several ` +
      'recurrent modules (prefixes "decoder.", "encoder."): pass { prefix } to choose one');
  const decoder = rn.Lstm.fromPyTorch(fixture('two-lstms'), { prefix: 'decoder.' });
  assert.equal([decoder.inputSize, decoder.hiddenSize], [4, 2]);
  assert.throws(() => rn.Lstm.fromPyTorch(fixture('two-lstms'), { prefix: 'middle.' }), /: it has no tensor "middle\.weight_ih_l0"$/);
});

test('fromPyTorch refuses a proj_size LSTM, a missing, extra or misshapen tensor, naming it', () => {
  const refused = (cls, path, message) => assert.throws(() => rn[cls].fromPyTorch(path), (e) => {
    assert.is(e.constructor, Error);
    assert.is(e.code, 'ERR_RNN_MODEL_FILE');
    assert.match(e.message, message);
    return true;
  });
  for (const r of manifest.refused) refused(r.class, fixture(r.name), new RegExp(`^cannot read an nn\\.LSTM from ${fixture(r.name)}: .*"${r.error}"`));
  refused('Lstm', fixture('lstm-proj-size'), /tensor "weight_hr_l0" is the projection of an LSTM with proj_size, which rnn-native does not compute$/);
  refused('Lstm', fixture('lstm-no-bias'), /tensor "bias_ih_l0" is missing \(an nn\.LSTM of I = 3, H = 4, 1 layer has it\)$/);
  const layer = new rn.Gru({ inputSize: 3, hiddenSize: 2, numLayers: 2 });
  const write = (tensors) => {
    const path = join(dir, `state-${Math.random().toString(36).slice(2)}.safetensors`);
    writeFileSync(path, encodeSafetensors(tensors, {}));
    return path;
  };
  const prefixed = (tensors) => Object.fromEntries(Object.entries(tensors).map(([k, v]) => [`gru.${k}`, v]));
  const extra = { ...prefixed(layer.parameters), 'gru.weight_ih_l0_reverse_extra': layer.parameters.bias_hh_l0, 'head.weight': layer.parameters.bias_hh_l0 };
  refused('Gru', write(extra), /: tensor "gru\.weight_ih_l0_reverse_extra" is not a parameter of an nn\.GRU of I = 3, H = 2, 2 layers$/);
  const misshapen = { ...prefixed(layer.parameters), 'gru.weight_ih_l1': { data: new Float32Array(6 * 3), shape: [6, 3] } };
  refused('Gru', write(misshapen), /: tensor "gru\.weight_ih_l1" has shape \(6, 3\), expected \(3·H, D·H\) = \(6, 2\)$/);
  const wrongKind = prefixed(layer.parameters);
  refused('Rnn', write(wrongKind), /^cannot read an nn\.RNN from .*: tensor "gru\.weight_hh_l0" has shape \(6, 2\), but an nn\.RNN's is \(H, H\)$/);
  const mixed = { ...layer.parameters, bias_hh_l1: { data: new Float64Array(6), shape: [6] } };
  refused('Gru', write(mixed), /: its tensors mix F64 with F32, F16 or BF16: pass \{ dtype \} to choose the layer's$/);
  assert.is(rn.Gru.fromPyTorch(write(mixed), { dtype: 'float64' }).dtype, 'float64');
  refused('Gru', write({ 'decoder.weight': layer.parameters.bias_hh_l0 }), /: no tensor is named weight_ih_l0 or <prefix>weight_ih_l0, as the parameters of an nn\.GRU are$/);
});

test('fromPyTorch checks its arguments: TypeError for types and keys, RangeError for values', () => {
  const path = fixture('gru-f32');
  const cases = [
    [() => rn.Gru.fromPyTorch(42), TypeError, /^pathOrBytes must be a path \(a string\) or a file's bytes \(a Uint8Array\), got a number$/],
    [() => rn.Gru.fromPyTorch(new Float32Array(4)), TypeError, /got Float32Array$/],
    [() => rn.Gru.fromPyTorch(path, { prefx: '' }), TypeError, /^options has an unknown key 'prefx'/],
    [() => rn.Gru.fromPyTorch(path, { nonlinearity: 'relu' }), TypeError, /unknown key 'nonlinearity'/],
    [() => rn.Gru.fromPyTorch(path, { prefix: 1 }), TypeError, /^options\.prefix must be a string, got a number$/],
    [() => rn.Gru.fromPyTorch(path, { layout: 'sideways' }), RangeError, /^options\.layout must be 'time-major' or 'batch-major', got 'sideways'$/],
    [() => rn.Gru.fromPyTorch(path, { dtype: 'float16' }), RangeError, /^options\.dtype must be 'float32' or 'float64', got 'float16'$/],
    [() => rn.Rnn.fromPyTorch(path, { nonlinearity: 'gelu' }), RangeError, /^options\.nonlinearity must be 'tanh' or 'relu'/],
  ];
  for (const [call, ErrorClass, message] of cases) {
    assert.throws(call, (e) => e.constructor === ErrorClass && message.test(e.message), String(message));
  }
  assert.throws(() => rn.Gru.fromPyTorch(join(dir, 'missing.safetensors')), (e) => e.code === 'ENOENT' && /^cannot read .*missing\.safetensors: no such file$/.test(e.message));
});

// Every class and option, in both dtypes: save then loadLayer gives the same class, fields and parameter bytes.
const ROUND_TRIPS = [
  ['Lstm', { inputSize: 3, hiddenSize: 4 }],
  ['Lstm', { inputSize: 2, hiddenSize: 3, numLayers: 3, bidirectional: true, layout: 'batch-major', dtype: 'float64', dropout: 0.3, seed: 99 }],
  ['Gru', { inputSize: 4, hiddenSize: 2, numLayers: 2, dtype: 'float64', seed: 4294967295 }],
  ['Gru', { inputSize: 3, hiddenSize: 5, bidirectional: true, resetAfter: false, layout: 'batch-major', dropout: 0.1 }],
  ['Rnn', { inputSize: 5, hiddenSize: 3, nonlinearity: 'relu', numLayers: 2, bidirectional: true, dropout: 0.5, seed: 3 }],
  ['Rnn', { inputSize: 1, hiddenSize: 1, nonlinearity: 'tanh', dtype: 'float64' }],
];

for (const [cls, options] of ROUND_TRIPS) {
  test(`save → loadLayer is exact: ${cls} ${JSON.stringify(options)}`, () => {
    const layer = new rn[cls](options);
    // Values a round trip through text would change: subnormals, -0, the extremes, and a NaN with a payload.
    const w = layer.parameters.weight_hh_l0.data;
    w[0] = -0;
    w[w.length - 1] = layer.dtype === 'float64' ? 5e-324 : 1e-45;
    if (w.length > 2) w[1] = layer.dtype === 'float64' ? Number.MAX_VALUE : 3.4028234663852886e38;
    new Uint32Array(layer.parameters.bias_ih_l0.data.buffer, layer.parameters.bias_ih_l0.data.byteOffset, 1)[0] = 0x7fc0beef;
    const path = join(dir, `${cls}.safetensors`);
    layer.save(path);
    const loaded = rn.loadLayer(path);
    assert.instance(loaded, rn[cls]);
    assert.equal(publicFields(loaded), publicFields(layer));
    assert.is(String(loaded), String(layer));
    assert.equal(parameterBytes(loaded), parameterBytes(layer));
    // The seed is kept: a training forward draws the same dropout masks as a fresh layer of the same options.
    const fresh = new rn[cls](options);
    for (const [name, p] of Object.entries(loaded.parameters)) fresh.parameters[name].data.set(p.data);
    fresh.parameters.bias_ih_l0.data[0] = 0; // NaN would hide the comparison
    loaded.parameters.bias_ih_l0.data[0] = 0;
    const { inputSize: I } = layer;
    const x = { data: new Arrays[layer.dtype](3 * 2 * I).map((_, i) => Math.sin(i)), shape: [3, 2, I] };
    const a = loaded.forward(x, { training: true });
    const b = fresh.forward(x, { training: true });
    assert.equal([...a.y.data], [...b.y.data]);
    assert.equal(temporaries(dir), [], 'no temporary file is left');
  });
}

test('loadLayer returns the class of the file, whatever the class of the layer saved before it', () => {
  const path = join(dir, 'any.safetensors');
  new rn.Gru({ inputSize: 2, hiddenSize: 3 }).save(path);
  assert.instance(rn.loadLayer(path), rn.Gru);
  new rn.Rnn({ inputSize: 2, hiddenSize: 3, nonlinearity: 'relu' }).save(path);
  const rnn = rn.loadLayer(path);
  assert.instance(rnn, rn.Rnn);
  assert.is(rnn.nonlinearity, 'relu');
  // A layer file is a state_dict too: the same class reads it with fromPyTorch, another class refuses it.
  assert.equal(parameterBytes(rn.Rnn.fromPyTorch(path, { nonlinearity: 'relu' })), parameterBytes(rnn));
  assert.throws(() => rn.Lstm.fromPyTorch(path), /^cannot read an nn\.LSTM from .*: tensor "weight_hh_l0" has shape \(3, 3\), but an nn\.LSTM's is \(4·H, H\)$/);
  assert.throws(() => rn.loadLayer(fixture('lstm-f32')), (e) => e.code === 'ERR_RNN_MODEL_FILE' &&
    e.message === `${fixture('lstm-f32')} is not a valid rnn-native layer file: its __metadata__.format is missing, expected "rnn-native/layer" ` +
      '(a PyTorch state_dict? Read it with Lstm.fromPyTorch, Gru.fromPyTorch or Rnn.fromPyTorch)');
  assert.throws(() => new rn.Lstm({ inputSize: 1, hiddenSize: 1 }).save(3), (e) => e instanceof TypeError && e.message === 'path must be a string, got a number');
  assert.throws(() => rn.loadLayer(undefined), (e) => e instanceof TypeError && e.message === 'path must be a string, got undefined');
});

const torchReady = spawnSync(PYTHON, ['-c', 'import torch, safetensors'], { stdio: 'ignore', timeout: 60_000 }).status === 0;

test('PyTorch reads a saved layer: load_file, metadata, load_state_dict(strict) and the same forward', () => {
  if (!torchReady) {
    console.log('    SKIPPED: python3 with torch and safetensors is not available');
    return;
  }
  const layer = new rn.Lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, dtype: 'float64' });
  const path = join(dir, 'for-torch.safetensors');
  layer.save(path);
  const x = { data: Float64Array.from({ length: 5 * 2 * 3 }, (_, i) => Math.cos(i)), shape: [5, 2, 3] };
  const script = `
import json, sys, torch
from safetensors import safe_open
from safetensors.torch import load_file
path = sys.argv[1]
lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
lstm.load_state_dict(load_file(path), strict=True)
with safe_open(path, 'pt') as f:
    metadata = f.metadata()
x = torch.tensor(json.loads(sys.argv[2]), dtype=torch.float64).reshape(5, 2, 3)
with torch.no_grad():
    y, _ = lstm(x)
print(json.dumps({'metadata': metadata, 'y': y.flatten().tolist()}))
`;
  const run = spawnSync(PYTHON, ['-c', script, path, JSON.stringify([...x.data])], { encoding: 'utf8', timeout: 120_000 });
  assert.is(run.status, 0, run.stderr);
  const { metadata, y } = JSON.parse(run.stdout);
  assert.is(metadata.format, 'rnn-native/layer');
  assert.is(metadata.version, '1');
  assert.is(JSON.parse(metadata.config).class, 'Lstm');
  compare('y', layer.forward(x).y, { data: y, shape: [5, 2, 8] }, 1e-12);
});

test('the reader: aligned F32/F64 data is viewed in place, unaligned data copied; F16 and BF16 widen exactly', () => {
  const f64 = Float64Array.of(1.5, -0, 5e-324);
  const f32 = Float32Array.of(0.1, -2);
  const bytes = encodeSafetensors({ a: { data: f32, shape: [2] }, b: { data: f64, shape: [3] } }, { note: 'x' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.is((8 + n) % 8, 0, 'the header is padded to a multiple of 8');
  const read = readSafetensors(bytes, 'bytes');
  assert.equal([...read.tensors.keys()], ['b', 'a'], 'F64 first, so every tensor is aligned');
  assert.equal(read.metadata, { note: 'x' });
  const a = floatValues(read.tensors.get('a'));
  const b = floatValues(read.tensors.get('b'));
  assert.ok(a.buffer === bytes.buffer && b.buffer === bytes.buffer, 'zero-copy views');
  assert.equal([...a], [...f32]);
  assert.ok(Object.is(b[1], -0) && b[2] === 5e-324);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const unaligned = floatValues(readSafetensors(shifted.subarray(1), 'bytes').tensors.get('b'));
  assert.ok(unaligned.buffer !== shifted.buffer, 'copied');
  assert.equal([...unaligned], [...f64]);

  const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x8000, 0x7c00, 0xfc00, 0x3555];
  const expected = [1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, -0, Infinity, -Infinity, 0.333251953125];
  const stored = (dtype, words) => ({ dtype, shape: [words.length], bytes: new Uint8Array(Uint16Array.from(words).buffer) });
  assert.equal([...floatValues(stored('F16', halves))], expected);
  assert.ok(Number.isNaN(floatValues(stored('F16', [0x7e00]))[0]));
  assert.equal([...floatValues(stored('BF16', [0x3f80, 0xc049, 0x0001, 0x8000]))], [1, -3.140625, 9.183549615799121e-41, -0]);
  assert.is(floatValues(stored('I16', [1])), undefined);
});

const mountTmpfs = (size, label) => mountIn(dir, size, label);

test('a save into a full disk fails with ENOSPC and leaves the old file intact, with no temporary file', () => {
  const mountPoint = mountTmpfs('64k', 'disk full');
  if (mountPoint === undefined) return;
  try {
    const target = join(mountPoint, 'layer.safetensors');
    const small = new rn.Lstm({ inputSize: 3, hiddenSize: 4, seed: 1 });
    small.save(target);
    assert.throws(() => new rn.Lstm({ inputSize: 32, hiddenSize: 64, dtype: 'float64' }).save(target), /ENOSPC/);
    assert.equal(parameterBytes(rn.loadLayer(target)), parameterBytes(small));
    assert.equal(temporaries(mountPoint), []);
  } finally {
    unmount(mountPoint);
  }
});

test('SIGKILL during a save leaves a complete layer file: the previous save or the new one', async () => {
  const mountPoint = mountTmpfs('64m', 'SIGKILL mid-save');
  if (mountPoint === undefined) return;
  try {
    const target = join(mountPoint, 'layer.safetensors');
    const saved = await killMidSave(mountPoint, target, 'layer');
    const loaded = rn.loadLayer(target);
    const bytesOf = ({ data }) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const seed = [saved, saved + 1].find((s) => {
      const expected = new rn.Lstm({ inputSize: 64, hiddenSize: 256, dtype: 'float64', seed: s });
      return Object.entries(expected.parameters).every(([name, p]) => bytesOf(p).equals(bytesOf(loaded.parameters[name])));
    });
    assert.ok(seed !== undefined, `the file is neither save ${saved} nor save ${saved + 1}`);
    const stray = temporaries(mountPoint);
    assert.ok(stray.length <= 1 && stray.every((name) => name.startsWith('.layer.safetensors.')), `stray files: ${stray}`);
    console.log(`    killed during save ${saved + 1}: the file holds save ${seed}, ${stray.length} stray temporary file (hidden, never read)`);
  } finally {
    unmount(mountPoint);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
