// exportOnnx and importOnnx (LAYERS.md §4) against real peers:
// - every exported model runs in onnxruntime-node (a devDependency) and gives our forward's y, hN, cN to 1e-5
//   relative (float32): one and several layers, bidirectional, batch-major, lengths, GRU both resetAfter, RNN relu,
//   chains of layers, opsets 9 to 22, and one session at several (T, m) (the dims are symbolic);
// - importOnnx of an export gives back the layers, their options and every parameter bit for bit (float64 too);
// - files exported by PyTorch's torch.onnx.export (test/fixtures/onnx/, from scripts/torch-onnx-fixtures.py) import
//   to layers whose forward is torch's (and, where /usr/bin/python3 has torch and onnx, so do files the script
//   exports afresh);
// - what the kernels do not compute, and corrupt or foreign files, are refused message by message.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import * as rn from 'rnn-native';

const { onnx } = onnxProto;
ort.env.logLevel = 'error';
const FIXTURES = fileURLToPath(new URL('./fixtures/onnx/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'rnn-native-onnx-'));
let fileCount = 0;
const tempPath = () => join(work, `model${fileCount++}.onnx`);

const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);
const CLASSES = { Lstm: rn.Lstm, Gru: rn.Gru, Rnn: rn.Rnn };

/** A deterministic tensor of `Type` with values in (-1, 1). */
function tensor(shape, Type = Float32Array, seed = 1) {
  return { data: Type.from({ length: sizeOf(shape) }, (_, i) => Math.sin(seed * 7.31 + i * 0.37)), shape: [...shape] };
}

/** max |a - b| / max(1, max |b|) ≤ tolerance, with a message naming `label`. */
function close(label, a, b, tolerance = 1e-5) {
  assert.is(a.length, b.length, `${label}: length`);
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; ++i) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  assert.ok(worst / scale <= tolerance, `${label}: relative error ${worst / scale} > ${tolerance}`);
}

/** Every parameter of `b` is the same tensor as `a`'s, bit for bit (Object.is on every value). */
function sameParameters(label, a, b) {
  assert.equal(Object.keys(b.parameters), Object.keys(a.parameters), `${label}: parameter names`);
  for (const [name, p] of Object.entries(a.parameters)) {
    const q = b.parameters[name];
    assert.equal([...q.shape], [...p.shape], `${label}: ${name} shape`);
    assert.is(q.data.constructor, p.data.constructor, `${label}: ${name} dtype`);
    for (let i = 0; i < p.data.length; ++i) {
      if (!Object.is(q.data[i], p.data[i])) assert.unreachable(`${label}: ${name}[${i}] is ${q.data[i]}, expected ${p.data[i]}`);
    }
  }
}

const optionsOf = (layer) => ({
  class: layer.constructor.name, inputSize: layer.inputSize, hiddenSize: layer.hiddenSize, numLayers: layer.numLayers,
  bidirectional: layer.bidirectional, layout: layer.layout, dtype: layer.dtype,
  ...(layer instanceof rn.Gru ? { resetAfter: layer.resetAfter } : {}), ...(layer instanceof rn.Rnn ? { nonlinearity: layer.nonlinearity } : {}),
});

/** The layers of a case: seeded, so every run tests the same parameters. */
function build(specs) {
  return specs.map(({ cls, ...options }, i) => new CLASSES[cls]({ seed: 11 + i, ...options }));
}

/** Our forward of the chain `layers` (states per layer), and the ONNX feeds and expected outputs of the same call. */
function reference(layers, T, m, lengths) {
  const batchMajor = layers[0].layout === 'batch-major';
  const I = layers[0].inputSize;
  const x = tensor(batchMajor ? [m, T, I] : [T, m, I], Float32Array, 3);
  const feeds = { x: new ort.Tensor('float32', x.data, x.shape) };
  if (lengths) feeds.sequence_lens = new ort.Tensor('int32', Int32Array.from(lengths), [m]);
  const expected = {};
  let input = x;
  layers.forEach((layer, i) => {
    const id = layers.length === 1 ? '' : `_${i}`;
    const D = layer.bidirectional ? 2 : 1;
    const stateShape = [layer.numLayers * D, m, layer.hiddenSize];
    const options = { h0: tensor(stateShape, Float32Array, 5 + i) };
    if (layer instanceof rn.Lstm) options.c0 = tensor(stateShape, Float32Array, 7 + i);
    if (lengths) options.lengths = lengths;
    const out = layer.forward(input, options);
    feeds[`h0${id}`] = new ort.Tensor('float32', options.h0.data, stateShape);
    expected[`hN${id}`] = out.hN;
    if (options.c0) {
      feeds[`c0${id}`] = new ort.Tensor('float32', options.c0.data, stateShape);
      expected[`cN${id}`] = out.cN;
    }
    input = out.y;
  });
  expected.y = input;
  return { feeds, expected };
}

async function compareWithOrt(label, path, layers, T, m, lengths) {
  const session = await ort.InferenceSession.create(path);
  const { feeds, expected } = reference(layers, T, m, lengths);
  assert.equal(session.inputNames, Object.keys(feeds), `${label}: graph inputs`);
  assert.equal(session.outputNames.slice().sort(), Object.keys(expected).sort(), `${label}: graph outputs`);
  const result = await session.run(feeds);
  for (const [name, t] of Object.entries(expected)) {
    assert.equal(result[name].dims, t.shape, `${label}: ${name} dims`);
    close(`${label}: ${name}`, result[name].data, t.data);
  }
  return session;
}

const CASES = [
  { name: 'LSTM', layers: [{ cls: 'Lstm', inputSize: 3, hiddenSize: 4 }] },
  { name: 'LSTM 2 layers bidirectional, lengths', layers: [{ cls: 'Lstm', inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true }], lengths: true },
  { name: 'LSTM 3 layers batch-major, lengths', layers: [{ cls: 'Lstm', inputSize: 4, hiddenSize: 3, numLayers: 3, layout: 'batch-major' }], lengths: true },
  { name: 'LSTM bidirectional batch-major', layers: [{ cls: 'Lstm', inputSize: 2, hiddenSize: 3, bidirectional: true, layout: 'batch-major' }] },
  { name: 'GRU resetAfter', layers: [{ cls: 'Gru', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true }], lengths: true },
  { name: 'GRU resetAfter false', layers: [{ cls: 'Gru', inputSize: 3, hiddenSize: 4, resetAfter: false, layout: 'batch-major' }], lengths: true },
  { name: 'GRU resetAfter false 2 layers bidirectional', layers: [{ cls: 'Gru', inputSize: 3, hiddenSize: 2, numLayers: 2, bidirectional: true, resetAfter: false }] },
  { name: 'RNN tanh', layers: [{ cls: 'Rnn', inputSize: 5, hiddenSize: 4 }] },
  { name: 'RNN relu 2 layers bidirectional batch-major, lengths', layers: [{ cls: 'Rnn', inputSize: 3, hiddenSize: 4, nonlinearity: 'relu', numLayers: 2, bidirectional: true, layout: 'batch-major' }], lengths: true },
  {
    name: 'a chain: LSTM bidirectional, GRU, RNN relu',
    layers: [
      { cls: 'Lstm', inputSize: 3, hiddenSize: 4, bidirectional: true },
      { cls: 'Gru', inputSize: 8, hiddenSize: 3, numLayers: 2 },
      { cls: 'Rnn', inputSize: 3, hiddenSize: 2, nonlinearity: 'relu' },
    ],
    lengths: true,
  },
  {
    name: 'a batch-major chain: GRU, LSTM 2 layers bidirectional',
    layers: [
      { cls: 'Gru', inputSize: 2, hiddenSize: 3, layout: 'batch-major', resetAfter: false },
      { cls: 'Lstm', inputSize: 3, hiddenSize: 2, numLayers: 2, bidirectional: true, layout: 'batch-major' },
    ],
  },
];

const T = 6;
const m = 4;
const LENGTHS = [6, 2, 1, 5];

for (const c of CASES) {
  test(`onnxruntime runs the export of ${c.name} as our forward does`, async () => {
    const layers = build(c.layers);
    const path = tempPath();
    rn.exportOnnx(layers.length === 1 ? layers[0] : layers, path, { lengths: c.lengths === true });
    const session = await compareWithOrt(c.name, path, layers, T, m, c.lengths ? LENGTHS : undefined);
    // The dims T and m are symbolic: the same session runs other sizes.
    const { feeds, expected } = reference(layers, 3, 1, c.lengths ? [2] : undefined);
    const result = await session.run(feeds);
    close(`${c.name} at T = 3, m = 1: y`, result.y.data, expected.y.data);
  });

  test(`importOnnx of the export of ${c.name} is the same layers, parameters bit for bit`, () => {
    for (const dtype of ['float32', 'float64']) {
      const layers = build(c.layers.map((s) => ({ ...s, dtype })));
      const path = tempPath();
      rn.exportOnnx(layers, path);
      for (const back of [rn.importOnnx(path), rn.importOnnx(readFileSync(path)), rn.importOnnx(new Uint8Array(readFileSync(path)))]) {
        assert.is(back.length, layers.length, `${c.name} ${dtype}: number of layers`);
        back.forEach((layer, i) => {
          assert.equal(optionsOf(layer), optionsOf(layers[i]), `${c.name} ${dtype}: layers[${i}] options`);
          sameParameters(`${c.name} ${dtype} layers[${i}]`, layers[i], layer);
        });
      }
    }
  });
}

test('every opset from 9 to 22 runs in onnxruntime', async () => {
  const layers = build([{ cls: 'Lstm', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true }]);
  for (const opset of [9, 11, 13, 14, 17, 22]) {
    const path = tempPath();
    rn.exportOnnx(layers[0], path, { opset, lengths: true });
    const model = onnx.ModelProto.decode(readFileSync(path));
    assert.is(Number(model.opsetImport[0].version), opset);
    await compareWithOrt(`opset ${opset}`, path, layers, T, m, LENGTHS);
  }
});

test('the graph: inputs x, sequence_lens, h0, c0; outputs y, hN, cN; nodes LSTM time-major, T and m symbolic', () => {
  const layer = new rn.Lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2, layout: 'batch-major' });
  const path = tempPath();
  rn.exportOnnx(layer, path, { lengths: true });
  const { graph } = onnx.ModelProto.decode(readFileSync(path));
  const dims = (v) => v.type.tensorType.shape.dim.map((d) => d.dimParam || Number(d.dimValue));
  assert.equal(graph.input.map((v) => [v.name, dims(v)]), [['x', ['m', 'T', 3]], ['sequence_lens', ['m']], ['h0', [2, 'm', 4]], ['c0', [2, 'm', 4]]]);
  assert.equal(graph.output.map((v) => [v.name, dims(v)]), [['y', ['m', 'T', 4]], ['hN', [2, 'm', 4]], ['cN', [2, 'm', 4]]]);
  assert.is(graph.input[2].type.tensorType.elemType, onnx.TensorProto.DataType.FLOAT);
  const lstm = graph.node.filter((n) => n.opType === 'LSTM');
  assert.is(lstm.length, 2);
  for (const n of lstm) assert.not.ok(n.attribute.some((a) => a.name === 'layout'), 'no layout attribute: onnxruntime refuses layout = 1');
  assert.ok(graph.node[0].opType === 'Transpose', 'x is transposed to time-major first');
});

test('float64 layers export DOUBLE tensors', () => {
  const layer = new rn.Gru({ inputSize: 3, hiddenSize: 4, dtype: 'float64' });
  const path = tempPath();
  rn.exportOnnx(layer, path);
  const { graph } = onnx.ModelProto.decode(readFileSync(path));
  assert.is(graph.input[0].type.tensorType.elemType, onnx.TensorProto.DataType.DOUBLE);
  assert.ok(graph.initializer.filter((t) => t.name.endsWith('.W')).every((t) => t.dataType === onnx.TensorProto.DataType.DOUBLE));
});

test('length 0: onnxruntime returns zero final states where forward returns the initial state (lengths >= 1 agree)', async () => {
  const layer = new rn.Gru({ inputSize: 2, hiddenSize: 3 });
  const path = tempPath();
  rn.exportOnnx(layer, path, { lengths: true });
  const session = await ort.InferenceSession.create(path);
  const x = tensor([3, 2, 2]);
  const h0 = tensor([1, 2, 3], Float32Array, 9);
  const ours = layer.forward(x, { h0, lengths: [0, 3] });
  const theirs = await session.run({
    x: new ort.Tensor('float32', x.data, x.shape), sequence_lens: new ort.Tensor('int32', Int32Array.of(0, 3), [2]), h0: new ort.Tensor('float32', h0.data, h0.shape),
  });
  close('y', theirs.y.data, ours.y.data);
  close('hN of the sequence of length 3', theirs.hN.data.subarray(3), ours.hN.data.subarray(3));
  assert.equal([...ours.hN.data.subarray(0, 3)], [...h0.data.subarray(0, 3)], 'ours: the initial state');
  assert.equal([...theirs.hN.data.subarray(0, 3)], [0, 0, 0], 'onnxruntime: zeros');
});

test('exportOnnx replaces a file atomically and leaves no temporary file', () => {
  const folder = join(work, 'atomic');
  mkdirSync(folder);
  const path = join(folder, 'm.onnx');
  writeFileSync(path, 'old');
  rn.exportOnnx(new rn.Rnn({ inputSize: 2, hiddenSize: 2 }), path);
  assert.equal(readdirSync(folder), ['m.onnx']);
  assert.is(rn.importOnnx(path)[0].constructor, rn.Rnn);
  const missing = join(folder, 'no', 'such', 'folder.onnx');
  assert.throws(() => rn.exportOnnx(new rn.Rnn({ inputSize: 2, hiddenSize: 2 }), missing), (e) => e.code === 'ENOENT');
  assert.equal(readdirSync(folder), ['m.onnx']);
});

// ---------------------------------------------------------------------------------------------------------------
// PyTorch's exporter

/** The cases of a folder the fixture script wrote: each JSON record with its .onnx file's bytes. */
function loadTorchCases(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((file) => {
    const name = file.slice(0, -'.json'.length);
    return { name, record: JSON.parse(readFileSync(join(dir, file), 'utf8')), bytes: readFileSync(join(dir, `${name}.onnx`)) };
  });
}

/** importOnnx of torch.onnx.export's file: one layer of the module's options whose forward is torch's. */
function checkTorchCase({ name, record: c, bytes }) {
  const layers = rn.importOnnx(bytes);
  assert.is(layers.length, 1, 'one layer (the stack of nodes merged)');
  const [layer] = layers;
  const { nonlinearity, ...config } = c.config;
  const expected = { class: { lstm: 'Lstm', gru: 'Gru', rnn: 'Rnn' }[c.cell], ...config, dtype: 'float32', ...(c.cell === 'gru' ? { resetAfter: true } : {}), ...(c.cell === 'rnn' ? { nonlinearity } : {}) };
  assert.equal(optionsOf(layer), expected);
  const t = (v) => ({ data: Float32Array.from(v.data), shape: v.shape });
  const options = {};
  if (c.h0) options.h0 = t(c.h0);
  if (c.c0) options.c0 = t(c.c0);
  const out = layer.forward(t(c.x), options);
  for (const key of ['y', 'hN', 'cN']) {
    if (!c[key]) continue;
    assert.equal(out[key].shape, c[key].shape, `${key} shape`);
    close(`${name}: ${key}`, out[key].data, c[key].data);
  }
}

const torchCases = loadTorchCases(FIXTURES);

test('the PyTorch fixtures are there: LSTM, GRU, RNN, with and without h0, batch_first', () => {
  assert.ok(torchCases.length >= 4, `${torchCases.length} cases`);
  for (const cell of ['lstm', 'gru', 'rnn']) assert.ok(torchCases.some((c) => c.record.cell === cell), cell);
  assert.ok(torchCases.some((c) => c.record.config.layout === 'batch-major'), 'a batch_first case');
  assert.ok(torchCases.some((c) => !c.record.h0 && c.record.config.numLayers > 1), 'zero states built inside the graph of a stack');
});

for (const c of torchCases) test(`importOnnx of torch.onnx.export's ${c.name}: torch's forward`, () => checkTorchCase(c));

// Where /usr/bin/python3 (TORCH_PYTHON overrides it) has torch and onnx, the script runs again: it still works with
// this PyTorch, and its fresh files import the same way.
const PYTHON = process.env.TORCH_PYTHON || '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore', timeout: 60_000 });
if (probe.error || probe.status !== 0) {
  console.log('onnx.test: python3 with torch and onnx not found, the live torch.onnx.export cases are skipped');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-torch-onnx-'));
  const script = fileURLToPath(new URL('../scripts/torch-onnx-fixtures.py', import.meta.url));
  const run = spawnSync(PYTHON, [script, '--out', dir], { encoding: 'utf8', timeout: 180_000 });
  const live = run.status === 0 ? loadTorchCases(dir) : [];
  rmSync(dir, { recursive: true, force: true });
  test('the live torch.onnx.export script runs', () => {
    assert.is(run.status, 0, `torch-onnx-fixtures.py failed: ${run.error ?? ''} ${run.stderr}`);
    assert.is(live.length, torchCases.length);
  });
  for (const c of live) test(`live torch.onnx.export ${c.name}`, () => checkTorchCase(c));
}

// ---------------------------------------------------------------------------------------------------------------
// Refused graphs and files, message by message

/** `thunk` throws exactly an `ErrorClass` with `code` and `message` (a string, or a RegExp matching all of it). */
function throwsExactly(thunk, ErrorClass, code, message) {
  let caught;
  try {
    thunk();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${ErrorClass.name} "${message}", nothing was thrown`);
  assert.is(Object.getPrototypeOf(caught), ErrorClass.prototype, `class of: ${caught.message}`);
  assert.is(caught.code, code, caught.message);
  if (typeof message === 'string') assert.is(caught.message, message);
  else assert.match(caught.message, new RegExp(`^(?:${message.source})$`));
}

/** The decoded export of `layer`, changed by `edit(model, recurrentNode)`, as bytes. */
function edited(layer, edit) {
  const path = tempPath();
  rn.exportOnnx(layer, path);
  const model = onnx.ModelProto.decode(readFileSync(path));
  edit(model, model.graph.node.find((n) => ['LSTM', 'GRU', 'RNN'].includes(n.opType)));
  return onnx.ModelProto.encode(model).finish();
}

const { INT, FLOAT, STRING, STRINGS } = onnx.AttributeProto.AttributeType;
const text = (s) => new TextEncoder().encode(s);
const lstm = () => new rn.Lstm({ inputSize: 3, hiddenSize: 4 });
const refusedBy = (bytes, problem) => throwsExactly(() => rn.importOnnx(bytes), Error, 'ERR_RNN_MODEL_FILE', `cannot import the Uint8Array: ${problem}`);

test('refused: peepholes P (all-zero P is accepted)', () => {
  const withP = (value) => edited(lstm(), (model, node) => {
    assert.is(node.input.length, 7, 'X, W, R, B, sequence_lens, initial_h, initial_c');
    node.input.push('P');
    model.graph.initializer.push({ name: 'P', dims: [1, 12], dataType: FLOAT, floatData: Array.from({ length: 12 }, () => value) });
  });
  refusedBy(withP(0.5), 'node "layer0.l0" (LSTM) has peepholes P, which the layers do not compute');
  assert.is(rn.importOnnx(withP(0)).length, 1);
});

test('refused: clip, input_forget, unknown attributes', () => {
  refusedBy(edited(lstm(), (_, node) => node.attribute.push({ name: 'clip', type: FLOAT, f: 3 })),
    'node "layer0.l0" (LSTM) has the attribute clip (cell clipping), which the layers do not compute');
  refusedBy(edited(lstm(), (_, node) => node.attribute.push({ name: 'input_forget', type: INT, i: 1 })),
    'node "layer0.l0" (LSTM) has input_forget = 1 (coupled input and forget gates), which the layers do not compute');
  refusedBy(edited(new rn.Rnn({ inputSize: 2, hiddenSize: 2 }), (_, node) => node.attribute.push({ name: 'linear_before_reset', type: INT, i: 1 })),
    'node "layer0.l0" (RNN) has the attribute linear_before_reset, which ONNX\'s RNN does not define');
  assert.is(rn.importOnnx(edited(lstm(), (_, node) => node.attribute.push({ name: 'input_forget', type: INT, i: 0 }))).length, 1, 'input_forget = 0 is the default');
});

test('refused: activations other than the defaults (case-insensitive names accepted)', () => {
  const withActivations = (layer, names) => edited(layer, (_, node) => {
    node.attribute = node.attribute.filter((a) => a.name !== 'activations');
    node.attribute.push({ name: 'activations', type: STRINGS, strings: names.map(text) });
  });
  refusedBy(withActivations(lstm(), ['Sigmoid', 'Tanh', 'Relu']),
    'node "layer0.l0" (LSTM) has activations = [Sigmoid, Tanh, Relu], which the layers do not compute: LSTM takes [Sigmoid, Tanh, Tanh]');
  refusedBy(withActivations(new rn.Gru({ inputSize: 2, hiddenSize: 2 }), ['HardSigmoid', 'Tanh']),
    'node "layer0.l0" (GRU) has activations = [HardSigmoid, Tanh], which the layers do not compute: GRU takes [Sigmoid, Tanh]');
  refusedBy(withActivations(new rn.Rnn({ inputSize: 2, hiddenSize: 2, bidirectional: true }), ['Tanh', 'Relu']),
    'node "layer0.l0" (RNN) has activations = [Tanh, Relu], which the layers do not compute: RNN takes [Tanh, Tanh] or [Relu, Relu]');
  refusedBy(withActivations(new rn.Rnn({ inputSize: 2, hiddenSize: 2 }), ['Sigmoid']),
    'node "layer0.l0" (RNN) has activations = [Sigmoid], which the layers do not compute: RNN takes [Tanh] or [Relu]');
  const [relu] = rn.importOnnx(withActivations(new rn.Rnn({ inputSize: 2, hiddenSize: 2 }), ['relu']));
  assert.is(relu.nonlinearity, 'relu');
  assert.is(rn.importOnnx(withActivations(lstm(), ['sigmoid', 'TANH', 'Tanh'])).length, 1);
});

test('refused: hidden_size that is not R\'s, direction reverse, shapes, computed weights', () => {
  refusedBy(edited(lstm(), (_, node) => { node.attribute.find((a) => a.name === 'hidden_size').i = 5; }),
    'node "layer0.l0" (LSTM) has hidden_size = 5, but its R [1, 16, 4] is of hidden size 4');
  refusedBy(edited(lstm(), (_, node) => node.attribute.push({ name: 'direction', type: STRING, s: text('reverse') })),
    'node "layer0.l0" (LSTM) has direction = "reverse": the layers compute "forward" or "bidirectional" (a reverse-only layer has no forward direction)');
  refusedBy(edited(lstm(), (_, node) => node.attribute.push({ name: 'direction', type: STRING, s: text('bidirectional') })),
    'node "layer0.l0" (LSTM) has W [1, 16, 3] and R [1, 16, 4], expected W (D, 4·H, I) and R (D, 4·H, H) with D = 2 (direction "bidirectional")');
  refusedBy(edited(lstm(), (model) => { model.graph.initializer.find((t) => t.name === 'layer0.l0.B').dims = [1, 31]; }),
    'node "layer0.l0" (LSTM) input B has 128 bytes of raw_data, but dims [1, 31] of FLOAT need 124');
  refusedBy(edited(lstm(), (model) => {
    const B = model.graph.initializer.find((t) => t.name === 'layer0.l0.B');
    B.dims = [1, 16];
    B.rawData = B.rawData.subarray(0, 64);
  }), 'node "layer0.l0" (LSTM) has B [1, 16], expected (D, 2·4·H) = (1, 32) of W\'s element type');
  refusedBy(edited(lstm(), (model, node) => {
    model.graph.node.unshift({ opType: 'Neg', input: ['layer0.l0.W'], output: ['negW'] });
    node.input[1] = 'negW';
  }), 'node "layer0.l0" (LSTM) has an input W that is computed in the graph, not a constant (an initializer)');
  refusedBy(edited(lstm(), (model) => { model.graph.initializer.find((t) => t.name === 'layer0.l0.R').dataType = onnx.TensorProto.DataType.FLOAT16; }),
    'node "layer0.l0" (LSTM) input R is a FLOAT16 tensor, expected FLOAT or DOUBLE');
  refusedBy(edited(lstm(), (model) => { model.graph.initializer.find((t) => t.name === 'layer0.l0.W').dataLocation = onnx.TensorProto.DataLocation.EXTERNAL; }),
    'node "layer0.l0" (LSTM) input W keeps its data in an external file, which importOnnx does not read (save the model with its data inside)');
});

test('a Constant node and an Identity are constants; layout = 1 is batch-major', () => {
  const layer = lstm();
  const bytes = edited(layer, (model, node) => {
    const W = model.graph.initializer.find((t) => t.name === 'layer0.l0.W');
    model.graph.initializer = model.graph.initializer.filter((t) => t !== W);
    model.graph.node.unshift(
      { opType: 'Constant', output: ['Wc'], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: W }] },
      { opType: 'Identity', input: ['Wc'], output: ['Wi'] },
    );
    node.input[1] = 'Wi';
    node.attribute.push({ name: 'layout', type: INT, i: 1 });
  });
  const [back] = rn.importOnnx(bytes);
  assert.is(back.layout, 'batch-major');
  sameParameters('Constant W', layer, back);
});

test('refused: corrupt and foreign files, name by name', () => {
  const path = tempPath();
  rn.exportOnnx(new rn.Lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2 }), path);
  const bytes = readFileSync(path);
  const truncated = join(work, 'truncated.onnx');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  throwsExactly(() => rn.importOnnx(truncated), Error, 'ERR_RNN_MODEL_FILE',
    new RegExp(`${truncated.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a valid ONNX model: it does not decode as an ONNX ModelProto \\(.+; truncated, or not an ONNX file\\?\\)`));
  const json = join(work, 'foreign.json');
  writeFileSync(json, JSON.stringify({ hello: 'world', numbers: [1, 2, 3] }));
  throwsExactly(() => rn.importOnnx(json), Error, 'ERR_RNN_MODEL_FILE', new RegExp(`${json.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a valid ONNX model: .+`));
  throwsExactly(() => rn.importOnnx(new Uint8Array(0)), Error, 'ERR_RNN_MODEL_FILE', 'the Uint8Array is not a valid ONNX model: it has no graph');
  const noRecurrent = onnx.ModelProto.encode({ irVersion: 7, opsetImport: [{ version: 14 }], graph: { node: [{ opType: 'Relu', input: ['x'], output: ['y'] }] } }).finish();
  refusedBy(noRecurrent, 'its graph has no LSTM, GRU or RNN node');
  const noOpset = onnx.ModelProto.encode({ irVersion: 7, graph: { node: [] } }).finish();
  throwsExactly(() => rn.importOnnx(noOpset), Error, 'ERR_RNN_MODEL_FILE', 'the Uint8Array is not a valid ONNX model: it imports no version of the ONNX operator set (ai.onnx)');
  refusedBy(edited(new rn.Lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2 }), (model) => { model.metadataProps[0].value = '[3]'; }),
    'its metadata rnn-native.numLayers = "[3]" does not split its 2 recurrent nodes into layers');
  throwsExactly(() => rn.importOnnx(join(work, 'missing.onnx')), Error, 'ENOENT', `cannot read the ONNX model ${join(work, 'missing.onnx')}: no such file`);
  throwsExactly(() => rn.importOnnx(work), Error, 'ERR_RNN_MODEL_FILE', `cannot read the ONNX model ${work}: it is a directory, not a regular file`);
  throwsExactly(() => rn.importOnnx(42), TypeError, 'ERR_RNN_TYPE', 'pathOrBytes must be a path (a string) or a file\'s bytes (a Uint8Array), got a number');
});

test('exportOnnx: its arguments, message by message', () => {
  const path = tempPath();
  const a = new rn.Lstm({ inputSize: 3, hiddenSize: 4, bidirectional: true });
  throwsExactly(() => rn.exportOnnx({}, path), TypeError, 'ERR_RNN_TYPE', 'layer must be an Lstm, a Gru or an Rnn, got an object');
  throwsExactly(() => rn.exportOnnx([a, 'b'], path), TypeError, 'ERR_RNN_TYPE', 'layers[1] must be an Lstm, a Gru or an Rnn, got a string');
  throwsExactly(() => rn.exportOnnx([], path), RangeError, 'ERR_RNN_VALUE', 'layers must hold at least one layer, got an empty array');
  throwsExactly(() => rn.exportOnnx([a, new rn.Gru({ inputSize: 4, hiddenSize: 2 })], path), RangeError, 'ERR_RNN_SHAPE',
    'layers[1].inputSize must be D·H = 2·4 = 8 (the output of layers[0], which it reads), got 4');
  throwsExactly(() => rn.exportOnnx([a, new rn.Gru({ inputSize: 8, hiddenSize: 2, dtype: 'float64' })], path), TypeError, 'ERR_RNN_DTYPE',
    'layers[1] is float64 but layers[0] is float32: a graph has one dtype');
  throwsExactly(() => rn.exportOnnx([a, new rn.Gru({ inputSize: 8, hiddenSize: 2, layout: 'batch-major' })], path), RangeError, 'ERR_RNN_VALUE',
    'layers[1] is batch-major but layers[0] is time-major: a graph has one layout');
  throwsExactly(() => rn.exportOnnx(a, 7), TypeError, 'ERR_RNN_TYPE', 'path must be a string, got a number');
  throwsExactly(() => rn.exportOnnx(a, path, { opset: 8 }), RangeError, 'ERR_RNN_VALUE', 'options.opset must be an integer in [9, 22], got 8');
  throwsExactly(() => rn.exportOnnx(a, path, { opset: 14.5 }), RangeError, 'ERR_RNN_VALUE', 'options.opset must be an integer in [9, 22], got 14.5');
  throwsExactly(() => rn.exportOnnx(a, path, { opset: '14' }), TypeError, 'ERR_RNN_TYPE', 'options.opset must be a number, got a string');
  throwsExactly(() => rn.exportOnnx(a, path, { lengths: 1 }), TypeError, 'ERR_RNN_TYPE', 'options.lengths must be a boolean, got a number');
  throwsExactly(() => rn.exportOnnx(a, path, { lenghts: true }), TypeError, 'ERR_RNN_KEY', 'options has an unknown key \'lenghts\': allowed are opset, lengths');
  assert.equal(readdirSync(work).filter((f) => f === path.split('/').pop()), [], 'nothing written');
});

// ---------------------------------------------------------------------------------------------------------------
// The README's onnxruntime example (a ```js block: readme.test runs the ```ts ones, which cannot import a devDependency)

test('the README\'s "Run it in onnxruntime" example runs and agrees with forward', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('#### Run it in onnxruntime'));
  const block = /^```js\n([\s\S]*?)^```$/m.exec(section)?.[1];
  assert.ok(block && block.includes("from 'onnxruntime-node'"), 'the section has a js block that imports onnxruntime-node');
  const project = join(work, 'readme-project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  symlinkSync(root, join(project, 'node_modules', 'rnn-native'), 'dir');
  symlinkSync(join(root, 'node_modules', 'onnxruntime-node'), join(project, 'node_modules', 'onnxruntime-node'), 'dir');
  writeFileSync(join(project, 'example.mjs'), block);
  const run = spawnSync(process.execPath, ['example.mjs'], { cwd: project, encoding: 'utf8' });
  assert.is(run.status, 0, run.stderr);
  const worst = /max \|onnxruntime - forward\| = (\S+)/.exec(run.stdout)?.[1];
  assert.ok(worst !== undefined && Number(worst) <= 1e-5, run.stdout);
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
