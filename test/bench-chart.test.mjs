// The benchmark's chart (bench/report/svg.mjs) on the measured results kept in bench/measured/: a participant
// without a result in a group shows "not measured" instead of a missing bar, and each shape's label has its sizes.
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.join(import.meta.dirname, '..');
const bench = path.join(root, 'bench');
// bench/ is a package of its own: its files reach 'rnn-native' through the link `npm run bench` makes (see
// bench/install-peers.mjs); the chart needs no peers, so the link alone is made here when missing.
const link = path.join(bench, 'node_modules', 'rnn-native');
if (!existsSync(link)) {
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(path.join('..', '..'), link, 'dir');
}
const { svg } = await import('../bench/report/svg.mjs');
const { SHAPES } = await import('../bench/inputs.mjs');

const measured = path.join(bench, 'measured', readdirSync(path.join(bench, 'measured')).find((f) => f.endsWith('.json')));
const { results } = JSON.parse(readFileSync(measured, 'utf8'));
const shapes = Object.keys(SHAPES);
const chart = svg(results, { shapes, cells: ['lstm', 'rnn'], title: 'benchmark' });
const participants = [...new Set(results.map((r) => r.participant))];

test('every participant of the run has a bar or "not measured" in every group of every panel', () => {
  const bars = (chart.match(/<rect x=[^>]*><title>/g) ?? []).length;
  const missing = (chart.match(/<g class="not-measured">/g) ?? []).length;
  assert.is(bars, results.length, 'one bar per result');
  assert.is(bars + missing, 8 * shapes.length * participants.length, 'the rest are "not measured"');
  assert.match(chart, /<title>ORT notebook: not measured<\/title>/, 'ORT has no float64 runs');
  const tfjs = results.find((r) => r.participant === 'tfjs' && r.cell === 'lstm' && r.direction === 'fwd+bwd' && r.dtype === 'float32' && r.shape === 'large');
  assert.is(tfjs, undefined, 'tfjs aborted at the large LSTM fwd+bwd float32 in this run');
  assert.match(chart, /<title>tfjs large: not measured<\/title>/);
});

test('each shape is labelled with its sizes (n_x, n_a, m, T)', () => {
  for (const [shape, { n_x, n_a, m, T }] of Object.entries(SHAPES)) {
    assert.ok(chart.includes(`>${shape}</text>`), shape);
    assert.ok(chart.includes(`class="sizes" font-size="9" text-anchor="middle" fill="#555">(${n_x}, ${n_a}, ${m}, ${T})</text>`), `${shape} sizes`);
  }
});

test.run();
