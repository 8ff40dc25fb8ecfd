// The results as a text table, one row per (cell, direction, dtype, shape).
import { DIRECTIONS, DTYPES } from '../inputs.mjs';
import { index, ms } from './format.mjs';

const COLUMNS = [
  ['cell', 4], ['pass', 7], ['dtype', 7], ['shape', 8], ['ours ms', 9], ['async ms', 9], ['numpy ms', 9],
  ['numpy/ours', 10], ['ORT ms', 8], ['ours/ORT', 8], ['tfjs ms', 9], ['ours/tfjs', 9], ['roofline', 9], ['% roof', 6],
];

const timed = (r) => (r ? ms(r.ms) + (r.capped ? '*' : '') : '-');

const LEGEND = [
  'ms: median time per call (forward, or forward then backward); * = fewer than 3 reps (slow measurement, capped).',
  'numpy/ours: speedup over numpy (>1: we are faster). ours/ORT, ours/tfjs: time ratio (<1: we are faster).',
  'roofline: best possible time of the GEMMs the kernels issue, timed alone; % roof = roofline / ours (100% = all time in GEMMs at full rate).',
  'async ms: lstmForwardAsync / rnnForwardAsync (+ backward) awaited one at a time, at the large shape only.',
];

export function table(results, { shapes, cells }) {
  const get = index(results);
  const rows = [];
  for (const cell of cells) for (const direction of DIRECTIONS) for (const dtype of DTYPES) for (const shape of shapes) {
    const at = (participant) => get(participant, cell, direction, dtype, shape);
    const ours = at('ours');
    const ratio = (peer, digits = 2) => (ours && at(peer) ? (ours.ms / at(peer).ms).toFixed(digits) : '-');
    rows.push([cell, direction, dtype, shape, timed(ours), timed(at('ours async')), timed(at('numpy')),
      ours && at('numpy') ? `${(at('numpy').ms / ours.ms).toFixed(1)}×` : '-',
      timed(at('ORT')), ratio('ORT'), timed(at('tfjs')), ratio('tfjs'), timed(at('roofline')),
      ours && at('roofline') ? `${((100 * at('roofline').ms) / ours.ms).toFixed(0)}%` : '-']);
  }
  const line = (cells_) => cells_.map((c, i) => (i < 4 ? String(c).padEnd(COLUMNS[i][1]) : String(c).padStart(COLUMNS[i][1]))).join(' ');
  const header = line(COLUMNS.map(([name]) => name));
  return [header, '-'.repeat(header.length), ...rows.map(line), '', ...LEGEND].join('\n');
}
