// The performance targets (issue 9, then the layers' of issue 10), each PASS, MISS, or n/a when its measurement was
// not made (skipped peer or filtered out). Shares of the FMA peak: the GEMM flops of the pass (as the roofline counts them) / our time / peak.
import { index, timeRatio } from './format.mjs';

/** The share of the machine's FMA peak that our time for a pass reaches, or undefined. */
export function peakShare(get, peak, cell, direction, dtype, shape) {
  const ours = get('ours', cell, direction, dtype, shape);
  const flops = get('roofline', cell, direction, dtype, shape)?.gflop;
  const rate = peak?.[dtype];
  return ours && flops && rate ? flops / (ours.ms / 1000) / rate : undefined;
}

/** [{ name, goal, value, pass, shown }] with pass true, false or null (n/a) and shown the value as printed. */
export function evaluateTargets(results, memory, { peak, training, layerMemory } = {}) {
  const get = index(results);
  const targets = [];
  const add = (name, goal, value, pass, format) =>
    targets.push({ name, goal, value, pass: value === undefined ? null : pass(value), shown: value === undefined ? 'n/a' : format(value) });
  const ratio = (a, b) => (a && b ? a.ms / b.ms : undefined);
  const times = (v) => `${v.toFixed(2)}×`;
  const percent = (v) => `${(100 * v).toFixed(0)}%`;

  for (const [shape, limit] of [['notebook', 0.4], ['small', 1.0], ['medium', 1.1], ['large', 1.1]]) {
    const value = timeRatio(get, 'ORT', 'lstm', 'fwd', 'float32', shape);
    add(`float32 LSTM fwd, ${shape}: ours/ORT time`, `≤ ${limit}`, value, (v) => v <= limit, (v) => v.toFixed(2));
  }
  for (const shape of ['notebook', 'small', 'medium', 'large']) {
    const value = timeRatio(get, 'ORT', 'rnn', 'fwd', 'float32', shape);
    add(`float32 RNN fwd, ${shape}: ours/ORT time`, '≤ 0.6', value, (v) => v <= 0.6, (v) => v.toFixed(2));
  }
  for (const [shape, limit] of [['large', 0.7], ['medium', 0.65]]) {
    add(`float64 LSTM fwd+bwd, ${shape}: share of the float64 FMA peak`, `≥ ${percent(limit)}`,
      peakShare(get, peak, 'lstm', 'fwd+bwd', 'float64', shape), (v) => v >= limit, percent);
  }
  for (const [direction, dtype, limit] of [['fwd', 'float32', 1.8], ['fwd+bwd', 'float64', 3]]) {
    const value = ratio(get('numpy', 'lstm', direction, dtype, 'medium'), get('ours', 'lstm', direction, dtype, 'medium'));
    add(`${dtype} LSTM ${direction}, medium: speedup over numpy`, `≥ ${limit}×`, value, (v) => v >= limit, times);
  }
  add(`npx rnn-native train (defaults): characters/s over the previous release${training ? ` (${training.previous})` : ''}`, '≥ 1.5×',
    training?.speedup, (v) => v >= 1.5, times);
  const faults = memory?.faults;
  for (const [key, what] of [['forwardFloat32', 'float32 LSTM fwd'], ['forwardBackwardFloat64', 'float64 LSTM fwd+bwd']]) {
    add(`page faults per call after warm-up, ${what}, medium`, '0', faults?.[key], (v) => v === 0, (v) => v.toFixed(1));
  }
  add('memory, float64 LSTM fwd+bwd large: measured/documented', `≤ ${memory?.peak.target ?? 1.2}`, memory?.peak.ratio,
    (v) => v <= memory.peak.target, (v) => v.toFixed(3));
  const flat = memory?.flat;
  add(`RSS growth from call ${flat?.first ?? 1000} to ${flat?.last ?? 10000} (LSTM fwd+bwd, small)`, `≤ ${flat?.thresholdMB ?? 2} MB`,
    flat?.growthMB, (v) => v <= flat.thresholdMB, (v) => `${v.toFixed(2)} MB`);
  layerTargets(get, layerMemory, add, ratio);
  return targets;
}

/** Issue 10: the recurrent layers (results with layer: true; cells are LAYER_CASES names). */
function layerTargets(get, layerMemory, add, ratio) {
  const two = (v) => v.toFixed(2);
  const vsOrt = (cell, shape) => timeRatio(get, 'ORT', cell, 'fwd', 'float32', shape);
  for (const [shape, limit] of [['small', 0.9], ['medium', 1.0], ['large', 1.0]]) {
    add(`float32 Lstm layer fwd (tape: false), ${shape}: ours/ORT LSTM time`, `≤ ${limit}`, vsOrt('Lstm', shape), (v) => v <= limit, two);
  }
  for (const [cell, what] of [['Lstm bidirectional', 'bidirectional'], ['Lstm 2 layers', '2 layers']]) {
    add(`float32 Lstm layer fwd, ${what}, medium: ours/ORT time`, '≤ 1.0', vsOrt(cell, 'medium'), (v) => v <= 1.0, two);
  }
  for (const shape of ['small', 'medium', 'large']) {
    add(`float32 Gru layer fwd, ${shape}: ours/ORT GRU (linear_before_reset = 1) time`, '≤ 1.0', vsOrt('Gru', shape), (v) => v <= 1.0, two);
  }
  add('float32 Lstm layer fwd, m = 256, lengths 5–40 (I = 64, H = 128): time with lengths / padded to 40', '≤ 0.65',
    ratio(get('ours', 'Lstm lengths', 'fwd', 'float32', 'varlen'), get('ours', 'Lstm padded', 'fwd', 'float32', 'varlen')), (v) => v <= 0.65, two);
  add('float32 Lstm layer fwd+bwd, medium: ours/tfjs-wasm time', '≤ 0.05 (≥ 20× faster)',
    ratio(get('ours', 'Lstm', 'fwd+bwd', 'float32', 'medium'), get('tfjs', 'Lstm', 'fwd+bwd', 'float32', 'medium')), (v) => v <= 0.05,
    (v) => `${v.toFixed(3)} (${(1 / v).toFixed(1)}× faster)`);
  const p = layerMemory?.peak;
  add(`memory, float32 ${p?.layers ?? 3}-layer Lstm fwd (tape: false) large: peak RSS growth / (one layer's activations + results)`,
    `≤ ${p?.target ?? 1.3}`, p?.ratio, (v) => v <= p.target, (v) => v.toFixed(3));
}

export function describeTargets(targets) {
  return targets.map((t) => `${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.shown} (target ${t.goal})`);
}
