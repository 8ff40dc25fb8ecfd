// onnxruntime-node's LSTM and RNN operators, float32 forward only (2 intra-op threads). Timed: session.run on ONNX's
// own layout, X (T, m, n_x) and initial_h (1, m, n_a), weights as initializers, outputs Y, Y_h (, Y_c) copied back
// to JavaScript. Not timed: converting inputs from the notebook layout. Before timing, ORT's Y is checked against
// this package's `a` on the same inputs.
// With `layers` (issue 10): the layer cases of bench/inputs.mjs (LAYER_CASES) as graphs of LSTM / GRU nodes
// (onnx_model.mjs buildLayerModel) holding our layer's own parameters, timed on X (T, m, I) with the outputs Y
// (T, D, m, H), Y_h (, Y_c) of every node copied back; each model's Y is first checked against our layer's y.
import { createRequire } from 'node:module';
import * as rnn from 'rnn-native';
import { LAYER_CASES, makeInputs, makeLayer, makeLayerInputs, SHAPES } from '../inputs.mjs';
import { measureSideBySide } from '../stats.mjs';
import { buildLayerModel, buildModel, maxLayerDifference, toTimeMajor } from './onnx_model.mjs';

const TOLERANCE = 1e-4;

/** max |ORT Y[t, 0, j, k] - ours a[k, j, t]| */
function maxDifference(Y, a, n_a, m, T) {
  let max = 0;
  for (let k = 0; k < n_a; k++) for (let j = 0; j < m; j++) for (let t = 0; t < T; t++) {
    max = Math.max(max, Math.abs(Y[(t * m + j) * n_a + k] - a[(k * m + j) * T + t]));
  }
  return max;
}

export async function run({ shapes, cells, layers = false, timing, log }) {
  let ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (error) {
    return { skipped: `onnxruntime-node skipped: ${error.message.split('\n')[0]}` };
  }
  const version = createRequire(import.meta.url)('onnxruntime-node/package.json').version;
  const results = [];
  const checks = [];
  for (const shape of shapes) {
    const { n_x, n_a, m, T } = SHAPES[shape];
    for (const cell of cells) {
      const { x, a0, params } = makeInputs(cell, shape, 'float32');
      const session = await ort.InferenceSession.create(buildModel(cell, params, SHAPES[shape]), {
        intraOpNumThreads: 2, interOpNumThreads: 1,
      });
      const X = toTimeMajor(x.data, n_x, m, T);
      const h0 = toTimeMajor(a0.data, n_a, m, 1);
      const forward = () => session.run({
        X: new ort.Tensor('float32', X, [T, m, n_x]),
        initial_h: new ort.Tensor('float32', h0, [1, m, n_a]),
      });

      const ours = (cell === 'lstm' ? rnn.lstmForward : rnn.rnnForward)(x, a0, params);
      const difference = maxDifference((await forward()).Y.data, ours.a.data, n_a, m, T);
      const ok = difference <= TOLERANCE;
      checks.push({ cell, shape, maxAbsDifference: difference, tolerance: TOLERANCE, ok });
      log(`ORT ${cell} ${shape}: max |Y - a| = ${difference.toExponential(2)} ${ok ? 'ok' : 'MISMATCH'}`);

      const oursForward = () => (cell === 'lstm' ? rnn.lstmForward : rnn.rnnForward)(x, a0, params);
      const { ORT: r, ours: beside } = await measureSideBySide({ ORT: forward, ours: oursForward }, timing);
      results.push({ participant: 'ORT', cell, direction: 'fwd', dtype: 'float32', shape, ...r, oursBeside: beside });
      log(`ORT ${cell} fwd float32 ${shape}: ${r.ms.toFixed(3)} ms (${r.reps} reps); ours beside it ${beside.ms.toFixed(3)} ms`);
      await session.release();
    }
  }
  if (layers) await runLayers(ort, { shapes, timing, log, results, checks });
  const notes = [];
  if (cells.length > 0) notes.push('ORT: float32 forward only, timed on its native layout X (T,m,n_x) with weights as initializers; notebook-layout conversion not timed');
  if (layers) notes.push('ORT layers: LSTM/GRU nodes (GRU linear_before_reset=1, stacked via Squeeze or Transpose+Reshape) with our layer\'s parameters, X (T,m,I), Y left in ONNX\'s (T,D,m,H)');
  return { version, results, checks, notes };
}

/** The layer cases on ORT: results { participant: 'ORT', cell: case, direction: 'fwd', dtype: 'float32', shape, layer: true }. */
async function runLayers(ort, { shapes, timing, log, results, checks }) {
  for (const [name, spec] of Object.entries(LAYER_CASES)) {
    for (const shape of spec.shapes.filter((s) => shapes.includes(s))) {
      const layer = makeLayer(rnn, name, shape);
      const { x, sizes } = makeLayerInputs(name, shape);
      const { T, m, I } = sizes;
      const session = await ort.InferenceSession.create(buildLayerModel(layer, sizes), { intraOpNumThreads: 2, interOpNumThreads: 1 });
      const forward = () => session.run({ X: new ort.Tensor('float32', x.data, [T, m, I]) });

      const difference = maxLayerDifference((await forward()).Y.data, layer.forward(x).y.data, sizes);
      const ok = difference <= TOLERANCE;
      checks.push({ cell: name, shape, maxAbsDifference: difference, tolerance: TOLERANCE, ok, layer: true });
      log(`ORT ${name} ${shape}: max |Y - y| = ${difference.toExponential(2)} ${ok ? 'ok' : 'MISMATCH'}`);

      const oursForward = () => layer.forward(x, { tape: false });
      const { ORT: r, ours: beside } = await measureSideBySide({ ORT: forward, ours: oursForward }, timing);
      results.push({ participant: 'ORT', cell: name, direction: 'fwd', dtype: 'float32', shape, layer: true, ...r, oursBeside: beside });
      log(`ORT ${name} fwd float32 ${shape}: ${r.ms.toFixed(3)} ms (${r.reps} reps); ours beside it ${beside.ms.toFixed(3)} ms`);
      await session.release();
    }
  }
}
