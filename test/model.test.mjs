// The character model (issue 5): the fused training step's loss and gradients against finite differences of the
// loss itself, clipping inside the step, memorizing a short text, determinism, async = sync, save → load, and
// corrupt files rejected.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as rn from 'rnn-native';
import { assertClose, assertGradient } from './support/check.mjs';

const test = suite('CharModel');
const TEXT = 'the cat sat\non the mat\n';
const ALPHABET = [...new Set(TEXT)].sort().join('');

function batchOf(model, text, batchSize, steps, mask = []) {
  const ids = model.encode(text);
  const inputs = new Int32Array(batchSize * steps);
  const targets = new Int32Array(batchSize * steps);
  for (let j = 0; j < batchSize; ++j) {
    for (let t = 0; t < steps; ++t) {
      inputs[j * steps + t] = ids[j * 3 + t];
      targets[j * steps + t] = ids[j * 3 + t + 1];
    }
  }
  for (const index of mask) targets[index] = -1;
  return { inputs, targets, batchSize, steps };
}

const clone = (model) => rn.CharModel.fromJSON(JSON.stringify(model.toJSON()));
/** The loss of `batch` at the model's current parameters: a step whose update is far below every parameter's ulp. */
const lossAt = (model, batch) => model.trainStep(batch, { optimizer: new rn.Sgd({ learningRate: 1e-300 }) });
/** The gradient the step computes, read back from one SGD step with learning rate 1 on a copy: Δw = -g. */
function stepGradient(model, batch, options = {}) {
  const copy = clone(model);
  copy.trainStep(batch, { optimizer: new rn.Sgd({ learningRate: 1 }), ...options });
  return model.parameters.map((w, i) => w - copy.parameters[i]);
}

for (const cell of ['lstm', 'rnn']) {
  test(`${cell}: the step's loss and gradient of every parameter match finite differences (with a masked target)`, () => {
    const model = rn.CharModel.create({ cell, alphabet: ALPHABET, hiddenSize: 4, seed: 3 });
    const batch = batchOf(model, TEXT, 2, 5, [3]);
    const analytic = stepGradient(model, batch);
    const p = model.parameters;
    const numeric = new Float64Array(p.length);
    const h = 1e-6;
    for (let i = 0; i < p.length; ++i) {
      const saved = p[i];
      p[i] = saved + h;
      const plus = lossAt(model, batch);
      p[i] = saved - h;
      const minus = lossAt(model, batch);
      p[i] = saved;
      numeric[i] = (plus - minus) / (2 * h);
    }
    assertGradient(analytic, numeric, { tol: 1e-6, label: `${cell} gradient` });
    // The loss is the mean cross-entropy over the 9 unmasked positions: ln V for a model that knew nothing.
    const fresh = lossAt(model, batch);
    assert.ok(fresh > 0 && fresh < 2 * Math.log(ALPHABET.length), `loss ${fresh}`);
  });
}

test('clipValue bounds every gradient value and clipNorm the global norm inside the step', () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 6, seed: 4 });
  const batch = batchOf(model, TEXT, 3, 6);
  const raw = stepGradient(model, batch);
  const byValue = stepGradient(model, batch, { clipValue: 1e-3 });
  raw.forEach((g, i) => assertClose(byValue[i], Math.max(-1e-3, Math.min(1e-3, g)), { rel: 1e-9, abs: 1e-15 }));
  const norm = Math.hypot(...raw);
  assert.ok(norm > 0.01, `raw norm ${norm}`);
  const byNorm = stepGradient(model, batch, { clipNorm: 0.01 });
  assertClose(Math.hypot(...byNorm), 0.01, { rel: 1e-9 });
  byNorm.forEach((g, i) => assertClose(g, raw[i] * (0.01 / norm), { rel: 1e-6, abs: 1e-15 }));
  // Both: by value first, then the clipped gradients scaled to the norm.
  const both = stepGradient(model, batch, { clipValue: 1e-3, clipNorm: 0.001 });
  const valueNorm = Math.hypot(...byValue);
  assert.ok(valueNorm > 0.001, `norm after value clipping ${valueNorm}`);
  both.forEach((g, i) => assertClose(g, byValue[i] * (0.001 / valueNorm), { rel: 1e-6, abs: 1e-15 }));
});

test('a diverged model (NaN parameters) is not saved', () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 3 });
  model.parameters[0] = NaN;
  assert.throws(() => model.save(path.join(os.tmpdir(), 'never-written.json')), (e) => /NaN or infinite parameters/.test(e.message));
});

test('a tiny LSTM memorizes a short line and samples it back', () => {
  const line = 'hello world';
  const text = `\n${line}\n`;
  const model = rn.CharModel.create({ alphabet: [...new Set(text)].sort().join(''), hiddenSize: 16, seed: 1 });
  const ids = model.encode(text);
  const steps = ids.length - 1;
  const batch = { inputs: ids.slice(0, steps), targets: ids.slice(1), batchSize: 1, steps };
  const optimizer = new rn.Adam({ learningRate: 0.05 });
  const first = model.trainStep(batch, { optimizer, clipValue: 5 });
  let last = first;
  for (let i = 0; i < 150; ++i) last = model.trainStep(batch, { optimizer, clipValue: 5 });
  assert.ok(last < 0.05 * first, `loss ${first} → ${last}`);
  assert.is(model.sample({ random: new rn.RandomState(1), temperature: 0.1 }), line);
  assert.is(model.sample({ random: new rn.RandomState(1), temperature: 0.1, prefix: 'hel' }), line);
});

test('loss(lines) is the cross-entropy a training step from the line start reports, and changes nothing', () => {
  for (const cell of ['lstm', 'rnn']) {
    const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 6, seed: 3, cell });
    const before = Array.from(model.parameters);
    const line = 'at';
    const loss = model.loss([line]);
    assert.equal(Array.from(model.parameters), before, `${cell}: loss() leaves the parameters`);
    const ids = model.encode(`\n${line}\n`);
    const batch = { inputs: ids.slice(0, -1), targets: ids.slice(1), batchSize: 1, steps: ids.length - 1 };
    const stepLoss = model.trainStep(batch, { optimizer: new rn.Sgd({ learningRate: 1e-12 }) });
    assertClose(loss, stepLoss, { rel: 1e-9, label: `${cell}: loss vs trainStep` });
    // Several lines: the mean over all their characters.
    const other = model.loss(['ta']);
    assertClose(model.loss([line, 'ta']), (3 * model.loss([line]) + 3 * other) / 6, { rel: 1e-12, label: `${cell}: mean over lines` });
  }
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 4 });
  assert.throws(() => model.loss([]), (e) => e.code === 'ERR_RNN_VALUE');
  assert.throws(() => model.loss(['a', 3]), (e) => e.code === 'ERR_RNN_TYPE');
  assert.throws(() => model.loss(['a#']), (e) => e.code === 'ERR_RNN_VALUE' && /not in the model's alphabet/.test(e.message));
});

test('temperature 0 samples greedily: the most likely character every step, whatever the random state', () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 8, seed: 4 });
  const greedy = (seed, prefix) => model.sample({ random: new rn.RandomState(seed), temperature: 0, maxLength: 12, prefix });
  assert.is(greedy(1, ''), greedy(2, ''));
  assert.is(greedy(1, 'th'), greedy(7, 'th'));
  assert.ok(greedy(1, 'th').startsWith('th'));
  const tiny = model.sample({ random: new rn.RandomState(1), temperature: 1e-6, maxLength: 12 });
  assert.is(tiny, greedy(3, ''), 'a temperature near 0 draws what greedy decoding takes');
  assert.throws(() => model.sample({ random: new rn.RandomState(1), temperature: -1 }), (e) => e.code === 'ERR_RNN_VALUE' && /≥ 0/.test(e.message));
});

test('the same seed gives the same losses; async steps equal sync steps bit for bit', async () => {
  const run = async (useAsync) => {
    const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 8, seed: 9, cell: 'rnn' });
    const batch = batchOf(model, TEXT, 3, 5);
    const optimizer = new rn.Adam({ learningRate: 0.01 });
    const losses = [];
    for (let i = 0; i < 5; ++i) {
      losses.push(useAsync ? await model.trainStepAsync(batch, { optimizer }) : model.trainStep(batch, { optimizer }));
    }
    return { losses, parameters: Array.from(model.parameters) };
  };
  const a = await run(false);
  assert.equal(await run(false), a);
  assert.equal(await run(true), a);
  assert.ok(a.losses[4] < a.losses[0]);
});

test('a model is busy while its async step runs', async () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 8 });
  const batch = batchOf(model, TEXT, 2, 4);
  const pending = model.trainStepAsync(batch, { optimizer: new rn.Sgd({ learningRate: 0.1 }) });
  assert.throws(() => model.trainStep(batch, { optimizer: new rn.Sgd({ learningRate: 0.1 }) }), /busy/);
  assert.throws(() => model.sample({ random: new rn.RandomState(1) }), /busy/);
  assert.ok((await pending) > 0);
});

test('a model is busy from the first line of a step: a getter of its batch cannot start another step', async () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 8, seed: 2 });
  const twin = clone(model);
  const batch = batchOf(model, TEXT, 2, 4);
  const options = () => ({ optimizer: new rn.Adam({ learningRate: 0.1 }) });
  const inner = [];
  const hostile = (start) => ({
    get inputs() {
      inner.push(start());
      return batch.inputs;
    },
    targets: batch.targets, batchSize: batch.batchSize, steps: batch.steps,
  });
  const settle = (promise) => promise.then(() => 'ran', (error) => error.message);
  const lossAsync = await model.trainStepAsync(hostile(() => settle(model.trainStepAsync(batch, options()))), options());
  const lossSync = model.trainStep(hostile(() => {
    try {
      model.trainStep(batch, options());
      return 'ran';
    } catch (error) {
      return error.message;
    }
  }), options());
  const messages = await Promise.all(inner);
  assert.is(messages.length, 2);
  for (const message of messages) assert.match(message, /^this CharModel is busy with a training step/);
  // Each step ran once, exactly as on a twin fed the plain batch.
  const twinOptions = options();
  assert.is(lossAsync, await twin.trainStepAsync(batch, twinOptions));
  assert.is(lossSync, twin.trainStep(batch, options()));
  assert.equal(Array.from(model.parameters), Array.from(twin.parameters));
  assert.ok((await model.trainStepAsync(batch, options())) > 0, 'no longer busy afterwards');
});

test('a caller detaching the parameters (or the optimizer state) gets an Error, never a crash; async works on copies', async () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 8, seed: 5 });
  const batch = batchOf(model, TEXT, 2, 4);
  const optimizer = new rn.Adam({ learningRate: 0.01 });
  const pending = model.trainStepAsync(batch, { optimizer });
  structuredClone(model.parameters.buffer, { transfer: [model.parameters.buffer] });
  const outcome = await pending.then(() => 'resolved', (e) => e);
  assert.instance(outcome, TypeError, 'the step cannot write its result back into a detached array');
  assert.throws(() => model.trainStep(batch, { optimizer }), (e) => e instanceof Error && /parameters were detached/.test(e.message), 'sync');
  assert.throws(() => model.sample({ random: new rn.RandomState(1) }), (e) => e instanceof Error && /parameters were detached/.test(e.message), 'sample');
});

test('what the native code trusts cannot be changed from outside: sizes, hyperparameters, the parameter array', () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 6, seed: 7 });
  const twin = rn.CharModel.fromJSON(JSON.stringify(model.toJSON()));
  const batch = batchOf(model, TEXT, 2, 4);
  Object.defineProperty(model, 'hiddenSize', { value: 4096 });
  assert.throws(() => { model.parameters = new Float64Array(3); }, TypeError);
  const adam = new rn.Adam({ learningRate: 0.05 });
  Object.defineProperty(adam, 'learningRate', { get() { structuredClone(model.parameters.buffer, { transfer: [] }); return 1e6; } });
  assert.is(model.trainStep(batch, { optimizer: adam }), twin.trainStep(batch, { optimizer: new rn.Adam({ learningRate: 0.05 }) }));
  assert.equal(Array.from(model.parameters), Array.from(twin.parameters), 'the same update as an untouched model');
  assert.throws(() => new rn.CharModel('rnn', 8, ALPHABET, 'float32', new Float64Array(10)), (e) => e instanceof TypeError && /Float32Array of \d+ values/.test(e.message));
  assert.throws(() => rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 1e5 }), (e) => e instanceof RangeError && /hiddenSize must be at most/.test(e.message));
});

test('sample works on its own copy: a generator that detaches the parameters mid-sample cannot crash it', () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 6, seed: 8 });
  const random = new rn.RandomState(3);
  let draws = 0;
  random.random = function () {
    if (++draws === 2) structuredClone(model.parameters.buffer, { transfer: [model.parameters.buffer] });
    return rn.RandomState.prototype.random.call(this);
  };
  assert.type(model.sample({ random, maxLength: 20 }), 'string');
  assert.ok(draws >= 2, 'the detaching draw happened');
  assert.throws(() => model.sample({ random: new rn.RandomState(1) }), (e) => e instanceof Error && /parameters were detached/.test(e.message));
});

test('save → load gives identical parameters, samples and losses, for both cells and dtypes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rnn-native-model-'));
  for (const [cell, dtype] of [['lstm', 'float64'], ['rnn', 'float32']]) {
    const model = rn.CharModel.create({ cell, dtype, alphabet: ALPHABET, hiddenSize: 5, seed: 2 });
    const batch = batchOf(model, TEXT, 2, 4);
    model.trainStep(batch, { optimizer: new rn.Adam({ learningRate: 0.1 }) });
    const file = path.join(dir, `${cell}.json`);
    model.save(file);
    const loaded = rn.CharModel.load(file);
    assert.is(loaded.cell, cell);
    assert.is(loaded.dtype, dtype);
    assert.is(loaded.parameters.constructor, model.parameters.constructor);
    assert.equal(Array.from(loaded.parameters), Array.from(model.parameters));
    const sample = (m) => m.sample({ random: new rn.RandomState(5), maxLength: 30 });
    assert.is(sample(loaded), sample(model));
    assert.is(lossAt(loaded, batch), lossAt(model, batch));
  }
  fs.rmSync(dir, { recursive: true });
});

test('corrupt or foreign files are a clear Error naming the file and the problem', () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 3 });
  const good = model.toJSON();
  const variants = [
    ['{"format": "rnn-native/char-model", "vers', /not JSON/],
    [JSON.stringify({ hello: 'world' }), /no "format"/],
    [JSON.stringify({ ...good, version: 2 }), /version 2 is not supported/],
    [JSON.stringify({ ...good, cell: 'gru' }), /"cell" must be "lstm" or "rnn"/],
    [JSON.stringify({ ...good, hiddenSize: -1 }), /"hiddenSize"/],
    [JSON.stringify({ ...good, alphabet: 'aa\n' }), /"alphabet"/],
    [JSON.stringify({ ...good, parameters: { ...good.parameters, W: { ...good.parameters.W, shape: [1, 1] } } }), /parameters\.W\.shape/],
    [JSON.stringify({ ...good, parameters: { ...good.parameters, by: { ...good.parameters.by, data: [1] } } }), /parameters\.by\.data/],
    [JSON.stringify({ ...good, parameters: { ...good.parameters, Wy: undefined } }), /parameters\.Wy" is missing/],
    [JSON.stringify({ ...good, parameters: { ...good.parameters, Wax: good.parameters.W } }), /unknown entries Wax/],
    [JSON.stringify(good).replace(/"data":\[(-?[0-9.e-]+)/, '"data":["x"'), /must be a finite number/],
  ];
  for (const [text, why] of variants) {
    assert.throws(
      () => rn.CharModel.fromJSON(text, 'model.json'),
      (e) => e.constructor === Error && /^model\.json is not a valid rnn-native model file: /.test(e.message) && why.test(e.message),
      `expected ${why} for ${text.slice(0, 60)}`,
    );
  }
  assert.throws(() => rn.CharModel.load('/nonexistent/model.json'), /^cannot read the model \/nonexistent\/model\.json: no such file$/);
  assert.throws(() => rn.CharModel.load('/dev/zero'), /^cannot read the model \/dev\/zero: it is a device, not a regular file$/);
  assert.throws(() => rn.CharModel.load('/tmp'), /^cannot read the model \/tmp: it is a directory, not a regular file$/);
  assert.ok(rn.CharModel.fromJSON(JSON.stringify(good)) instanceof rn.CharModel);
});

test('bad batches and options are TypeError/RangeError naming the argument', () => {
  const model = rn.CharModel.create({ alphabet: ALPHABET, hiddenSize: 3 });
  const batch = batchOf(model, TEXT, 2, 3);
  const optimizer = new rn.Sgd({ learningRate: 0.1 });
  const bad = (b, o = { optimizer }) => () => model.trainStep(b, o);
  assert.throws(bad({ ...batch, inputs: Array.from(batch.inputs) }), (e) => e instanceof TypeError && /batch\.inputs must be an Int32Array/.test(e.message));
  assert.throws(bad({ ...batch, steps: 4 }), (e) => e instanceof RangeError && /batch\.inputs has 6 ids/.test(e.message));
  assert.throws(bad({ ...batch, inputs: batch.inputs.map(() => 99) }), (e) => e instanceof RangeError && /batch\.inputs\[0\] = 99/.test(e.message));
  assert.throws(bad({ ...batch, inputs: batch.inputs.map(() => -1) }), (e) => e instanceof RangeError && /batch\.inputs/.test(e.message));
  assert.throws(bad(batch, { optimizer: {} }), (e) => e instanceof TypeError && /options\.optimizer/.test(e.message));
  assert.throws(bad(batch, { optimizer, clipValue: -1 }), (e) => e instanceof RangeError && /clipValue/.test(e.message));
  assert.throws(bad(batch, { optimizer, clipvalue: 1 }), (e) => e instanceof TypeError && /unknown key 'clipvalue'/.test(e.message));
  assert.throws(() => rn.CharModel.create({ alphabet: 'ab' }), (e) => e instanceof RangeError && /'\\n'/.test(e.message));
  assert.throws(() => rn.CharModel.create({ alphabet: ALPHABET, cell: 'gru' }), (e) => e instanceof TypeError && /cell/.test(e.message));
  assert.throws(() => model.encode('dog!'), (e) => e instanceof RangeError && /"d"/.test(e.message));
});

test.run();
