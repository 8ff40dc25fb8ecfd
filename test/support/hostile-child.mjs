// Run by hostile.test.mjs in a child process, because the failure these cases guard against is a crash (a native
// read or write past the end of an array), not an exception. Each case prints one JSON line before it starts and
// one with its outcome, so the parent can tell which case killed the process.
import { createHash } from 'node:crypto';
import * as rn from 'rnn-native';
import * as V from './valid-inputs.mjs';

const { n_x, n_a, m, T } = V;
const detach = (typedArray) => structuredClone(typedArray.buffer, { transfer: [typedArray.buffer] });
/** A short fingerprint of every tensor of a result (its name, shape, dtype and bytes). */
function digest(result) {
  const hash = createHash('sha256');
  const tensors = result.data ? [['result', result]] : Object.entries(result).filter(([, v]) => v?.data);
  for (const [key, t] of tensors) hash.update(`${key} ${t.shape} ${t.data.constructor.name}`).update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return `${tensors.length} tensors ${hash.digest('hex').slice(0, 16)}`;
}

/** A shape array whose dimension `axis` runs `effect` when it is read (the dimension itself stays right). */
function shapeWithGetter(shape, axis, effect) {
  const s = [...shape];
  Object.defineProperty(s, axis, { get() { effect(); return shape[axis]; }, enumerable: true });
  return s;
}

/**
 * Runs `run` with TypedArray.prototype[key] replaced by `replacement(original)`, restored afterwards (after the
 * Promise settles, for an async `run`).
 */
function withPatched(key, replacement, run) {
  const proto = Object.getPrototypeOf(Uint8Array.prototype);
  const original = Object.getOwnPropertyDescriptor(proto, key);
  Object.defineProperty(proto, key, { ...original, value: replacement(original.value) });
  const restore = () => Object.defineProperty(proto, key, original);
  let result;
  try {
    result = run();
    return result;
  } finally {
    if (result instanceof Promise) result.then(restore, restore); else restore();
  }
}

/** A small character model, a batch and step options for it (fresh each time). */
function charModelCase() {
  const model = rn.CharModel.create({ alphabet: '\nab', hiddenSize: 8, seed: 1 });
  const ids = model.encode('ab\naab\nba\n');
  return { model, batch: { inputs: ids.slice(0, -1), targets: ids.slice(1), batchSize: 1, steps: ids.length - 1 }, options: { optimizer: new rn.Adam({ learningRate: 0.1 }) } };
}
const asTensor = (...values) => ({ data: Float64Array.from(values), shape: [values.length] });
const trainStepAsyncResult = async ({ model, batch, options }) => asTensor(await model.trainStepAsync(batch, options), ...model.parameters);
const sampleResult = ({ model }) => asTensor(...[...model.sample({ random: new rn.RandomState(1), maxLength: 40 })].map((c) => c.codePointAt(0)));

/** An optimizer step on a parameter and gradient of length-tracking views of resizable buffers, grown after the first step. */
function growBetweenSteps(optimizer) {
  const n = 1000;
  const view = () => ({ data: new Float64Array(new ArrayBuffer(8 * n, { maxByteLength: 8 * n * 64 })), shape: [n] });
  const [W, dW] = [view(), view()];
  optimizer.step({ W }, { dW });
  W.data.buffer.resize(8 * n * 64);
  dW.data.buffer.resize(8 * n * 64);
  return optimizer.step({ W }, { dW });
}

const cases = {
  // A getter run while a later argument is read detaches or shrinks an array that was already checked.
  'opts.c0 getter detaches x (lstmForward)': () => {
    const x = V.input('x');
    return rn.lstmForward(x, V.input('a0'), V.lstmParams(), { get c0() { detach(x.data); return undefined; } });
  },
  'opts.c0 getter detaches x (lstmForwardAsync)': () => {
    const x = V.input('x');
    return rn.lstmForwardAsync(x, V.input('a0'), V.lstmParams(), { get c0() { detach(x.data); return undefined; } });
  },
  'aPrev.shape getter detaches xt (rnnCellForward)': () => {
    const xt = V.input('xt');
    const aPrev = V.input('aPrev');
    return rn.rnnCellForward(xt, { data: aPrev.data, shape: shapeWithGetter(aPrev.shape, 0, () => detach(xt.data)) }, V.rnnParams());
  },
  'dcNext.shape getter detaches daNext (lstmCellBackward)': () => {
    const daNext = V.input('daNext');
    const dcNext = V.input('dcNext');
    const shape = shapeWithGetter(dcNext.shape, 1, () => daNext.data.byteLength && detach(daNext.data));
    return rn.lstmCellBackward(daNext, { data: dcNext.data, shape }, V.lstmCellCache());
  },
  'params.by getter detaches ba (rnnForward)': () => {
    const params = V.rnnParams();
    const { by } = params;
    let reads = 0;
    Object.defineProperty(params, 'by', { get() { if (++reads > 1 && params.ba.data.byteLength) detach(params.ba.data); return by; }, enumerable: true });
    return rn.rnnForward(V.input('x'), V.input('a0'), params);
  },
  'a0.shape getter shrinks the resizable buffer of x (rnnForward)': () => {
    const buffer = new ArrayBuffer(8 * n_x * m * T, { maxByteLength: 8 * n_x * m * T * 4 });
    const data = new Float64Array(buffer); // length-tracking
    data.set(V.input('x').data);
    const a0 = V.input('a0');
    return rn.rnnForward({ data, shape: [n_x, m, T] }, { data: a0.data, shape: shapeWithGetter(a0.shape, 0, () => buffer.resize(8)) }, V.rnnParams());
  },
  // Arrays that lie about their length or type.
  'a Float64Array subclass whose length says 3,000,000 (rnnForward)': () => {
    class Long extends Float64Array { get length() { return n_x * 1000 * 1000; } }
    return rn.rnnForward({ data: new Long(n_x), shape: [n_x, 1000, 1000] }, V.tensor([n_a, 1000], 2), V.rnnParams());
  },
  'a Float64Array subclass whose length says 1 (sigmoid)': () => {
    class Short extends Float64Array { get length() { return 1; } }
    return rn.sigmoid({ data: new Short(1 << 20), shape: [1] });
  },
  'a Float32Array subclass whose length says 1 (softmax)': () => {
    class Short extends Float32Array { get length() { return 1; } }
    return rn.softmax({ data: new Short(1 << 20), shape: [1] });
  },
  'a Uint8Array with the prototype of Float64Array (rnnForward)': () => {
    const data = new Uint8Array(n_x * 64 * 64);
    Object.setPrototypeOf(data, Float64Array.prototype);
    return rn.rnnForward({ data, shape: [n_x, 64, 64] }, V.tensor([n_a, 64], 2), V.rnnParams());
  },
  'a Float32Array with the prototype of Float64Array among float64 parameters (lstmForward)': () => {
    const x = V.input('x', Float32Array);
    Object.setPrototypeOf(x.data, Float64Array.prototype);
    return rn.lstmForward(x, V.input('a0'), V.lstmParams());
  },
  'a Proxy of a Float64Array as data (rnnBackward)': () =>
    rn.rnnBackward({ data: new Proxy(V.input('da').data, {}), shape: [n_a, m, T] }, V.rnnCaches()),
  // Arrays whose `constructor` or species would make the package allocate or copy into the wrong array.
  'an own constructor property that returns a 1-value array (sigmoid)': () => {
    const z = V.tensor([256, 256], 3);
    z.data.constructor = function Tiny() { return new Float64Array(1); };
    return rn.sigmoid(z);
  },
  'a species that copies into a Uint8Array (rnnForwardAsync)': () => {
    class Bytes extends Float64Array { static get [Symbol.species]() { return Uint8Array; } }
    const x = V.input('x');
    return rn.rnnForwardAsync({ data: Bytes.from(x.data), shape: x.shape }, V.input('a0'), V.rnnParams());
  },
  // Methods a caller can patch, which must not run after the last check (they could detach what the kernel reads).
  'a patched TypedArray.prototype.set detaches x (lstmForward)': () => {
    const x = V.input('x');
    return withPatched('set', (set) => function (...args) { if (x.data.byteLength) detach(x.data); return set.apply(this, args); },
      () => rn.lstmForward(x, V.input('a0'), V.lstmParams()));
  },
  'a patched TypedArray.prototype.set detaches x (rnnForward)': () => {
    const x = V.input('x');
    return withPatched('set', (set) => function (...args) { if (x.data.byteLength) detach(x.data); return set.apply(this, args); },
      () => rn.rnnForward(x, V.input('a0'), V.rnnParams()));
  },
  'a patched TypedArray.prototype.set detaches the array it writes (CharModel.trainStepAsync)': () => {
    const c = charModelCase();
    return withPatched('set', (set) => function (...args) { if (this.byteLength) detach(this); return set.apply(this, args); },
      () => trainStepAsyncResult(c));
  },
  'a patched TypedArray iterator detaches the array it walks (CharModel.sample)': () => {
    const c = charModelCase();
    return withPatched(Symbol.iterator, () => function () {
      const values = Array.from({ length: this.length }, (_, i) => this[i]);
      if (this.byteLength) detach(this);
      return values.values();
    }, () => sampleResult(c));
  },
  'a parameter on a resizable ArrayBuffer grows between two Adam steps': () => growBetweenSteps(new rn.Adam({ learningRate: 0.1 })),
  'a parameter on a resizable ArrayBuffer grows between two Sgd steps': () => growBetweenSteps(new rn.Sgd({ learningRate: 0.1, momentum: 0.9 })),
  'a shape whose dimension changes from one read to the next (lstmForward)': () => {
    const x = V.input('x');
    let reads = 0;
    const shape = [n_x, m, T];
    Object.defineProperty(shape, 2, { get: () => (++reads <= 2 ? T : 1000 * T), enumerable: true });
    return rn.lstmForward({ data: x.data, shape }, V.input('a0'), V.lstmParams());
  },
};

/** Plain calls with the same values, for the cases that must succeed. */
const plain = {
  'a patched TypedArray.prototype.set detaches x (lstmForward)': () => rn.lstmForward(V.input('x'), V.input('a0'), V.lstmParams()),
  'a patched TypedArray.prototype.set detaches x (rnnForward)': () => rn.rnnForward(V.input('x'), V.input('a0'), V.rnnParams()),
  'a patched TypedArray.prototype.set detaches the array it writes (CharModel.trainStepAsync)': () => trainStepAsyncResult(charModelCase()),
  'a patched TypedArray iterator detaches the array it walks (CharModel.sample)': () => sampleResult(charModelCase()),
  'an own constructor property that returns a 1-value array (sigmoid)': () => rn.sigmoid(V.tensor([256, 256], 3)),
  'a species that copies into a Uint8Array (rnnForwardAsync)': () => rn.rnnForward(V.input('x'), V.input('a0'), V.rnnParams()),
  'a shape whose dimension changes from one read to the next (lstmForward)': () => rn.lstmForward(V.input('x'), V.input('a0'), V.lstmParams()),
};

// `node hostile-child.mjs [first]` runs the cases from number `first` on (after one that crashed the process).
const first = Number(process.argv[2] ?? 0);
for (const [name, run] of Object.entries(cases).slice(first)) {
  console.log(JSON.stringify({ start: name }));
  let line;
  try {
    const result = await run();
    line = { name, result: digest(result), plain: plain[name] ? digest(await plain[name]()) : undefined };
  } catch (error) {
    line = { name, error: error?.constructor?.name, message: error?.message };
  }
  console.log(JSON.stringify(line));
}
