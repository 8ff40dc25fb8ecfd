// The heads of the layers (LAYERS.md §3): Linear and softmaxCrossEntropy against plain-JavaScript loops, their
// gradients against central finite differences, masking by -1 and by lengths in both layouts, training with the
// optimizers, async against sync, and every error message.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { assertClose, assertGradient, assertIdentical, dot, nest, numericGradient, rng } from './support/check.mjs';

const test = suite('heads');

/** y (…, O) = x (…, I) Wᵀ + b, one loop per element, in double. */
function referenceLinear(x, weight, bias) {
  const [O, I] = weight.shape;
  const rows = x.data.length / I;
  const y = new Float64Array(rows * O);
  for (let r = 0; r < rows; ++r) {
    for (let o = 0; o < O; ++o) {
      let s = bias.data[o];
      for (let i = 0; i < I; ++i) s += x.data[r * I + i] * weight.data[o * I + i];
      y[r * O + o] = s;
    }
  }
  return { data: y, shape: [...x.shape.slice(0, -1), O] };
}

/** The mean over positions whose id is not -1 of -log softmax(z)[id], from the definition (with the max subtracted). */
function referenceCrossEntropy(logits, ids) {
  const C = logits.shape[logits.shape.length - 1];
  let total = 0;
  let count = 0;
  for (let r = 0; r < ids.length; ++r) {
    if (ids[r] < 0) continue;
    const z = Array.from(logits.data.subarray(r * C, (r + 1) * C));
    const max = Math.max(...z);
    total += Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0)) + max - z[ids[r]];
    count += 1;
  }
  return count === 0 ? 0 : total / count;
}

const ids = (shape, C, seed, masked = []) => {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Int32Array.from({ length: size }, (_, i) => (i * 5 + seed) % C);
  for (const i of masked) data[i] = -1;
  return { data, shape };
};

const f32 = (t) => ({ data: Float32Array.from(t.data), shape: [...t.shape] });

/** `thunk` throws (or rejects with) exactly `ErrorClass` with `code` and this very message. */
async function throwsExactly(thunk, ErrorClass, code, message) {
  let caught;
  try {
    await thunk();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${ErrorClass.name}: ${message}`);
  assert.is(caught.message, message);
  assert.is(Object.getPrototypeOf(caught), ErrorClass.prototype, `${message}: class`);
  assert.is(caught.code, code, `${message}: code`);
}

// ---------------------------------------------------------------------------------------------------------------
// Linear

test('Linear: PyTorch names and shapes, U(-1/√I, 1/√I) from RandomState(seed), float32 by default, frozen', () => {
  const layer = new rn.Linear({ inputSize: 4, outputSize: 3, seed: 7 });
  assert.is(layer.dtype, 'float32');
  assert.equal(Object.keys(layer.parameters), ['weight', 'bias']);
  assert.equal([...layer.parameters.weight.shape], [3, 4]);
  assert.equal([...layer.parameters.bias.shape], [3]);
  assert.instance(layer.parameters.weight.data, Float32Array);
  const r = new rn.RandomState(7);
  const expected = Float32Array.from({ length: 15 }, () => (2 * r.random() - 1) / 2);
  assertIdentical([...layer.parameters.weight.data, ...layer.parameters.bias.data], expected, 'weight then bias');
  assert.ok(Object.isFrozen(layer.parameters) && Object.isFrozen(layer.parameters.weight) && Object.isFrozen(layer));
  const f64 = new rn.Linear({ inputSize: 4, outputSize: 3, dtype: 'float64' });
  assert.instance(f64.parameters.bias.data, Float64Array);
  assertIdentical(f64.parameters.weight, new rn.Linear({ inputSize: 4, outputSize: 3, dtype: 'float64', seed: 0 }).parameters.weight, 'seed 0 by default');
});

for (const dtype of ['float64', 'float32']) {
  for (const shape of [[5], [3, 5], [4, 2, 5], [2, 1, 3, 5]]) {
    test(`Linear.forward equals the plain loop (${dtype}, x ${JSON.stringify(shape)})`, () => {
      const layer = new rn.Linear({ inputSize: 5, outputSize: 3, dtype, seed: 2 });
      const x64 = rng(3)(...shape);
      const x = dtype === 'float32' ? f32(x64) : x64;
      const { y } = layer.forward(x);
      assert.instance(y.data, dtype === 'float32' ? Float32Array : Float64Array);
      assert.equal([...y.shape], [...shape.slice(0, -1), 3]);
      const expected = referenceLinear(x, layer.parameters.weight, layer.parameters.bias);
      assertClose(y, expected, dtype === 'float32' ? { rel: 1e-5, abs: 1e-6 } : { rel: 1e-13, abs: 1e-14 });
    });
  }
}

test('Linear takes nested arrays in its dtype', () => {
  const layer = new rn.Linear({ inputSize: 2, outputSize: 2, seed: 1 });
  const x = [[1, 2], [3, -1]];
  const { y } = layer.forward(x);
  assert.instance(y.data, Float32Array);
  assertIdentical(y, layer.forward({ data: Float32Array.from(x.flat()), shape: [2, 2] }).y);
});

test('Linear.backward: dx, dweight and dbias match finite differences (float64, rank 3)', () => {
  const layer = new rn.Linear({ inputSize: 4, outputSize: 3, dtype: 'float64', seed: 5 });
  const x = rng(6)(2, 3, 4);
  const G = rng(7)(2, 3, 3); // J = Σ y ⊙ G, so dy = G
  const J = () => dot(layer.forward(x).y.data, G.data);
  const { dx, grads } = layer.backward(layer.forward(x).tape, G);
  assert.equal([...dx.shape], [2, 3, 4]);
  assert.equal([...grads.weight.shape], [3, 4]);
  assert.equal([...grads.bias.shape], [3]);
  assertGradient(dx, numericGradient(J, x.data), { label: 'dx' });
  assertGradient(grads.weight, numericGradient(J, layer.parameters.weight.data), { label: 'dweight' });
  assertGradient(grads.bias, numericGradient(J, layer.parameters.bias.data), { label: 'dbias' });
});

test('Linear.backward of float32 agrees with float64', () => {
  const l64 = new rn.Linear({ inputSize: 6, outputSize: 4, dtype: 'float64', seed: 8 });
  const l32 = new rn.Linear({ inputSize: 6, outputSize: 4, seed: 8 });
  l64.parameters.weight.data.set(l32.parameters.weight.data);
  l64.parameters.bias.data.set(l32.parameters.bias.data);
  const x = f32(rng(9)(5, 6));
  const dy = f32(rng(10)(5, 4));
  const a = l64.backward(l64.forward({ data: Float64Array.from(x.data), shape: x.shape }).tape, { data: Float64Array.from(dy.data), shape: dy.shape });
  const b = l32.backward(l32.forward(x).tape, dy);
  assertClose(b.dx, a.dx, { rel: 1e-5, abs: 1e-6, label: 'dx' });
  assertClose(b.grads.weight, a.grads.weight, { rel: 1e-5, abs: 1e-6, label: 'dweight' });
  assertClose(b.grads.bias, a.grads.bias, { rel: 1e-5, abs: 1e-6, label: 'dbias' });
});

test('a tape serves several backward passes, and is the forward pass\'s: an optimizer step in between changes nothing', () => {
  const layer = new rn.Linear({ inputSize: 3, outputSize: 2, dtype: 'float64', seed: 1 });
  const x = rng(2)(4, 3);
  const dy = rng(3)(4, 2);
  const { tape } = layer.forward(x);
  const first = layer.backward(tape, dy);
  x.data.fill(0); // the tape has its own copy of x
  new rn.Sgd({ learningRate: 0.5 }).step(layer.parameters, first.grads);
  const second = layer.backward(tape, dy);
  assertIdentical(second.dx, first.dx, 'dx');
  assertIdentical(second.grads.weight, first.grads.weight, 'dweight');
  assertIdentical(second.grads.bias, first.grads.bias, 'dbias');
});

test('Sgd and Adam step linear.parameters in place with the grads of backward, and the next forward uses them', () => {
  for (const optimizer of [new rn.Sgd({ learningRate: 0.1 }), new rn.Adam({ learningRate: 0.1 })]) {
    const layer = new rn.Linear({ inputSize: 3, outputSize: 2, dtype: 'float64', seed: 4 });
    const before = { weight: layer.parameters.weight.data.slice(), bias: layer.parameters.bias.data.slice() };
    const x = rng(5)(6, 3);
    const { grads } = layer.backward(layer.forward(x).tape, rng(6)(6, 2));
    optimizer.step(layer.parameters, grads);
    if (optimizer instanceof rn.Sgd) {
      assertClose(layer.parameters.weight.data, before.weight.map((w, i) => w - 0.1 * grads.weight.data[i]), { rel: 1e-15, abs: 0 });
      assertClose(layer.parameters.bias.data, before.bias.map((b, i) => b - 0.1 * grads.bias.data[i]), { rel: 1e-15, abs: 0 });
    } else {
      for (let i = 0; i < 6; ++i) assertClose(Math.abs(layer.parameters.weight.data[i] - before.weight[i]), 0.1, { rel: 1e-6 });
    }
    assertClose(layer.forward(x).y, referenceLinear(x, layer.parameters.weight, layer.parameters.bias), { rel: 1e-13, abs: 1e-14 });
  }
});

test('forwardAsync and backwardAsync give what forward and backward give, bit for bit, and their tapes cross', async () => {
  for (const dtype of ['float32', 'float64']) {
    const layer = new rn.Linear({ inputSize: 7, outputSize: 5, dtype, seed: 3 });
    const cast = dtype === 'float32' ? f32 : (t) => t;
    const x = cast(rng(4)(3, 4, 7));
    const dy = cast(rng(5)(3, 4, 5));
    const sync = layer.forward(x);
    const promise = layer.forwardAsync(x);
    assert.instance(promise, Promise);
    const async = await promise;
    assertIdentical(async.y, sync.y, `${dtype} y`);
    const b = layer.backward(sync.tape, dy);
    const [fromAsync, crossed] = await Promise.all([layer.backwardAsync(async.tape, dy), layer.backwardAsync(sync.tape, dy)]);
    for (const result of [fromAsync, crossed, layer.backward(async.tape, dy)]) {
      assertIdentical(result.dx, b.dx, `${dtype} dx`);
      assertIdentical(result.grads.weight, b.grads.weight, `${dtype} dweight`);
      assertIdentical(result.grads.bias, b.grads.bias, `${dtype} dbias`);
    }
  }
});

test('a large Linear (several team threads) still equals the plain loop', () => {
  const layer = new rn.Linear({ inputSize: 96, outputSize: 80, dtype: 'float64', seed: 1 });
  const x = rng(2)(300, 96);
  const { y, tape } = layer.forward(x);
  assertClose(y, referenceLinear(x, layer.parameters.weight, layer.parameters.bias), { rel: 1e-12, abs: 1e-12 });
  const dy = rng(3)(300, 80);
  const { grads } = layer.backward(tape, dy);
  const db = new Float64Array(80);
  for (let r = 0; r < 300; ++r) for (let o = 0; o < 80; ++o) db[o] += dy.data[r * 80 + o];
  assertClose(grads.bias, db, { rel: 1e-12, abs: 1e-12 });
});

// ---------------------------------------------------------------------------------------------------------------
// softmaxCrossEntropy

for (const dtype of ['float64', 'float32']) {
  for (const [shape, masked] of [[[4], []], [[5, 4], [1, 3]], [[3, 2, 6], [0]], [[2, 2, 2, 3], [5, 6]]]) {
    test(`softmaxCrossEntropy equals the plain loop (${dtype}, logits ${JSON.stringify(shape)}, masked ${JSON.stringify(masked)})`, () => {
      const C = shape[shape.length - 1];
      const z64 = rng(11, 3)(...shape);
      const logits = dtype === 'float32' ? f32(z64) : z64;
      const targets = ids(shape.slice(0, -1), C, 2, masked);
      const { loss, dlogits } = rn.softmaxCrossEntropy(logits, targets);
      assert.type(loss, 'number');
      assert.instance(dlogits.data, dtype === 'float32' ? Float32Array : Float64Array);
      assert.equal([...dlogits.shape], shape);
      const tolerance = dtype === 'float32' ? { rel: 1e-6, abs: 1e-6 } : { rel: 1e-13, abs: 1e-15 };
      assertClose(loss, referenceCrossEntropy(logits, targets.data), tolerance);
      const counted = targets.data.filter((t) => t >= 0).length;
      const expected = new Float64Array(dlogits.data.length);
      for (let r = 0; r < targets.data.length; ++r) {
        if (targets.data[r] < 0) continue;
        const z = Array.from(logits.data.subarray(r * C, (r + 1) * C));
        const max = Math.max(...z);
        const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
        for (let k = 0; k < C; ++k) expected[r * C + k] = (Math.exp(z[k] - max) / sum - (k === targets.data[r] ? 1 : 0)) / counted;
      }
      assertClose(dlogits, expected, tolerance);
    });
  }
}

test('dlogits matches finite differences of the loss (float64), masked positions included', () => {
  const logits = rng(12, 2)(3, 4, 5);
  const targets = ids([3, 4], 5, 1, [2, 7]);
  const { dlogits } = rn.softmaxCrossEntropy(logits, targets);
  assertGradient(dlogits, numericGradient(() => rn.softmaxCrossEntropy(logits, targets).loss, logits.data), { label: 'dlogits' });
  for (const r of [2, 7]) assert.equal(Array.from(dlogits.data.subarray(r * 5, r * 5 + 5)), [0, 0, 0, 0, 0], `row ${r}`);
});

test('dlogits matches finite differences with lengths (float64, batch-major)', () => {
  const logits = rng(13, 2)(3, 4, 3); // (m, T, C)
  const targets = ids([3, 4], 3, 2);
  const options = { lengths: [4, 0, 2], layout: 'batch-major' };
  const { dlogits } = rn.softmaxCrossEntropy(logits, targets, options);
  assertGradient(dlogits, numericGradient(() => rn.softmaxCrossEntropy(logits, targets, options).loss, logits.data), { label: 'dlogits' });
});

test('lengths mask t ≥ lengths[b]: time-major (T, m, C) and batch-major (m, T, C) equal -1 at those positions', () => {
  const [T, m, C] = [4, 3, 5];
  const lengths = [2, 4, 0];
  const timeMajor = rng(14)(T, m, C);
  const targetsTM = ids([T, m], C, 3);
  const maskedTM = { data: targetsTM.data.map((id, i) => (Math.floor(i / m) >= lengths[i % m] ? -1 : id)), shape: [T, m] };
  const a = rn.softmaxCrossEntropy(timeMajor, targetsTM, { lengths: Int32Array.from(lengths) });
  assertIdentical(a.dlogits, rn.softmaxCrossEntropy(timeMajor, maskedTM).dlogits, 'time-major dlogits');
  assert.is(a.loss, rn.softmaxCrossEntropy(timeMajor, maskedTM).loss);
  assertClose(a.loss, referenceCrossEntropy(timeMajor, maskedTM.data), { rel: 1e-13 });
  assert.equal(a, rn.softmaxCrossEntropy(timeMajor, targetsTM, { lengths, layout: 'time-major' }), 'time-major is the default');
  // The same sequences batch-major: element (t, b) moves to (b, t).
  const batchMajor = { data: new Float64Array(T * m * C), shape: [m, T, C] };
  const targetsBM = { data: new Int32Array(m * T), shape: [m, T] };
  for (let t = 0; t < T; ++t) {
    for (let b = 0; b < m; ++b) {
      targetsBM.data[b * T + t] = targetsTM.data[t * m + b];
      for (let k = 0; k < C; ++k) batchMajor.data[(b * T + t) * C + k] = timeMajor.data[(t * m + b) * C + k];
    }
  }
  const c = rn.softmaxCrossEntropy(batchMajor, targetsBM, { lengths, layout: 'batch-major' });
  assertClose(c.loss, a.loss, { rel: 1e-15 });
  for (let t = 0; t < T; ++t) {
    for (let b = 0; b < m; ++b) {
      for (let k = 0; k < C; ++k) assert.is(c.dlogits.data[(b * T + t) * C + k], a.dlogits.data[(t * m + b) * C + k]);
    }
  }
});

test('all positions masked: loss 0 and a zero gradient (by -1, by lengths, float32 too)', () => {
  const logits = rng(15)(2, 3, 4);
  for (const [targets, options] of [
    [{ data: new Int32Array(6).fill(-1), shape: [2, 3] }, undefined],
    [ids([2, 3], 4, 1), { lengths: [0, 0, 0] }],
    [ids([2, 3], 4, 1), { lengths: [0, 0], layout: 'batch-major' }],
  ]) {
    for (const z of [logits, f32(logits)]) {
      const { loss, dlogits } = rn.softmaxCrossEntropy(z, targets, options);
      assert.is(loss, 0);
      assert.ok(dlogits.data.every((v) => Object.is(v, 0)), 'every dlogit is +0');
    }
  }
});

test('numerically stable: huge logits give the loss of the logits shifted by their maximum, both dtypes', () => {
  const small = [[1, 2, 3], [0, -1, 4]];
  const huge = small.map((row) => row.map((v) => v + 1e4));
  const targets = [2, 0];
  for (const cast of [(t) => t, (t) => ({ data: Float32Array.from(t.flat()), shape: [2, 3] })]) {
    const a = rn.softmaxCrossEntropy(cast(huge), targets);
    const b = rn.softmaxCrossEntropy(cast(small), targets);
    assert.ok(Number.isFinite(a.loss));
    assertClose(a.loss, b.loss, { rel: 1e-5 });
    assertClose(a.dlogits, b.dlogits, { rel: 1e-5, abs: 1e-7 });
  }
});

test('targets as nested arrays, a number for rank-1 logits, or an Int32Array tensor give the same result', () => {
  const logits = rng(16)(2, 3, 4);
  const targets = ids([2, 3], 4, 2, [4]);
  const expected = rn.softmaxCrossEntropy(logits, targets);
  assert.equal(rn.softmaxCrossEntropy(logits, nest(targets)), expected);
  assert.equal(rn.softmaxCrossEntropy(nest(logits), nest(targets)), expected);
  const vector = rng(17)(4);
  assert.equal(rn.softmaxCrossEntropy(vector, 3), rn.softmaxCrossEntropy(vector, { data: Int32Array.of(3), shape: [] }));
  assertClose(rn.softmaxCrossEntropy(vector, 3).loss, referenceCrossEntropy(vector, [3]), { rel: 1e-13 });
});

// ---------------------------------------------------------------------------------------------------------------
// Together

test('Adam on Linear + softmaxCrossEntropy learns a separable 4-class problem: the loss falls from 0.9 below 0.01, every point right', () => {
  // Four Gaussian blobs (σ = 0.4) around (±2, ±2), 16 points each.
  const r = new rn.RandomState(3);
  const centers = [[2, 2], [-2, 2], [-2, -2], [2, -2]];
  const points = 64;
  const x = { data: new Float32Array(points * 2), shape: [points, 2] };
  const labels = { data: new Int32Array(points), shape: [points] };
  for (let p = 0; p < points; ++p) {
    const c = p % 4;
    labels.data[p] = c;
    x.data[2 * p] = centers[c][0] + 0.4 * r.normal();
    x.data[2 * p + 1] = centers[c][1] + 0.4 * r.normal();
  }
  const layer = new rn.Linear({ inputSize: 2, outputSize: 4, seed: 1 });
  const adam = new rn.Adam({ learningRate: 0.1 });
  const losses = [];
  for (let step = 0; step < 100; ++step) {
    const { y, tape } = layer.forward(x);
    const { loss, dlogits } = rn.softmaxCrossEntropy(y, labels);
    losses.push(loss);
    adam.step(layer.parameters, layer.backward(tape, dlogits).grads);
  }
  assert.ok(losses[0] > 0.9, `first loss ${losses[0]}`);
  assert.ok(losses[losses.length - 1] < 0.01, `last loss ${losses[losses.length - 1]}`);
  const { y } = layer.forward(x);
  for (let p = 0; p < points; ++p) {
    const row = Array.from(y.data.subarray(4 * p, 4 * p + 4));
    assert.is(row.indexOf(Math.max(...row)), labels.data[p], `point ${p}`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Errors, message by message

const layer = new rn.Linear({ inputSize: 3, outputSize: 2 });
const x = { data: new Float32Array(6), shape: [2, 3] };
const LINEAR = 'Linear';

test(`${LINEAR} constructor errors`, async () => {
  const make = (options) => () => new rn.Linear(options);
  await throwsExactly(make({ inputSize: 3, outputSize: 2, bias: false }), TypeError, 'ERR_RNN_KEY',
    "options has an unknown key 'bias': allowed are inputSize, outputSize, dtype, seed");
  await throwsExactly(make(undefined), TypeError, 'ERR_RNN_TYPE', 'inputSize must be a number, got undefined');
  await throwsExactly(make('big'), TypeError, 'ERR_RNN_TYPE', 'options must be an object or undefined, got a string');
  await throwsExactly(make({ inputSize: '3', outputSize: 2 }), TypeError, 'ERR_RNN_TYPE', 'inputSize must be a number, got a string');
  await throwsExactly(make({ inputSize: 3, outputSize: 0 }), RangeError, 'ERR_RNN_VALUE', 'outputSize must be a positive integer, got 0');
  await throwsExactly(make({ inputSize: 2.5, outputSize: 2 }), RangeError, 'ERR_RNN_VALUE', 'inputSize must be a positive integer, got 2.5');
  await throwsExactly(make({ inputSize: 3, outputSize: 2, dtype: 'float16' }), TypeError, 'ERR_RNN_VALUE', "dtype must be 'float64' or 'float32', got 'float16'");
  await throwsExactly(make({ inputSize: 3, outputSize: 2, seed: -1 }), RangeError, 'ERR_RNN_VALUE', 'seed must be an integer in [0, 2^32), got -1');
  await throwsExactly(make({ inputSize: 3, outputSize: 2, seed: '1' }), TypeError, 'ERR_RNN_TYPE', 'seed must be a number, got a string');
  await throwsExactly(make({ inputSize: 2 ** 16, outputSize: 2 ** 16 }), RangeError, 'ERR_RNN_TOO_LARGE',
    'sizes too large: outputSize·inputSize = 4294967296 exceeds 2147483647, the largest size one BLAS call can index');
});

for (const method of ['forward', 'forwardAsync']) {
  test(`Linear.${method} errors (rejections for the async one)`, async () => {
    const call = (input) => () => layer[method](input);
    await throwsExactly(call({ data: new Float64Array(6), shape: [2, 3] }), TypeError, 'ERR_RNN_DTYPE',
      "x is a Float64Array, but the layer set this call's dtype to Float32Array: all float arrays of one call must share one dtype");
    await throwsExactly(call({ data: new Float32Array(8), shape: [2, 4] }), RangeError, 'ERR_RNN_SHAPE',
      'x must have shape (…, I) = (…, 3), got (2, 4) (I comes from the layer)');
    await throwsExactly(call([1, 2]), RangeError, 'ERR_RNN_SHAPE', 'x must have shape (…, I) = (…, 3), got (2) (I comes from the layer)');
    await throwsExactly(call('x'), TypeError, 'ERR_RNN_TYPE', 'x must be a Tensor { data, shape } or a nested number array, got a string');
    await throwsExactly(call({ data: new Int32Array(6), shape: [2, 3] }), TypeError, 'ERR_RNN_DTYPE', 'x.data must be a Float64Array or Float32Array, got Int32Array');
  });
}

for (const method of ['backward', 'backwardAsync']) {
  test(`Linear.${method} errors (rejections for the async one)`, async () => {
    const { tape } = layer.forward(x);
    const dy = { data: new Float32Array(4), shape: [2, 2] };
    const call = (t, d = dy) => () => layer[method](t, d);
    const other = new rn.Linear({ inputSize: 3, outputSize: 2 }).forward(x).tape;
    await throwsExactly(call(other), TypeError, 'ERR_RNN_CACHE', "tape must be the tape that this Linear's forward returned, got the tape of another Linear");
    await throwsExactly(call({}), TypeError, 'ERR_RNN_CACHE', "tape must be the tape that this Linear's forward returned, got an object");
    await throwsExactly(call(undefined), TypeError, 'ERR_RNN_CACHE', "tape must be the tape that this Linear's forward returned, got undefined");
    await throwsExactly(call(Object.create(Object.getPrototypeOf(tape))), TypeError, 'ERR_RNN_CACHE',
      "tape must be the tape that this Linear's forward returned, got a copy or imitation of a tape");
    await throwsExactly(call(tape, { data: new Float32Array(6), shape: [2, 3] }), RangeError, 'ERR_RNN_SHAPE',
      'dy must have shape (…, O) = (2, 2), got (2, 3) (the shape of y)');
    await throwsExactly(call(tape, { data: new Float32Array(4), shape: [4] }), RangeError, 'ERR_RNN_SHAPE',
      'dy must have shape (…, O) = (2, 2), got (4) (the shape of y)');
    await throwsExactly(call(tape, { data: new Float64Array(4), shape: [2, 2] }), TypeError, 'ERR_RNN_DTYPE',
      "dy is a Float64Array, but the layer set this call's dtype to Float32Array: all float arrays of one call must share one dtype");
  });
}

test('softmaxCrossEntropy errors: options, logits, targets, lengths', async () => {
  const logits = { data: new Float64Array(24), shape: [3, 2, 4] }; // time-major: T = 3, m = 2, C = 4
  const targets = { data: new Int32Array(6), shape: [3, 2] };
  const call = (z, t, options) => () => rn.softmaxCrossEntropy(z, t, options);
  await throwsExactly(call(logits, targets, { mask: [] }), TypeError, 'ERR_RNN_KEY', "options has an unknown key 'mask': allowed are lengths, layout");
  await throwsExactly(call(logits, targets, { layout: 'time' }), RangeError, 'ERR_RNN_VALUE', "options.layout must be 'time-major' or 'batch-major', got 'time'");
  await throwsExactly(call(logits, targets, { layout: 0 }), TypeError, 'ERR_RNN_TYPE', "options.layout must be 'time-major' or 'batch-major', got a number");
  await throwsExactly(call(3, targets), TypeError, 'ERR_RNN_TYPE', 'logits must be a Tensor { data, shape } or a nested number array, got a number');
  await throwsExactly(call({ data: new Int32Array(4), shape: [4] }, 0), TypeError, 'ERR_RNN_DTYPE', 'logits.data must be a Float64Array or Float32Array, got Int32Array');
  // targets
  await throwsExactly(call(logits, { data: new Int32Array(6), shape: [2, 3] }), RangeError, 'ERR_RNN_SHAPE',
    'targets must have shape (T, m) = (3, 2), got (2, 3) (T and m come from logits, time-major)');
  await throwsExactly(call(logits, { data: new Int32Array(6), shape: [2, 3] }, { layout: 'batch-major' }), RangeError, 'ERR_RNN_SHAPE',
    'targets must have shape (m, T) = (3, 2), got (2, 3) (T and m come from logits, batch-major)');
  await throwsExactly(call({ data: new Float64Array(8), shape: [2, 4] }, [0, 1, 2]), RangeError, 'ERR_RNN_SHAPE',
    'targets must have shape (…) = (2), got (3) (the leading axes of logits)');
  await throwsExactly(call({ data: new Float64Array(8), shape: [2, 4] }, { data: new Int32Array(3), shape: [2] }), RangeError, 'ERR_RNN_SHAPE',
    'targets.data has 3 values but its shape (2) needs 2');
  await throwsExactly(call(logits, { data: new Float64Array(6), shape: [3, 2] }), TypeError, 'ERR_RNN_DTYPE',
    'targets must be { data: Int32Array, shape } or a nested number array of class ids, got data of type Float64Array');
  await throwsExactly(call(logits, 'abc'), TypeError, 'ERR_RNN_TYPE',
    'targets must be { data: Int32Array, shape } or a nested number array of class ids, got a string');
  await throwsExactly(call(logits, { data: new Int32Array(6), shape: 6 }), TypeError, 'ERR_RNN_TYPE', 'targets.shape must be an array of dimensions, got a number');
  await throwsExactly(call(logits, { data: Int32Array.of(0, 1, 2, 3, 4, 0), shape: [3, 2] }), RangeError, 'ERR_RNN_VALUE',
    'targets[2][0] must be a class id in [0, C) = [0, 4) or -1 (masked), got 4');
  await throwsExactly(call(logits, [[0, 1], [-2, 0], [0, 0]]), RangeError, 'ERR_RNN_VALUE', 'targets[1][0] must be a class id in [0, C) = [0, 4) or -1 (masked), got -2');
  await throwsExactly(call(logits, [[0, 1], [0, 1.5], [0, 0]]), RangeError, 'ERR_RNN_VALUE', 'targets[1][1] must be a class id in [0, C) = [0, 4) or -1 (masked), got 1.5');
  await throwsExactly(call(logits, [[0, 1], [0, '1'], [0, 0]]), TypeError, 'ERR_RNN_TYPE', 'targets[1][1] must be a number, got a string');
  await throwsExactly(call({ data: new Float64Array(4), shape: [4] }, 4), RangeError, 'ERR_RNN_VALUE', 'targets must be a class id in [0, C) = [0, 4) or -1 (masked), got 4');
  // lengths
  await throwsExactly(call(logits, targets, { lengths: [1, 2, 3] }), RangeError, 'ERR_RNN_SHAPE',
    'lengths must have shape (m) = (2), got (3) (m comes from logits, time-major)');
  await throwsExactly(call(logits, targets, { lengths: [1, 9] }), RangeError, 'ERR_RNN_VALUE', 'lengths[1] must be an integer in [0, T] = [0, 3], got 9');
  await throwsExactly(call(logits, targets, { lengths: Int32Array.of(-1, 0) }), RangeError, 'ERR_RNN_VALUE', 'lengths[0] must be an integer in [0, T] = [0, 3], got -1');
  await throwsExactly(call(logits, { data: new Int32Array(6), shape: [2, 3] }, { lengths: [1, 1, 7], layout: 'batch-major' }), RangeError, 'ERR_RNN_VALUE',
    'lengths[2] must be an integer in [0, T] = [0, 2], got 7');
  await throwsExactly(call(logits, targets, { lengths: [0.5, 1] }), RangeError, 'ERR_RNN_VALUE', 'lengths[0] must be an integer in [0, T] = [0, 3], got 0.5');
  await throwsExactly(call(logits, targets, { lengths: ['1', 1] }), TypeError, 'ERR_RNN_TYPE', 'lengths[0] must be a number, got a string');
  await throwsExactly(call(logits, targets, { lengths: new Float64Array(2) }), TypeError, 'ERR_RNN_DTYPE',
    'lengths must be an Int32Array or number[] of m = 2 integers, got Float64Array');
  await throwsExactly(call(logits, targets, { lengths: 2 }), TypeError, 'ERR_RNN_TYPE', 'lengths must be an Int32Array or number[] of m = 2 integers, got a number');
  await throwsExactly(call({ data: new Float64Array(8), shape: [2, 4] }, [0, 1], { lengths: [1, 1] }), RangeError, 'ERR_RNN_SHAPE',
    'logits must have shape (T, m, C), got (2, 4) (lengths needs logits of rank 3)');
  await throwsExactly(call({ data: new Float64Array(8), shape: [2, 4] }, [0, 1], { lengths: [1, 1], layout: 'batch-major' }), RangeError, 'ERR_RNN_SHAPE',
    'logits must have shape (m, T, C), got (2, 4) (lengths needs logits of rank 3)');
});

test.run();
