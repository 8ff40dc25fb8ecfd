// CharModel files, version 2 (safetensors, what save writes) and version 1 (JSON, still read): exact round trips,
// the layout of the file, and every way a version 2 file can be wrong, each an Error naming the file and the problem.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';

const require = createRequire(import.meta.url);
const { encodeSafetensors, readSafetensors } = require('../dist/formats/safetensors.js');

const dir = mkdtempSync(path.join(os.tmpdir(), 'rnn-native-char-files-'));
const file = (name) => path.join(dir, name);
const bits = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

function trained(cell, dtype) {
  const model = rn.CharModel.create({ alphabet: 'abc\n', cell, hiddenSize: 5, dtype, seed: 9 });
  const ids = model.encode('\nabcab\nca\n');
  model.trainStep({ inputs: ids.slice(0, -1), targets: ids.slice(1), batchSize: 1, steps: ids.length - 1 }, { optimizer: new rn.Sgd({ learningRate: 0.5 }) });
  return model;
}

test('save writes safetensors that load reads back bit for bit, for both cells and dtypes', () => {
  for (const cell of ['lstm', 'rnn']) {
    for (const dtype of ['float64', 'float32']) {
      const model = trained(cell, dtype);
      const name = file(`${cell}-${dtype}.safetensors`);
      model.save(name);
      const bytes = readFileSync(name);
      const parsed = readSafetensors(new Uint8Array(bytes), name);
      assert.equal(parsed.metadata, { format: 'rnn-native/char-model', version: '2', cell, hiddenSize: '5', dtype, alphabet: 'abc\n' });
      const names = cell === 'lstm' ? ['W', 'b', 'Wy', 'by'] : ['Wax', 'Waa', 'ba', 'Wy', 'by'];
      assert.equal([...parsed.tensors.keys()].sort(), [...names].sort(), `${cell}: tensor names`);
      for (const t of parsed.tensors.values()) assert.is(t.dtype, dtype === 'float64' ? 'F64' : 'F32');
      const again = rn.CharModel.load(name);
      assert.is(bits(again.parameters), bits(model.parameters), `${cell} ${dtype}: parameters bit for bit`);
      assert.is(again.cell, cell);
      assert.is(again.dtype, dtype);
      assert.is(again.sample({ random: new rn.RandomState(4) }), model.sample({ random: new rn.RandomState(4) }));
    }
  }
});

test('a file is its raw parameters and a small header: 8 bytes a float64 parameter', () => {
  const model = rn.CharModel.create({ alphabet: '\nabcdefghijklmnopqrstuvwxyz', hiddenSize: 128, seed: 1 });
  model.save(file('big.safetensors'));
  const size = readFileSync(file('big.safetensors')).length;
  assert.ok(size >= 8 * model.parameters.length && size < 8 * model.parameters.length + 1024, `${size} bytes for ${model.parameters.length} parameters`);
  assert.ok(size < JSON.stringify(model.toJSON()).length / 2.5, 'under 40% of its JSON');
});

test('version 1 JSON files (what earlier releases saved, and toJSON) still load, bit for bit', () => {
  for (const dtype of ['float64', 'float32']) {
    const model = trained('lstm', dtype);
    const json = JSON.stringify(model.toJSON());
    assert.is(JSON.parse(json).version, 1);
    const name = file(`v1-${dtype}.json`);
    writeFileSync(name, `\n  ${json}\n`);
    assert.is(bits(rn.CharModel.load(name).parameters), bits(model.parameters), `${dtype}: v1 file`);
    assert.is(bits(rn.CharModel.fromJSON(json).parameters), bits(model.parameters), `${dtype}: fromJSON`);
  }
});

// A version 2 file of a trained LSTM with `change` applied to its tensors and metadata.
function variant(name, change) {
  const model = trained('lstm', 'float32');
  const parsed = readSafetensors(readFileSync((model.save(file('base.safetensors')), file('base.safetensors'))), 'base');
  const tensors = Object.fromEntries([...parsed.tensors].map(([k, t]) => [k, { data: new Float32Array(new Uint8Array(t.bytes).buffer), shape: [...t.shape] }]));
  const metadata = { ...parsed.metadata };
  change(tensors, metadata);
  const target = file(name);
  writeFileSync(target, encodeSafetensors(tensors, metadata));
  return target;
}

const refused = (target, problem) => {
  try {
    rn.CharModel.load(target);
  } catch (error) {
    assert.is(error.constructor, Error);
    assert.is(error.code, 'ERR_RNN_MODEL_FILE');
    assert.is(error.message, `${target} is not a valid rnn-native model file: ${problem}`);
    return;
  }
  assert.unreachable(`${target} loaded`);
};

test('every way a version 2 file can be wrong is an Error naming the file and the problem', () => {
  refused(variant('format.safetensors', (t, m) => { m.format = 'rnn-native/layer'; }), 'its __metadata__ has no "format": "rnn-native/char-model"');
  refused(variant('version.safetensors', (t, m) => { m.version = '3'; }), 'its version "3" is not supported (this rnn-native reads safetensors version 2)');
  refused(variant('cell.safetensors', (t, m) => { m.cell = 'gru'; }), '"cell" must be "lstm" or "rnn", got "gru"');
  refused(variant('hidden.safetensors', (t, m) => { m.hiddenSize = '5.0'; }), '"hiddenSize" must be an integer in [1, 65536], got "5.0"');
  refused(variant('hidden0.safetensors', (t, m) => { m.hiddenSize = '0'; }), '"hiddenSize" must be an integer in [1, 65536], got "0"');
  refused(variant('alphabet.safetensors', (t, m) => { m.alphabet = 'abca'; }), '"alphabet" must list at least 2 distinct characters, "\\n" among them');
  refused(variant('missing.safetensors', (t) => { delete t.by; }), 'tensor "by" is missing');
  refused(variant('extra.safetensors', (t) => { t.Wz = { data: new Float32Array(1), shape: [1, 1] }; }), 'it has unknown tensors Wz for a lstm model');
  refused(variant('dtype.safetensors', (t) => { t.b = { data: Float64Array.from(t.b.data), shape: t.b.shape }; }),
    'tensor "b" is F64, but the model\'s dtype float32 is stored as F32');
  refused(variant('shape.safetensors', (t) => { t.by = { data: t.by.data, shape: [1, t.by.data.length] }; }), 'tensor "by" must have shape [4, 1], got [1, 4]');
  refused(variant('nan.safetensors', (t) => { t.Wy.data[2] = NaN; }), 'tensor "Wy" has a value that is not finite at index 2: NaN');
  const truncated = file('truncated.safetensors');
  writeFileSync(truncated, readFileSync(file('base.safetensors')).subarray(0, 40));
  assert.throws(() => rn.CharModel.load(truncated), (e) => e.code === 'ERR_RNN_MODEL_FILE' && e.message.startsWith(`${truncated} is not a valid safetensors file`));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
