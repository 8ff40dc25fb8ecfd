// Hostile layer files (LAYERS.md §4): truncated at every byte, header lengths past the end or beyond the 100 MB limit
// (refused before anything is allocated), overlapping, reversed or gapped offsets, wrong byte counts, bad shapes and
// dtypes, repeated keys, non-JSON or non-UTF-8 headers, bad metadata, foreign formats and configs. Each must be an
// Error with code ERR_RNN_MODEL_FILE naming the file and the problem — never a crash, never a layer. The sanitizer
// run (npm run test:sanitize) runs this file too, against the ASan build.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as rn from 'rnn-native';

const dir = mkdtempSync(join(tmpdir(), 'rnn-native-hostile-files-'));
const path = join(dir, 'layer.safetensors');
const base = new rn.Lstm({ inputSize: 2, hiddenSize: 3, numLayers: 2, seed: 5 });
base.save(path);
const good = readFileSync(path);
const N = Number(good.readBigUInt64LE(0));
const header = JSON.parse(good.subarray(8, 8 + N).toString());
const data = good.subarray(8 + N);
const entries = Object.entries(header).filter(([name]) => name !== '__metadata__');
const config = JSON.parse(header.__metadata__.config);

/** A file of `headerText` (padded to 8 bytes as the writer does, unless `length` says another header length) and `body`. */
function file(headerText, body = data, { length } = {}) {
  const json = Buffer.from(headerText);
  const out = Buffer.alloc(8 + json.length + body.length);
  out.writeBigUInt64LE(BigInt(length ?? json.length), 0);
  json.copy(out, 8);
  Buffer.from(body).copy(out, 8 + json.length);
  return out;
}
/** The good header with `change` applied to a copy. */
const edited = (change) => {
  const h = structuredClone(header);
  change(h);
  return JSON.stringify(h);
};
const withConfig = (change) => edited((h) => { const c = { ...config }; change(c); h.__metadata__.config = JSON.stringify(c); });

/** Asserts loadLayer on `bytes` throws an Error (not a subclass) of code ERR_RNN_MODEL_FILE naming the file and matching `problem`. */
function refused(bytes, problem, label = String(problem)) {
  writeFileSync(path, bytes);
  let layer;
  try {
    layer = rn.loadLayer(path);
  } catch (error) {
    assert.is(error.constructor, Error, `${label}: ${error.constructor.name}: ${error.message}`);
    assert.is(error.code, 'ERR_RNN_MODEL_FILE', `${label}: ${error.message}`);
    assert.ok(error.message.startsWith(path), `${label}: the message names the file: ${error.message}`);
    assert.match(error.message, problem, label);
    return error.message;
  }
  assert.unreachable(`${label}: loaded ${layer}`);
}

test('the unchanged file loads (the cases below change one thing each)', () => {
  writeFileSync(path, good);
  assert.instance(rn.loadLayer(path), rn.Lstm);
  // Entries in another order in the header are still the same file.
  writeFileSync(path, file(JSON.stringify(Object.fromEntries([...entries].reverse().concat([['__metadata__', header.__metadata__]])))));
  assert.instance(rn.loadLayer(path), rn.Lstm);
});

test('truncated at every byte: an Error each time, saying what is cut', () => {
  const messages = new Set();
  for (let size = 0; size < good.length; ++size) {
    const message = refused(good.subarray(0, size), /./, `truncated to ${size} bytes`);
    messages.add(message.replace(/\d+/g, 'n').replace(/"[^"]*"/g, 'name'));
  }
  const problems = [...messages].map((m) => m.slice(path.length));
  assert.ok(problems.some((m) => /fewer than the n of the header length/.test(m)), 'inside the length');
  assert.ok(problems.some((m) => /header length n runs past the end of the file \(n bytes\): the file is truncated or corrupt/.test(m)), 'inside the header');
  assert.ok(problems.some((m) => /past the end of the data \(n bytes after the header\): the file is truncated or corrupt/.test(m)), 'inside the data');
});

test('header lengths past the end, beyond the limit (refused before allocating), and a sparse file claiming 200 MB', () => {
  refused(file(JSON.stringify(header), data, { length: N + data.length + 1 }), /header length \d+ runs past the end of the file/);
  refused(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), /its header length 18446744073709551615 is more than the 100 MB limit$/);
  // A 300 MB sparse file whose header claims 200 MB: refused from its first 8 bytes, nothing of it read or allocated.
  const fd = openSync(path, 'w');
  const claim = Buffer.alloc(8);
  claim.writeBigUInt64LE(200_000_000n);
  writeSync(fd, claim);
  ftruncateSync(fd, 300_000_000);
  closeSync(fd);
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => rn.loadLayer(path), (e) => e.code === 'ERR_RNN_MODEL_FILE' && /header length 200000000 is more than the 100 MB limit$/.test(e.message));
  assert.ok(process.memoryUsage().arrayBuffers - before < 10_000_000, 'nothing large was allocated');
  // 99 MB claimed in a 16-byte file: past the end, found before a 99 MB header is allocated.
  refused(Buffer.concat([Buffer.from(new BigUint64Array([99_000_000n]).buffer), Buffer.from('{}      ')]), /header length 99000000 runs past the end of the file \(16 bytes\)/);
});

test('offsets that overlap, run backwards, leave gaps or a tail, and byte counts that do not fit the shape', () => {
  const [first, second] = entries.map(([name]) => name);
  const offsetsOf = (h, name) => h[name].data_offsets;
  refused(file(edited((h) => { offsetsOf(h, second)[0] -= 4; offsetsOf(h, second)[1] -= 4; })), new RegExp(`tensors "${first}" \\[\\d+, \\d+\\] and "${second}" \\[\\d+, \\d+\\] overlap$`));
  refused(file(edited((h) => { h[first].data_offsets = [h[first].data_offsets[1], h[first].data_offsets[0]]; })), new RegExp(`tensor "${first}" has data_offsets \\[\\d+, 0\\]: begin is after end$`));
  refused(file(edited((h) => { for (const [name] of entries) h[name].data_offsets = h[name].data_offsets.map((o) => o + 4); }), Buffer.concat([Buffer.alloc(4), data])),
    new RegExp(`the 4 bytes before tensor "${first}" belong to no tensor$`));
  refused(file(JSON.stringify(header), Buffer.concat([data, Buffer.alloc(8)])), /the 8 bytes after the last tensor belong to no tensor$/);
  refused(file(edited((h) => { h[first].shape = [h[first].shape[0], h[first].shape[1] + 1]; })), new RegExp(`tensor "${first}" has \\d+ bytes, but F32 × \\(12, 3\\) needs 144$`));
  refused(file(edited((h) => { h[first].data_offsets = [0, 2 ** 53]; })), /data_offsets \[0,9007199254740992\]: they must be two non-negative integers/);
  refused(file(edited((h) => { h[first].data_offsets = [0]; })), /data_offsets \[0\]: they must be two non-negative integers \[begin, end\]$/);
  refused(file(edited((h) => { h[first].data_offsets = [-4, 0]; })), /data_offsets \[-4,0\]: they must be two non-negative integers/);
});

test('shapes of negative, fractional, huge or non-numbers; NaN (not JSON); unknown dtypes', () => {
  const [first] = entries.map(([name]) => name);
  const shaped = (shape) => file(edited((h) => { h[first].shape = shape; }));
  for (const shape of [[-12, 2], [12, 1.5], ['12', 2], [null], 12, [1e300]]) {
    refused(shaped(shape), new RegExp(`tensor "${first}" has shape .*: dimensions must be non-negative integers$`), JSON.stringify(shape));
  }
  refused(shaped([2 ** 40, 2 ** 40]), /has shape \(1099511627776, 1099511627776\): too many elements$/);
  refused(file(JSON.stringify(header).replace(/"shape":\[12,2\]/, '"shape":[NaN,2]')), /its header is not JSON \(/);
  for (const dtype of ['F128', 'f32', 5, '__proto__', 'constructor']) {
    refused(file(edited((h) => { h[first].dtype = dtype; })), new RegExp(`tensor "${first}" has an unknown dtype ${JSON.stringify(dtype)}$`), String(dtype));
  }
  refused(file(edited((h) => { h[first].extra = 1; })), new RegExp(`tensor "${first}" has an unknown field "extra"$`));
  refused(file(edited((h) => { delete h[first].shape; })), new RegExp(`tensor "${first}" has no shape$`));
  refused(file(edited((h) => { h[first] = [1, 2]; })), new RegExp(`tensor "${first}" must be an object \\{ dtype, shape, data_offsets \\}, got \\[1,2\\]$`));
  // A dtype the format knows but no layer has: refused by name.
  const i32 = edited((h) => { h[first].dtype = 'I32'; });
  refused(file(i32), new RegExp(`tensor "${first}" has dtype I32; rnn-native reads F32, F64, F16 and BF16$`));
});

test('repeated keys (JSON.parse would keep the last silently), and headers that are not JSON objects of UTF-8', () => {
  const [first, second] = entries.map(([name]) => name);
  const text = JSON.stringify(header);
  refused(file(text.replace(`"${second}":`, `"${first}":`)), new RegExp(`its header has the key "${first}" twice in one object$`));
  refused(file(text.replace('"dtype":"F32",', '"dtype":"F64","dtype":"F32",')), /its header has the key "dtype" twice in one object$/);
  refused(file(text.replace('"version":"1"', '"version":"1","format":"x"')), /its header has the key "format" twice in one object$/);
  refused(file(text.replace(`"${first}":`, `"${first.replace('_', '\\u005f')}":`).replace(`"${second}":`, `"${first}":`)), new RegExp(`has the key "${first}" twice`), 'an escaped duplicate');
  refused(file(text.slice(0, -1)), /its header is not JSON \(/);
  refused(file(`[${text}]`), /its header must be a JSON object, but it starts with "\[/);
  refused(file(' '.repeat(8)), /its header must be a JSON object, but it starts with "        "$/);
  refused(file(''), /its header must be a JSON object, but it starts with ""$/);
  refused(Buffer.from([4, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0x7d, 0x20]), /its header is not UTF-8 text$/);
});

test('metadata that is not an object of strings, and foreign formats, versions and configs', () => {
  const text = JSON.stringify(header);
  refused(file(edited((h) => { h.__metadata__ = ['format']; })), /__metadata__ must be an object of strings, got \["format"\]$/);
  refused(file(edited((h) => { h.__metadata__.config = JSON.parse(h.__metadata__.config); })), /__metadata__\.config must be a string, got \{"class":"Lstm"/);
  refused(file(edited((h) => { h.__metadata__.version = 1; })), /__metadata__\.version must be a string, got 1$/);
  const layerFile = (problem) => new RegExp(`^${path.replace(/[.]/g, '\\.')} is not a valid rnn-native layer file: ${problem}$`);
  refused(file(edited((h) => { h.__metadata__.format = 'rnn-native/char-model'; })), layerFile('its __metadata__\\.format is "rnn-native/char-model", expected "rnn-native/layer"'));
  refused(file(edited((h) => { delete h.__metadata__; })), layerFile('its __metadata__\\.format is missing, expected "rnn-native/layer" \\(a PyTorch state_dict\\? .*\\)'));
  refused(file(edited((h) => { h.__metadata__.version = '2'; })), layerFile('its __metadata__\\.version "2" is not supported \\(this rnn-native reads version "1"\\)'));
  refused(file(edited((h) => { delete h.__metadata__.version; })), layerFile('its __metadata__\\.version is missing \\(this rnn-native reads version "1"\\)'));
  refused(file(edited((h) => { h.__metadata__.config = '{"class":'; })), layerFile('its __metadata__\\.config is not JSON \\(.*\\)'));
  refused(file(edited((h) => { h.__metadata__.config = '[1]'; })), layerFile('its __metadata__\\.config must be a JSON object'));
  refused(file(withConfig((c) => { c.class = 'Linear'; })), layerFile('its config\'s class is "Linear", expected "Lstm", "Gru" or "Rnn"'));
  refused(file(withConfig((c) => { c.class = 'Gru'; })), layerFile('tensor "weight_hh_l0" has shape \\(12, 3\\), but a Gru\'s is \\(3·H, H\\)'));
  refused(file(withConfig((c) => { c.hiddenSize = 4; })), layerFile('its config says hiddenSize: 4, but its tensors are those of hiddenSize 3'));
  refused(file(withConfig((c) => { delete c.numLayers; })), layerFile('its config says numLayers: nothing, but its tensors are those of numLayers 2'));
  refused(file(withConfig((c) => { c.layout = 'sideways'; })), layerFile('its layer cannot be built: options\\.layout must be \'time-major\' or \'batch-major\', got \'sideways\''));
  refused(file(withConfig((c) => { c.dropout = 'lots'; })), layerFile('its layer cannot be built: options\\.dropout must be a number, got a string'));
  refused(file(withConfig((c) => { c.colour = 'red'; })), layerFile('its layer cannot be built: options has an unknown key \'colour\'.*'));
  refused(file(withConfig((c) => { c.dtype = 'float64'; })), layerFile('tensor "weight_ih_l0" is F32, but a float64 layer is stored as F64'));
  refused(file(text.replace('"weight_ih_l1"', '"weight_ih_l1x"')), layerFile('tensor "weight_ih_l1x" is not a parameter of an Lstm of I = 2, H = 3, 1 layer'));
  assert.ok(text.includes('"weight_ih_l1"'));
});

test('not a layer file at all: a CharModel file, a folder, a device, an empty file', () => {
  const charModel = rn.CharModel.create({ alphabet: '\nab', hiddenSize: 2 });
  const model = join(dir, 'model.safetensors');
  charModel.save(model);
  assert.throws(() => rn.loadLayer(model), (e) => e.code === 'ERR_RNN_MODEL_FILE' &&
    e.message === `${model} is not a valid rnn-native layer file: its __metadata__.format is "rnn-native/char-model", expected "rnn-native/layer"`);
  const json = join(dir, 'model.json');
  writeFileSync(json, JSON.stringify(charModel.toJSON()));
  assert.throws(() => rn.loadLayer(json), (e) => e.code === 'ERR_RNN_MODEL_FILE' && /^.*model\.json is not a valid safetensors file: its header length \d+ is more than the 100 MB limit$/.test(e.message));
  assert.throws(() => rn.loadLayer(dir), (e) => e.code === 'ERR_RNN_MODEL_FILE' && e.message === `cannot read ${dir}: it is a directory, not a regular file`);
  assert.throws(() => rn.loadLayer('/dev/zero'), (e) => e.code === 'ERR_RNN_MODEL_FILE' && e.message === 'cannot read /dev/zero: it is a device, not a regular file');
  refused(Buffer.alloc(0), /is not a valid safetensors file: it has 0 bytes, fewer than the 8 of the header length$/);
});

test('fromPyTorch refuses hostile bytes the same way, naming the Uint8Array', () => {
  assert.throws(() => rn.Lstm.fromPyTorch(good.subarray(0, good.length - 1)), (e) => e.code === 'ERR_RNN_MODEL_FILE' &&
    /^the Uint8Array is not a valid safetensors file: tensor "\w+" has data_offsets \[\d+, \d+\], past the end of the data/.test(e.message));
  assert.throws(() => rn.Lstm.fromPyTorch(new Uint8Array(3)), (e) => e.code === 'ERR_RNN_MODEL_FILE' && /fewer than the 8/.test(e.message));
  assert.instance(rn.Lstm.fromPyTorch(new Uint8Array(good)), rn.Lstm);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
