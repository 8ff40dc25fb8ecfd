// The results as a text table, one row per (cell, direction, dtype, shape).
import { DIRECTIONS, DTYPES, layerSizes, VARLEN } from '../inputs.mjs';
import { index, ms, timeRatio } from './format.mjs';
import { peakShare } from './targets.mjs';

const COLUMNS = [
  ['cell', 4], ['pass', 7], ['dtype', 7], ['shape', 8], ['ours ms', 9], ['async ms', 9], ['numpy ms', 9],
  ['numpy/ours', 10], ['ORT ms', 8], ['ours∥ORT', 9], ['ours/ORT', 8], ['tfjs ms', 9], ['ours/tfjs', 9], ['roofline', 9], ['% roof', 6], ['% peak', 6],
];

const timed = (r) => (r ? ms(r.ms) + (r.capped ? '*' : '') : '-');

const LEGEND = [
  'ms: median time per call (forward, or forward then backward); * = fewer than 3 reps (slow measurement, capped).',
  'numpy/ours: speedup over numpy (>1: we are faster). ours/ORT, ours/tfjs: time ratio (<1: we are faster).',
  'ours∥ORT: ours timed again beside ORT, in rounds in which the two took turns; ours/ORT is that time / ORT ms.',
  'roofline: the same GEMM flops on OpenBLAS, each product timed alone; % roof = roofline / ours (over 100%: faster than OpenBLAS would be).',
  '% peak: GEMM flops of the pass / our time / the machine\'s FMA peak on the same threads (bench/fma_peak.c).',
  'async ms: lstmForwardAsync / rnnForwardAsync (+ backward) awaited one at a time, at the large shape only.',
];

export function table(results, { shapes, cells, peak }) {
  const get = index(results);
  const rows = [];
  for (const cell of cells) for (const direction of DIRECTIONS) for (const dtype of DTYPES) for (const shape of shapes) {
    const at = (participant) => get(participant, cell, direction, dtype, shape);
    const ours = at('ours');
    const ratio = (peer) => timeRatio(get, peer, cell, direction, dtype, shape)?.toFixed(2) ?? '-';
    rows.push([cell, direction, dtype, shape, timed(ours), timed(at('ours async')), timed(at('numpy')),
      ours && at('numpy') ? `${(at('numpy').ms / ours.ms).toFixed(1)}×` : '-',
      timed(at('ORT')), timed(at('ORT')?.oursBeside), ratio('ORT'), timed(at('tfjs')), ratio('tfjs'), timed(at('roofline')),
      ours && at('roofline') ? `${((100 * at('roofline').ms) / ours.ms).toFixed(0)}%` : '-',
      ((share) => (share === undefined ? '-' : `${(100 * share).toFixed(0)}%`))(peakShare(get, peak, cell, direction, dtype, shape))]);
  }
  const line = (cells_) => cells_.map((c, i) => (i < 4 ? String(c).padEnd(COLUMNS[i][1]) : String(c).padStart(COLUMNS[i][1]))).join(' ');
  const header = line(COLUMNS.map(([name]) => name));
  return [header, '-'.repeat(header.length), ...rows.map(line), '', ...LEGEND].join('\n');
}

// The layer benchmarks (issue 10, results with layer: true): one row per (case, direction, shape), sizes (T, m, I, H).
const LAYER_COLUMNS = [['layer', 18], ['pass', 7], ['shape', 7], ['(T, m, I, H)', 18], ['ours ms', 9], ['ORT ms', 9], ['ours∥ORT', 9], ['ours/ORT', 8], ['tfjs ms', 9], ['ours/tfjs', 9]];

export function layerTable(results) {
  const get = index(results);
  const seen = new Set();
  const rows = [];
  for (const r of results) {
    const id = [r.cell, r.direction, r.shape].join('|');
    if (!r.layer || seen.has(id)) continue;
    seen.add(id);
    const at = (participant) => get(participant, r.cell, r.direction, 'float32', r.shape);
    const ours = at('ours');
    const ratio = (peer) => timeRatio(get, peer, r.cell, r.direction, 'float32', r.shape)?.toFixed(3) ?? '-';
    const { I, H, m, T } = layerSizes(r.shape);
    rows.push([r.cell, r.direction, r.shape, `(${T}, ${m}, ${I}, ${H})`, timed(ours), timed(at('ORT')), timed(at('ORT')?.oursBeside), ratio('ORT'), timed(at('tfjs')), ratio('tfjs')]);
  }
  const line = (c) => c.map((v, i) => (i < 4 ? String(v).padEnd(LAYER_COLUMNS[i][1]) : String(v).padStart(LAYER_COLUMNS[i][1]))).join(' ');
  const header = line(LAYER_COLUMNS.map(([name]) => name));
  return [header, '-'.repeat(header.length), ...rows.map(line), '',
    'Layers: float32, time-major x (T, m, I) as a Float32Array tensor; fwd = forward({ tape: false }), fwd+bwd = forward({ tape: true }) + backward(tape, { dy }).',
    'ORT: the same parameters as LSTM/GRU nodes (GRU linear_before_reset = 1; 2 layers = two nodes joined by Squeeze); tfjs: tf.layers.lstm on wasm.',
    'ours∥ORT: ours timed again beside ORT, in rounds in which the two took turns; ours/ORT is that time / ORT ms.',
    `varlen: m = ${VARLEN.m} sequences, lengths uniform in ${VARLEN.minLength}–${VARLEN.maxLength} (seeded); 'Lstm padded' is the same x without lengths.`,
  ].join('\n');
}
