// Every error the library throws keeps its class and carries a stable `code`, the same list the README documents.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { ERROR_CODES as declared } from './support/error-codes.mjs';
import * as V from './support/valid-inputs.mjs';

const root = path.join(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** `thunk` throws (or rejects with) exactly an ErrorClass carrying `code`. */
async function throwsCode(thunk, ErrorClass, code) {
  let caught;
  try {
    await thunk();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${ErrorClass.name} ${code}, nothing was thrown`);
  assert.is(Object.getPrototypeOf(caught), ErrorClass.prototype, `${code}: class of ${caught.message}`);
  assert.is(caught.code, code, caught.message);
}

const ALPHABET = '\nab';
const model = () => rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 4 });
const f32 = (t) => ({ data: Float32Array.from(t.data), shape: t.shape });

const cases = {
  ERR_RNN_TYPE: [TypeError, () => rn.lstmForward('x', V.input('a0'), V.lstmParams())],
  ERR_RNN_DTYPE: [TypeError, () => rn.lstmForward(f32(V.input('x')), V.input('a0'), V.lstmParams())],
  ERR_RNN_SHAPE: [RangeError, () => rn.lstmForward(V.input('a0'), V.input('a0'), V.lstmParams())],
  ERR_RNN_KEY: [TypeError, () => rn.lstmForward(V.input('x'), V.input('a0'), { ...V.lstmParams(), wf: [[1]] })],
  ERR_RNN_VALUE: [RangeError, () => new rn.RandomState(-1)],
  ERR_RNN_CACHE: [TypeError, () => rn.rnnBackward(V.input('da'), rn.lstmForward(V.input('x'), V.input('a0'), V.lstmParams()).caches)],
  ERR_RNN_TOO_LARGE: [RangeError, () => rn.glorotUniform(2 ** 26, 2 ** 26, new rn.RandomState(1))],
  ERR_RNN_DETACHED: [Error, () => {
    const m = model();
    structuredClone(m.parameters.buffer, { transfer: [m.parameters.buffer] });
    return m.sample({ random: new rn.RandomState(1) });
  }],
  ERR_RNN_MODEL_FILE: [Error, () => rn.CharModel.fromJSON('{}')],
  ERR_RNN_DIVERGED: [Error, () => {
    const m = model();
    m.parameters[0] = NaN;
    m.save(path.join(os.tmpdir(), 'rnn-native-never-written.json'));
  }],
  ERR_RNN_BUSY: [Error, async () => {
    const m = model();
    const ids = m.encode('\nab\n');
    const pending = m.trainStepAsync({ inputs: ids.slice(0, 3), targets: ids.slice(1), batchSize: 1, steps: 3 }, { optimizer: new rn.Sgd({ learningRate: 0.1 }) });
    try {
      m.sample({ random: new rn.RandomState(1) });
    } finally {
      await pending;
    }
  }],
};

const FROM_ADDON = ['ERR_RNN_ADDON', 'ERR_RNN_OUT_OF_MEMORY', 'ERR_RNN_NATIVE'];

test('every declared code has a case here (the addon\'s own ones are tested with a stand-in addon below)', () => {
  assert.equal(Object.keys(cases).sort(), declared.filter((c) => !FROM_ADDON.includes(c)).sort());
});

for (const [code, [ErrorClass, thunk]] of Object.entries(cases)) {
  test(`${code} is a ${ErrorClass.name}`, () => throwsCode(thunk, ErrorClass, code));
}

test('a model file that is a folder or not UTF-8 is ERR_RNN_MODEL_FILE; a missing one keeps ENOENT', async () => {
  await throwsCode(() => rn.CharModel.load(os.tmpdir()), Error, 'ERR_RNN_MODEL_FILE');
  const latin1 = path.join(os.tmpdir(), `rnn-native-latin1-${process.pid}.json`);
  writeFileSync(latin1, Buffer.from([0x7b, 0xe9, 0x7d]));
  await throwsCode(() => rn.CharModel.load(latin1), Error, 'ERR_RNN_MODEL_FILE');
  await throwsCode(() => rn.CharModel.load(path.join(os.tmpdir(), 'rnn-native-no-such-model.json')), Error, 'ENOENT');
});

test('async functions reject with the same class and code', async () => {
  await throwsCode(() => rn.rnnForwardAsync(V.input('x'), V.input('a0'), { ...V.rnnParams(), Wax: [[1]] }), RangeError, 'ERR_RNN_SHAPE');
});

test('an addon that does not load is ERR_RNN_ADDON, naming what to install', async () => {
  const { spawnSync } = await import('node:child_process');
  const bogus = path.join(os.tmpdir(), 'rnn-native-bogus.node');
  writeFileSync(bogus, 'not a shared object');
  const child = spawnSync(process.execPath, ['-e', `
    try { require('rnn-native'); } catch (e) { console.log(JSON.stringify({ name: e.constructor.name, code: e.code, message: e.message })); }`],
  { cwd: root, env: { ...process.env, RNN_NATIVE_ADDON: bogus }, encoding: 'utf8' });
  const error = JSON.parse(child.stdout);
  assert.is(error.name, 'Error');
  assert.is(error.code, 'ERR_RNN_ADDON');
  assert.match(error.message, /libopenblas0/);
  assert.match(error.message, /npm rebuild rnn-native --build-from-source/);
});

test('errors of the addon itself carry codes: its workspace allocation failing is ERR_RNN_OUT_OF_MEMORY, sync or async', async () => {
  const { spawnSync } = await import('node:child_process');
  // A stand-in addon (RNN_NATIVE_ADDON loads any module) whose kernels fail as the real one does when memory is gone.
  const addon = path.join(os.tmpdir(), `rnn-native-failing-addon-${process.pid}.cjs`);
  writeFileSync(addon, `
    const oom = () => new Error('rnn-native: not enough memory for the workspace of this call');
    module.exports = {
      rnnForward() { throw oom(); },
      rnnForwardAsync() { return Promise.reject(oom()); },
      getNumThreads() { throw new Error('something else'); },
      largeArrayBuffer() {},
    };`);
  const child = spawnSync(process.execPath, ['-e', `
    const rn = require('rnn-native');
    const V = { x: [[[1]]], a0: [[0]], params: { Wax: [[1]], Waa: [[1]], ba: [[0]] } };
    const codeOf = (f) => { try { f(); } catch (e) { return [e.constructor.name, e.code]; } };
    const out = { sync: codeOf(() => rn.rnnForward(V.x, V.a0, V.params)), other: codeOf(() => rn.getNumThreads()) };
    rn.rnnForwardAsync(V.x, V.a0, V.params).catch((e) => {
      out.async = [e.constructor.name, e.code];
      console.log(JSON.stringify(out));
    });`], { cwd: root, env: { ...process.env, RNN_NATIVE_ADDON: addon }, encoding: 'utf8' });
  assert.is(child.status, 0, child.stderr);
  assert.equal(JSON.parse(child.stdout), {
    sync: ['Error', 'ERR_RNN_OUT_OF_MEMORY'], other: ['Error', 'ERR_RNN_NATIVE'], async: ['Error', 'ERR_RNN_OUT_OF_MEMORY'],
  });
});

test('the README lists every code, and no other', () => {
  const listed = [...new Set([...readme.matchAll(/`(ERR_RNN_\w+)`/g)].map((m) => m[1]))];
  assert.equal(listed.sort(), [...declared].sort());
});

test.run();
