// The performance targets, each PASS, MISS, or n/a when its measurement was not made (skipped peer or filtered out).
import { index } from './format.mjs';

/** [{ name, goal, value, pass, shown }] with pass true, false or null (n/a) and shown the value as printed. */
export function evaluateTargets(results, memory) {
  const get = index(results);
  const targets = [];
  const add = (name, goal, value, pass, format) =>
    targets.push({ name, goal, value, pass: value === undefined ? null : pass(value), shown: value === undefined ? 'n/a' : format(value) });
  const ratio = (a, b) => (a && b ? a.ms / b.ms : undefined);

  for (const [shape, limit] of [['notebook', 0.5], ['small', 0.8], ['medium', 1.3], ['large', 1.1]]) {
    const value = ratio(get('ours', 'lstm', 'fwd', 'float32', shape), get('ORT', 'lstm', 'fwd', 'float32', shape));
    add(`float32 LSTM fwd, ${shape}: ours/ORT time`, `≤ ${limit}`, value, (v) => v <= limit, (v) => v.toFixed(2));
  }
  for (const cell of ['lstm', 'rnn']) {
    const value = ratio(get('numpy', cell, 'fwd+bwd', 'float64', 'medium'), get('ours', cell, 'fwd+bwd', 'float64', 'medium'));
    add(`float64 ${cell.toUpperCase()} fwd+bwd, medium: speedup over numpy`, '≥ 5×', value, (v) => v >= 5, (v) => `${v.toFixed(1)}×`);
  }
  const roof = ratio(get('roofline', 'lstm', 'fwd+bwd', 'float64', 'large'), get('ours', 'lstm', 'fwd+bwd', 'float64', 'large'));
  add('float64 LSTM fwd+bwd, large: share of roofline', '≥ 50%', roof, (v) => v >= 0.5, (v) => `${(100 * v).toFixed(0)}%`);
  const call = get('ours', 'lstm', 'fwd', 'float64', 'notebook');
  add('lstmForward float64, notebook: median per call', '≤ 10 µs', call && call.ms * 1000, (v) => v <= 10, (v) => `${v.toFixed(2)} µs`);
  add('memory, float64 LSTM fwd+bwd large: measured/documented', '≤ 1.3', memory?.peak.ratio, (v) => v <= 1.3, (v) => v.toFixed(3));
  const flat = memory?.flat;
  add(`RSS growth from call ${flat?.first ?? 1000} to ${flat?.last ?? 10000} (LSTM fwd+bwd, small)`, `≤ ${flat?.thresholdMB ?? 2} MB`,
    flat?.growthMB, (v) => v <= flat.thresholdMB, (v) => `${v.toFixed(2)} MB`);
  return targets;
}

export function describeTargets(targets) {
  return targets.map((t) => `${t.pass === null ? 'n/a ' : t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.shown} (target ${t.goal})`);
}
