// The tfjs measurements, run by peers/tfjs.mjs in a child process (the wasm backend aborts the whole process when it
// runs out of memory). Reads { jobs: [{ shape, cell, direction, layer? }], timing } as JSON in argv[2]; writes one JSON
// line per event on stdout: { start: job } before each measurement, { result } after it, and { note } at the end.
// A `layer` job (cell 'Lstm') takes the layer benchmark's time-major x (T, m, I) and dy (T, m, H) (makeLayerInputs).
import { layerSizes, makeInputs, makeLayerInputs, SHAPES } from '../inputs.mjs';
import { measure } from '../stats.mjs';

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

/** (n, m, T) in the notebook layout as tfjs's batch-major (m, T, n). */
function toBatchMajor(data, n, m, T) {
  const out = new Float32Array(n * m * T);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < T; t++) out[(j * T + t) * n + i] = data[(i * m + j) * T + t];
  return out;
}

/** (T, m, n) time-major as batch-major (m, T, n). */
function timeToBatchMajor(data, T, m, n) {
  const out = new Float32Array(n * m * T);
  for (let t = 0; t < T; t++) for (let j = 0; j < m; j++) out.set(data.subarray((t * m + j) * n, (t * m + j + 1) * n), (j * T + t) * n);
  return out;
}

/** [tfjs cell, X (m, T, I) data, dA (m, T, H) data, sizes] of a job. */
function jobInputs(job) {
  if (job.layer) {
    const { I, H, m, T } = layerSizes(job.shape);
    const { x, dy } = makeLayerInputs(job.cell, job.shape);
    return ['lstm', timeToBatchMajor(x.data, T, m, I), timeToBatchMajor(dy.data, T, m, H), { n_x: I, n_a: H, m, T }];
  }
  const { n_x, n_a, m, T } = SHAPES[job.shape];
  const { x, da } = makeInputs(job.cell, job.shape, 'float32');
  return [job.cell, toBatchMajor(x.data, n_x, m, T), toBatchMajor(da.data, n_a, m, T), { n_x, n_a, m, T }];
}

function makeLayer(tf, cell, units) {
  const common = { units, returnSequences: true, kernelInitializer: 'glorotUniform', recurrentInitializer: 'glorotUniform' };
  return cell === 'lstm' ? tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid' }) : tf.layers.simpleRNN(common);
}

const { jobs, timing } = JSON.parse(process.argv[2]);
const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-wasm');
if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');

// Jobs come grouped by (shape, cell, layer): one layer and one set of inputs per group.
const groups = [];
for (const job of jobs) {
  const last = groups[groups.length - 1];
  if (last && last[0].shape === job.shape && last[0].cell === job.cell && !last[0].layer === !job.layer) last.push(job);
  else groups.push([job]);
}
for (const group of groups) {
  const { shape, cell, layer: isLayer } = group[0];
  const [tfCell, xData, daData, { n_x, n_a, m, T }] = jobInputs(group[0]);
  const layer = makeLayer(tf, tfCell, n_a);
  const X = tf.variable(tf.tensor3d(xData, [m, T, n_x]));
  const dA = tf.tensor3d(daData, [m, T, n_a]);
  const fns = {
    fwd: () => {
      const y = tf.tidy(() => layer.apply(X));
      y.dataSync();
      y.dispose();
    },
    'fwd+bwd': () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(X), dA)), variables);
      for (const g of Object.values(grads)) g.dataSync();
      tf.dispose([value, grads]);
    },
  };
  fns.fwd(); // builds the layer's weights
  const variables = [X, ...layer.trainableWeights.map((w) => w.read())];
  for (const job of group) {
    emit({ start: job });
    const r = await measure(fns[job.direction], timing);
    emit({ result: { participant: 'tfjs', cell, direction: job.direction, dtype: 'float32', shape, ...(isLayer ? { layer: true } : {}), ...r } });
    console.error(`  tfjs ${cell} ${job.direction} float32 ${shape}: ${r.ms.toFixed(3)} ms (${r.reps} reps)`);
  }
  layer.dispose();
  tf.dispose([X, dA]);
}
const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'multi-threaded' : 'single-threaded';
const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
emit({ note: `tfjs: wasm backend (${threads}, ${simd}), float32, own layout (m,T,n_x), zero initial state; notebook-layout conversion not timed` });
