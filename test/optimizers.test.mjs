// Clipping, SGD and Adam (issue 5) against updates computed by hand from their definitions, and parameter init.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { assertClose } from './support/check.mjs';

const test = suite('optimizers');
const tensor = (values, Type = Float64Array) => ({ data: Type.from(values), shape: [values.length, 1] });

test('clipByValue clamps every value into [-max, max] and leaves its input alone', () => {
  const grads = { dW: tensor([-3, -0.5, 0, 0.5, 3]), db: tensor([10, -10], Float32Array) };
  const clipped = rn.clipByValue(grads, 1);
  assert.equal(Array.from(clipped.dW.data), [-1, -0.5, 0, 0.5, 1]);
  assert.equal(Array.from(clipped.db.data), [1, -1]);
  assert.ok(clipped.db.data instanceof Float32Array);
  assert.equal(Array.from(grads.dW.data), [-3, -0.5, 0, 0.5, 3]);
  assert.throws(() => rn.clipByValue(grads, 0), (e) => e instanceof RangeError && /maxValue/.test(e.message));
  assert.throws(() => rn.clipByValue({ dW: [1, 2] }, 1), (e) => e instanceof TypeError && /grads\.dW/.test(e.message));
});

test('clipByGlobalNorm scales all gradients together to the norm limit', () => {
  const grads = { a: tensor([3, 0]), b: tensor([0, 4]) }; // global norm 5
  const { grads: clipped, norm } = rn.clipByGlobalNorm(grads, 2.5);
  assert.is(norm, 5);
  assertClose(Array.from(clipped.a.data), [1.5, 0]);
  assertClose(Array.from(clipped.b.data), [0, 2]);
  assertClose(rn.globalNorm(clipped), 2.5);
  const unchanged = rn.clipByGlobalNorm(grads, 10).grads;
  assert.equal(Array.from(unchanged.b.data), [0, 4]);
  assert.equal(Array.from(grads.a.data), [3, 0]);
});

test('SGD: w -= lr·g, and with momentum v = μv + g; w -= lr·v', () => {
  const params = { w: tensor([1, 2]) };
  new rn.Sgd({ learningRate: 0.1 }).step(params, { w: tensor([0.5, -1]) });
  assertClose(Array.from(params.w.data), [0.95, 2.1], { rel: 1e-15 });

  const p = { w: tensor([1, 2]) };
  const sgd = new rn.Sgd({ learningRate: 0.1, momentum: 0.9 });
  sgd.step(p, { w: tensor([0.5, -1]) }); // v = g1 = [0.5, -1]; w = [0.95, 2.1]
  sgd.step(p, { w: tensor([1, 1]) }); // v = 0.9·[0.5, -1] + [1, 1] = [1.45, 0.1]; w = [0.805, 2.09]
  assertClose(Array.from(p.w.data), [0.805, 2.09], { rel: 1e-14 });
});

test('Adam: bias-corrected moments, two steps by hand', () => {
  const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
  const p = { w: tensor([1, -2]) };
  const adam = new rn.Adam({ learningRate: lr });
  const g1 = [0.3, -0.2];
  const g2 = [-0.1, 0.4];
  adam.step(p, { w: tensor(g1) });
  adam.step(p, { w: tensor(g2) });
  const expected = [1, -2].map((w0, i) => {
    let m = 0;
    let v = 0;
    let w = w0;
    [g1[i], g2[i]].forEach((g, k) => {
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const mHat = m / (1 - b1 ** (k + 1));
      const vHat = v / (1 - b2 ** (k + 1));
      w -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
    return w;
  });
  assertClose(Array.from(p.w.data), expected, { rel: 1e-13 });
  // A single first step moves each weight by lr·g/(|g| + ε), almost exactly lr against its gradient's sign.
  const once = { w: tensor([1, -2]) };
  new rn.Adam({ learningRate: lr }).step(once, { w: tensor(g1) });
  assertClose(Array.from(once.w.data), [1 - lr * (0.3 / (0.3 + eps)), -2 + lr * (0.2 / (0.2 + eps))], { rel: 1e-14 });
});

test('step matches a gradient dW to params.dW, else to params.W (the backward functions\' names)', () => {
  const params = { Wf: tensor([1, 2]), bf: tensor([0.5]) };
  new rn.Sgd({ learningRate: 0.5 }).step(params, { dWf: tensor([2, 2]), dbf: tensor([1]) });
  assert.equal(Array.from(params.Wf.data), [0, 1]);
  assert.equal(Array.from(params.bf.data), [0]);
  assert.throws(() => new rn.Sgd({ learningRate: 1 }).step(params, { dx: tensor([1]) }),
    (e) => e instanceof TypeError && /grads\.dx has no parameter: there is no params\.dx or params\.x/.test(e.message));
});

test('optimizers reject bad options and mismatched gradients without touching any parameter', () => {
  assert.throws(() => new rn.Adam({ learningRate: -1 }), (e) => e instanceof RangeError && /learningRate/.test(e.message));
  assert.throws(() => new rn.Adam({ learningRate: 0.1, beta1: 1 }), (e) => e instanceof RangeError && /beta1/.test(e.message));
  assert.throws(() => new rn.Sgd({ learningRate: 0.1, momentun: 0.9 }), (e) => e instanceof TypeError && /unknown key 'momentun'/.test(e.message));
  const params = { a: tensor([1, 2]), b: tensor([3]) };
  const sgd = new rn.Sgd({ learningRate: 1 });
  assert.throws(() => sgd.step(params, { a: tensor([1, 1]), b: tensor([1, 1]) }), (e) => e instanceof RangeError && /grads\.b/.test(e.message));
  assert.throws(() => sgd.step(params, { c: tensor([1]) }), (e) => e instanceof TypeError && /no params\.c$/.test(e.message));
  assert.equal(Array.from(params.a.data), [1, 2]);
});

test('each tensor is read once, so a getter cannot swap in a shorter or foreign array after the checks', () => {
  const params = { w: tensor([1, 2, 3]) };
  let reads = 0;
  const sneaky = { shape: [3, 1], get data() { return ++reads === 1 ? Float64Array.from([1, 1, 1]) : new Uint8Array(1); } };
  new rn.Sgd({ learningRate: 1 }).step(params, { w: sneaky });
  assert.equal(Array.from(params.w.data), [0, 1, 2]);
  assert.is(reads, 1);
  reads = 0;
  assert.is(rn.globalNorm({ g: sneaky }), Math.sqrt(3));
  assert.not.ok('slotFor' in new rn.Adam({ learningRate: 1 }), 'the optimizer state is not reachable');
  assert.throws(() => { new rn.Adam({ learningRate: 0.1 }).learningRate = 5; }, TypeError);
});

test('initLstmParams: Glorot-uniform gate weights within their limit, zero biases, the forget bias, seeded', () => {
  const options = { n_x: 3, n_a: 5, n_y: 4, random: new rn.RandomState(1), forgetBias: 1 };
  const p = rn.initLstmParams(options);
  const limit = Math.sqrt(6 / (5 + 8));
  for (const name of ['Wf', 'Wi', 'Wc', 'Wo']) {
    assert.equal(p[name].shape, [5, 8]);
    assert.ok(p[name].data.every((v) => Math.abs(v) <= limit), `${name} within ±${limit}`);
  }
  assert.ok(p.bf.data.every((v) => v === 1) && p.bi.data.every((v) => v === 0));
  assert.equal(p.Wy.shape, [4, 5]);
  const again = rn.initLstmParams({ ...options, random: new rn.RandomState(1) });
  assert.equal(Array.from(again.Wc.data), Array.from(p.Wc.data));
  // Usable as they are by the sequence functions.
  const x = { data: new Float64Array(3 * 2 * 4).fill(0.5), shape: [3, 2, 4] };
  const a0 = { data: new Float64Array(10), shape: [5, 2] };
  assert.equal(rn.lstmForward(x, a0, p).y.shape, [4, 2, 4]);
});

test('initRnnParams and glorotUniform: shapes, dtype and the spread of U(-l, l)', () => {
  const p = rn.initRnnParams({ n_x: 2, n_a: 3, random: new rn.RandomState(2), dtype: 'float32' });
  assert.equal(Object.keys(p), ['Wax', 'Waa', 'ba']);
  assert.ok(p.Wax.data instanceof Float32Array);
  const big = rn.glorotUniform(200, 300, new rn.RandomState(3));
  const limit = Math.sqrt(6 / 500);
  const variance = big.data.reduce((s, v) => s + v * v, 0) / big.data.length;
  assertClose(variance, (limit * limit) / 3, { rel: 0.02 }); // Var U(-l, l) = l²/3
  assert.throws(() => rn.glorotUniform(0, 3, new rn.RandomState(1)), (e) => e instanceof RangeError && /fanOut/.test(e.message));
  assert.throws(() => rn.initRnnParams({ n_x: 2, n_a: 3, random: new rn.RandomState(1), dtype: 'float16' }), (e) => e instanceof TypeError && /dtype/.test(e.message));
});

test.run();
