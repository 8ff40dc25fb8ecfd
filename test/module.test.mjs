// Packaging (SPEC §4: "works from both `import` and `require` on Node 20+"): the ES module and CommonJS entries
// export the same API, the type declarations are there and resolve through package.json "exports", and toNested
// round-trips nested arrays.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esm from 'rnn-native';
import { snapshot } from './support/check.mjs';
import * as V from './support/valid-inputs.mjs';

const require = createRequire(import.meta.url);
const cjs = require('rnn-native');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const read = (file) => readFileSync(join(root, file), 'utf8');

/** The functions of SPEC §4: the eight passes, the four async sequence passes, the two activations; and toNested. */
const API = [
  'rnnCellForward', 'rnnForward', 'rnnCellBackward', 'rnnBackward',
  'lstmCellForward', 'lstmForward', 'lstmCellBackward', 'lstmBackward',
  'rnnForwardAsync', 'rnnBackwardAsync', 'lstmForwardAsync', 'lstmBackwardAsync',
  'softmax', 'sigmoid', 'toNested',
].sort();
/**
 * The rest of the public surface (README): thread control, BLAS information, numpy's RandomState, training (the
 * output layer's loss, initialization, clipping, optimizers and the character model), and the layers' files:
 * loadLayer, and ONNX.
 */
const UTILITIES = [
  'setNumThreads', 'getNumThreads', 'blasInfo', 'kernelInfo',
  'outputLayerBackward', 'softmaxCrossEntropy', 'glorotUniform', 'initLstmParams', 'initRnnParams', 'clipByValue', 'clipByGlobalNorm', 'globalNorm',
  'loadLayer', 'exportOnnx', 'importOnnx',
];
const CLASSES = ['Adam', 'CharModel', 'Gru', 'Linear', 'Lstm', 'RandomState', 'Rnn', 'Sgd'];

const isClass = (f) => typeof f === 'function' && /^class\b/.test(Function.prototype.toString.call(f));
const runtimeNames = (mod) => Object.keys(mod).filter((k) => k !== 'default' && k !== '__esModule').sort();
const functionNames = (mod) => runtimeNames(mod).filter((k) => typeof mod[k] === 'function' && !isClass(mod[k]));
const classNames = (mod) => runtimeNames(mod).filter((k) => isClass(mod[k]));


// ---------------------------------------------------------------------------------------------------------------
// ESM and CommonJS

test('ESM import and CommonJS require export the same names', () => {
  assert.equal(runtimeNames(esm), runtimeNames(cjs));
  assert.not.ok('default' in esm, 'the ES module has no default export (named exports only)');
});

test('the exports are exactly the SPEC functions, toNested, the thread utilities and RandomState', () => {
  for (const [label, mod] of [['ESM', esm], ['CommonJS', cjs]]) {
    assert.equal(functionNames(mod), [...API, ...UTILITIES].sort(), `${label} functions`);
    assert.equal(classNames(mod), CLASSES, `${label} classes`);
    for (const name of API) assert.type(mod[name], 'function', `${label} ${name}`);
  }
  for (const name of runtimeNames(esm)) assert.type(esm[name], 'function', `${name} is a function or class`);
});

test('the async functions return Promises of what the sync ones return', async () => {
  const x = V.input('x');
  const a0 = V.input('a0');
  const da = V.input('da');
  const p = V.lstmParams();
  for (const rn of [esm, cjs]) {
    const promise = rn.lstmForwardAsync(x, a0, p);
    assert.instance(promise, Promise);
    const l = await promise;
    assert.equal(snapshot(l), snapshot(rn.lstmForward(x, a0, p)));
    assert.equal(snapshot(await rn.lstmBackwardAsync(da, l.caches)), snapshot(rn.lstmBackward(da, l.caches)));
    const r = await rn.rnnForwardAsync(x, a0, V.rnnParams());
    assert.equal(snapshot(r), snapshot(rn.rnnForward(x, a0, V.rnnParams())));
    assert.equal(snapshot(await rn.rnnBackwardAsync(da, r.caches)), snapshot(rn.rnnBackward(da, r.caches)));
  }
});

test('both entries export the very same function objects (one module instance, no dual-package hazard)', () => {
  for (const name of runtimeNames(cjs)) assert.ok(esm[name] === cjs[name], `${name}: ESM and CommonJS are the same object`);
});

test('a function called through either entry gives the same result', () => {
  const params = { rnn: V.rnnParams(), lstm: V.lstmParams() };
  const x = V.input('x');
  const xt = V.input('xt');
  const a0 = V.input('a0');
  const c0 = V.input('c0');
  const da = V.input('da');
  const both = (f) => [snapshot(f(esm)), snapshot(f(cjs))];
  const folder = mkdtempSync(join(tmpdir(), 'rnn-native-module-'));
  const layerFile = join(folder, 'gru.safetensors');
  new esm.Gru({ inputSize: 3, hiddenSize: 2, seed: 4 }).save(layerFile);
  const cases = {
    rnnCellForward: (rn) => rn.rnnCellForward(xt, a0, params.rnn),
    rnnForward: (rn) => rn.rnnForward(x, a0, params.rnn),
    rnnCellBackward: (rn) => rn.rnnCellBackward(a0, rn.rnnCellForward(xt, a0, params.rnn).cache),
    rnnBackward: (rn) => rn.rnnBackward(da, rn.rnnForward(x, a0, params.rnn).caches),
    lstmCellForward: (rn) => rn.lstmCellForward(xt, a0, c0, params.lstm),
    lstmForward: (rn) => rn.lstmForward(x, a0, params.lstm, { c0 }),
    lstmCellBackward: (rn) => rn.lstmCellBackward(a0, c0, rn.lstmCellForward(xt, a0, c0, params.lstm).cache),
    lstmBackward: (rn) => rn.lstmBackward(da, rn.lstmForward(x, a0, params.lstm, { c0 }).caches),
    softmax: (rn) => rn.softmax(V.input('z')),
    sigmoid: (rn) => rn.sigmoid(V.input('z')),
    toNested: (rn) => ({ nested: { data: rn.toNested(x).flat(Infinity), shape: [] } }),
    getNumThreads: (rn) => ({ n: { data: [rn.getNumThreads()], shape: [1] } }),
    blasInfo: (rn) => ({ info: { data: Object.entries(rn.blasInfo()).flat(), shape: [] } }),
    kernelInfo: (rn) => ({ info: { data: Object.entries(rn.kernelInfo()).flat(), shape: [] } }),
    outputLayerBackward: (rn) => {
      const [, m, T] = V.input('da').shape;
      return rn.outputLayerBackward(V.input('da'), { Wy: V.input('Wy'), by: V.input('by') }, { data: new Int32Array(m * T), shape: [m, T] });
    },
    softmaxCrossEntropy: (rn) => rn.softmaxCrossEntropy(V.input('z'), { data: new Int32Array(V.input('z').shape[0]), shape: [V.input('z').shape[0]] }),
    Lstm: (rn) => new rn.Lstm({ inputSize: 3, hiddenSize: 2, dtype: 'float64' }).forward([[[1, 2, 3]], [[0, 1, 0]]]),
    Gru: (rn) => new rn.Gru({ inputSize: 3, hiddenSize: 2, bidirectional: true }).forward([[[1, 2, 3]], [[0, 1, 0]]]),
    Rnn: (rn) => new rn.Rnn({ inputSize: 3, hiddenSize: 2, numLayers: 2 }).forward([[[1, 2, 3]], [[0, 1, 0]]], { lengths: [1] }),
    loadLayer: (rn) => rn.loadLayer(layerFile).parameters,
    Linear: (rn) => new rn.Linear({ inputSize: V.input('z').shape[1], outputSize: 3, dtype: 'float64' }).forward(V.input('z')),
    glorotUniform: (rn) => ({ w: rn.glorotUniform(3, 4, new rn.RandomState(1)) }),
    initLstmParams: (rn) => rn.initLstmParams({ n_x: 2, n_a: 3, random: new rn.RandomState(1) }),
    initRnnParams: (rn) => rn.initRnnParams({ n_x: 2, n_a: 3, random: new rn.RandomState(1) }),
    clipByValue: (rn) => rn.clipByValue({ g: V.input('z') }, 0.5),
    clipByGlobalNorm: (rn) => rn.clipByGlobalNorm({ g: V.input('z') }, 0.5).grads,
    globalNorm: (rn) => ({ norm: { data: [rn.globalNorm({ g: V.input('z') })], shape: [1] } }),
    Sgd: (rn) => ((w) => (new rn.Sgd({ learningRate: 0.1 }).step({ w }, { w: V.input('z') }), { w }))(V.input('z')),
    Adam: (rn) => ((w) => (new rn.Adam({ learningRate: 0.1 }).step({ w }, { w: V.input('z') }), { w }))(V.input('z')),
    CharModel: (rn) => ({ sample: { data: [...rn.CharModel.create({ alphabet: 'ab\n', hiddenSize: 3 }).sample({ random: new rn.RandomState(1) })], shape: [] } }),
    exportOnnx: (rn) => {
      const path = join(mkdtempSync(join(tmpdir(), 'rnn-native-module-')), 'rnn.onnx');
      rn.exportOnnx(new rn.Rnn({ inputSize: 2, hiddenSize: 2, seed: 1 }), path);
      const bytes = [...readFileSync(path)];
      rmSync(dirname(path), { recursive: true });
      return { bytes: { data: bytes, shape: [bytes.length] } };
    },
    importOnnx: (rn) => rn.importOnnx(join(root, 'test', 'fixtures', 'onnx', 'rnn-relu-l2.onnx'))[0].parameters,
    RandomState: (rn) => ({ draws: { data: Array.from({ length: 5 }, ((r) => () => r.random())(new rn.RandomState(1))), shape: [5] } }),
  };
  const skipped = ['setNumThreads', 'rnnForwardAsync', 'rnnBackwardAsync', 'lstmForwardAsync', 'lstmBackwardAsync'];
  assert.equal([...Object.keys(cases), ...skipped].sort(), runtimeNames(cjs), 'every export is exercised (async ones below)');
  for (const [name, f] of Object.entries(cases)) {
    const [fromEsm, fromCjs] = both(f);
    assert.ok(Object.keys(fromEsm).length > 0, `${name} returns tensors`);
    assert.equal(fromEsm, fromCjs, `${name}: ESM and CommonJS results`);
  }
  rmSync(folder, { recursive: true });
});

test('caches cross between the entries: a forward pass from import, its backward pass from require', () => {
  const x = V.input('x');
  const a0 = V.input('a0');
  const da = V.input('da');
  const l = esm.lstmForward(x, a0, V.lstmParams());
  assert.equal(snapshot(cjs.lstmBackward(da, l.caches)), snapshot(esm.lstmBackward(da, l.caches)));
  const r = cjs.rnnForward(x, a0, V.rnnParams());
  assert.equal(snapshot(esm.rnnBackward(da, r.caches)), snapshot(cjs.rnnBackward(da, r.caches)));
});

test('the package name resolves to dist/index.mjs for import and dist/index.js for require', () => {
  assert.is(require.resolve('rnn-native'), join(root, 'dist', 'index.js'));
  assert.is(import.meta.resolve('rnn-native'), pathToFileURL(join(root, 'dist', 'index.mjs')).href);
  assert.is(require('rnn-native/package.json').name, 'rnn-native');
});

test('internal files are not importable: "exports" encapsulates the package', async () => {
  for (const subpath of ['rnn-native/dist/rnn.js', 'rnn-native/lib/rnn.ts', 'rnn-native/build/Release/rnn_native.node']) {
    assert.throws(() => require(subpath), (e) => e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED', `require('${subpath}')`);
    let code;
    try {
      await import(subpath);
    } catch (error) {
      code = error.code;
    }
    assert.is(code, 'ERR_PACKAGE_PATH_NOT_EXPORTED', `import('${subpath}')`);
  }
});

test('the runtime exports of both entries match what lib/index.ts and lib/index.mts declare (dist is not stale)', () => {
  const source = read('lib/index.ts');
  const declared = [];
  for (const [, names] of source.matchAll(/^export\s*\{([^}]*)\}\s*from/gm)) {
    declared.push(...names.split(',').map((n) => n.trim()).filter(Boolean));
  }
  assert.equal(declared.sort(), runtimeNames(cjs), 'lib/index.ts value exports = require("rnn-native")');
  const mts = read('lib/index.mts');
  const block = /^export \{([^}]*)\} from '\.\/index\.js';$/m.exec(mts);
  assert.ok(block, 'lib/index.mts re-exports the CommonJS entry by name');
  const mtsNames = block[1].split(',').map((n) => n.trim()).filter(Boolean).sort();
  assert.equal(mtsNames, runtimeNames(cjs), 'lib/index.mts re-exports every name of lib/index.ts');
});

// ---------------------------------------------------------------------------------------------------------------
// Files and package.json

test('package.json "exports" maps import, require and their types', () => {
  const dot = pkg.exports['.'];
  assert.equal(dot.import, { types: './dist/index.d.mts', default: './dist/index.mjs' });
  assert.equal(dot.require, { types: './dist/index.d.ts', default: './dist/index.js' });
  // TypeScript reads conditions in order: "types" must come before "default".
  assert.is(Object.keys(dot.import)[0], 'types');
  assert.is(Object.keys(dot.require)[0], 'types');
  assert.is(pkg.exports['./package.json'], './package.json');
  assert.is(pkg.main, 'dist/index.js');
  assert.is(pkg.types, 'dist/index.d.ts');
  assert.is(pkg.name, 'rnn-native');
  assert.match(pkg.engines.node, /^>=\s*20/);
  for (const target of [dot.import.types, dot.import.default, dot.require.types, dot.require.default, pkg.main, pkg.types]) {
    assert.ok(existsSync(join(root, target)), `${target} exists`);
  }
});

test('the published files include dist/ and binding.d.ts, which the declarations import', () => {
  assert.ok(pkg.files.includes('dist/'), '"files" has dist/');
  assert.ok(pkg.files.includes('binding.d.ts'), '"files" has binding.d.ts');
  assert.match(read('dist/native.d.ts'), /from '\.\.\/binding'/, 'dist/native.d.ts imports ../binding');
});

test('binding.d.ts exists at the root and declares the native addon', () => {
  assert.ok(existsSync(join(root, 'binding.d.ts')));
  const text = read('binding.d.ts');
  assert.match(text, /export interface NativeAddon\b/);
  for (const method of ['rnnForward', 'rnnBackward', 'lstmForward', 'lstmBackward', 'softmax', 'sigmoid']) {
    assert.match(text, new RegExp(`^\\s*${method}\\(`, 'm'), `NativeAddon.${method}`);
  }
});

test('dist/index.d.ts and dist/index.d.mts exist and declare every function', () => {
  const dts = read('dist/index.d.ts');
  const exported = [];
  for (const [, names] of dts.matchAll(/^export\s*\{([^}]*)\}\s*from\s*'([^']+)'/gm)) {
    exported.push(...names.split(',').map((n) => n.trim()).filter(Boolean));
  }
  for (const name of [...API, ...UTILITIES, ...CLASSES]) assert.ok(exported.includes(name), `dist/index.d.ts exports ${name}`);
  const dmts = read('dist/index.d.mts');
  const reexported = /^export \{([^}]*)\} from '\.\/index\.js';$/m.exec(dmts)?.[1].split(',').map((n) => n.trim()) ?? [];
  for (const name of [...API, ...UTILITIES, ...CLASSES]) {
    assert.ok(reexported.includes(name), `dist/index.d.mts re-exports the declaration of ${name}`);
  }
  assert.match(dmts, /export type \* from '\.\/index\.js'/, 'dist/index.d.mts re-exports the types');
  // Where the functions are declared, with their signatures.
  const declaredIn = {
    'dist/rnn.d.ts': ['rnnCellForward', 'rnnForward', 'rnnCellBackward', 'rnnBackward', 'rnnForwardAsync', 'rnnBackwardAsync'],
    'dist/lstm.d.ts': ['lstmCellForward', 'lstmForward', 'lstmCellBackward', 'lstmBackward', 'lstmForwardAsync', 'lstmBackwardAsync'],
    'dist/blas.d.ts': ['setNumThreads', 'getNumThreads', 'blasInfo', 'kernelInfo'],
    'dist/loss.d.ts': ['outputLayerBackward', 'softmaxCrossEntropy'],
    'dist/init.d.ts': ['glorotUniform', 'initLstmParams', 'initRnnParams'],
    'dist/optimizers.d.ts': ['clipByValue', 'clipByGlobalNorm', 'globalNorm'],
    'dist/activations.d.ts': ['softmax', 'sigmoid'],
    'dist/nested.d.ts': ['toNested'],
    'dist/layer-readers.d.ts': ['loadLayer'],
  };
  for (const [file, names] of Object.entries(declaredIn)) {
    const text = read(file);
    for (const name of names) assert.match(text, new RegExp(`export declare function ${name}[<(]`), `${file} declares ${name}`);
  }
});

test('every lib/ source has its compiled JavaScript and declaration in dist/', () => {
  for (const file of readdirSync(join(root, 'lib'), { recursive: true }).filter((f) => /\.m?ts$/.test(f))) {
    const base = file.replace(/\.m?ts$/, '');
    const [js, dts] = file.endsWith('.mts') ? [`${base}.mjs`, `${base}.d.mts`] : [`${base}.js`, `${base}.d.ts`];
    assert.ok(existsSync(join(root, 'dist', js)), `dist/${js} for lib/${file}`);
    assert.ok(existsSync(join(root, 'dist', dts)), `dist/${dts} for lib/${file}`);
  }
});

test('TypeScript consumers type-check against the package from ESM (.mts) and CommonJS (.cts)', () => {
  // The fixtures import 'rnn-native' by name, so tsc resolves it through "exports" → types, and carry
  // @ts-expect-error lines that fail the check unless the types really reject the wrong calls.
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const fixtures = ['consumer.mts', 'consumer.cts'].map((f) => join('test', 'fixtures', 'types', f));
  try {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
      '--target', 'es2022', '--types', 'node', ...fixtures], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.unreachable(`tsc failed:\n${error.stdout}${error.stderr}`);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// toNested

const flatTensor = (nested, dtype = Float64Array) => {
  const shape = [];
  for (let level = nested; Array.isArray(level); level = level[0]) shape.push(level.length);
  return { data: dtype.from(nested.flat(Infinity)), shape };
};

test('toNested round-trips nested → tensor → nested for rank 1, 2 and 3', () => {
  const cases = [
    [0.5, -1.25, 3],
    [7],
    [[1, 2, 3], [4, 5, 6]],
    [[1], [2], [3], [4]],
    [[9]],
    [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]],
    [[[1]]],
    rn_nested([3, 4, 6]),
  ];
  for (const nested of cases) {
    for (const dtype of [Float64Array, Float32Array]) {
      const back = esm.toNested(flatTensor(nested, dtype));
      assert.equal(back, nested, `${JSON.stringify(nested).slice(0, 40)} through ${dtype.name}`);
    }
  }
});

function rn_nested(shape) {
  // Values exact in Float32 too, so both dtypes round-trip exactly.
  let i = 0;
  const build = (axis) => (axis === shape.length ? (i++ % 17) / 4 - 2 : Array.from({ length: shape[axis] }, () => build(axis + 1)));
  return build(0);
}

test('toNested round-trips through the package: cache.x of a nested input equals the input', () => {
  const x = rn_nested([3, 4, 6]);
  assert.equal(esm.toNested(esm.rnnForward(x, V.input('a0'), V.rnnParams()).caches.x), x);
  const xt = rn_nested([3, 4]);
  assert.equal(esm.toNested(cjs.lstmCellForward(xt, V.input('aPrev'), V.input('cPrev'), V.lstmParams()).cache.x), xt);
  const z = rn_nested([2, 4]);
  // softmax/sigmoid keep the shape: toNested gives arrays of the same shape.
  const s = esm.toNested(esm.sigmoid(z));
  assert.is(s.length, 2);
  assert.ok(s.every((r) => Array.isArray(r) && r.length === 4));
});

test('toNested returns fresh plain arrays, also of subarray views (the LSTM gate gradients)', () => {
  const t = { data: Float64Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
  const n = esm.toNested(t);
  assert.ok(Array.isArray(n) && Array.isArray(n[0]) && !ArrayBuffer.isView(n[0]));
  n[0][0] = 99;
  assert.is(t.data[0], 1, 'changing the nested array leaves the tensor alone');
  const g = esm.lstmBackward(V.input('da'), V.lstmCaches());
  for (const name of ['dWi', 'dWo', 'dbc', 'dbo']) {
    const nested = esm.toNested(g[name]);
    assert.equal(nested.flat(Infinity), Array.from(g[name].data), `${name} as nested`);
    assert.is(nested.length, g[name].shape[0]);
    assert.equal(esm.toNested(flatTensor(nested)), nested, `${name} round-trips`);
  }
});

test.run();
