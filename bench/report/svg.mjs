// The results as an SVG grouped bar chart, built as a string: one panel per (cell, direction, dtype), a group of bars
// per shape (labelled with its sizes), one bar per participant of the run, time per call on a log scale (shorter is
// faster). A participant without a result there (it cannot run that case, or failed) gets "not measured" in its place.
import { DIRECTIONS, DTYPES, SHAPES } from '../inputs.mjs';
import { index, ms } from './format.mjs';

const PARTICIPANTS = [
  ['ours', '#1f77b4'], ['ours async', '#6baed6'], ['numpy', '#ff7f0e'], ['ORT', '#2ca02c'], ['tfjs', '#d62728'], ['roofline', '#999999'],
];
const PANEL = { width: 460, height: 250, left: 52, right: 12, top: 28, bottom: 34 };
const COLUMNS = 2;
const HEADER = 80;

/** A time in ms, to 3 digits, in the unit that fits: 1 µs, 12.5 ms, 1.2 s... */
function tick(v) {
  const [scale, unit] = v < 1e-3 ? [1e6, 'ns'] : v < 1 ? [1e3, 'µs'] : v < 1000 ? [1, 'ms'] : [1e-3, 's'];
  return `${Number((v * scale).toPrecision(3))} ${unit}`;
}

const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
const text = (x, y, s, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escape(s)}</text>`;

function panel(get, present, { cell, direction, dtype }, shapes, x0, y0) {
  const values = shapes.flatMap((s) => present.map(([p]) => get(p, cell, direction, dtype, s)?.ms)).filter((v) => v > 0);
  const out = [text(x0 + PANEL.left, y0 + 18, `${cell.toUpperCase()} ${direction} ${dtype}`, 'font-weight="bold" font-size="13"')];
  if (values.length === 0) return out.join('');
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)) + 1e-9);
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const bottom = y0 + PANEL.top + plotH;
  const yOf = (v) => bottom - ((Math.log10(v) - lo) / Math.max(hi - lo, 1)) * plotH;
  for (let d = lo; d <= Math.max(hi, lo + 1); d++) {
    const y = yOf(10 ** d);
    out.push(`<line x1="${x0 + PANEL.left}" x2="${x0 + PANEL.width - PANEL.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/>`);
    out.push(text(x0 + PANEL.left - 4, y + 3, tick(10 ** d), 'font-size="9" text-anchor="end" fill="#555"'));
  }
  const groupW = plotW / shapes.length;
  const barW = Math.min(16, (groupW - 10) / present.length);
  shapes.forEach((shape, g) => {
    const gx = x0 + PANEL.left + g * groupW + (groupW - barW * present.length) / 2;
    present.forEach(([p, color], b) => {
      const r = get(p, cell, direction, dtype, shape);
      const x = gx + b * barW;
      if (!r) {
        const lx = x + barW / 2 + 3;
        out.push(`<g class="not-measured"><title>${escape(`${p} ${shape}: not measured`)}</title>` +
          text(lx, bottom - 3, 'not measured', `font-size="8" fill="#999" transform="rotate(-90 ${lx.toFixed(1)} ${(bottom - 3).toFixed(1)})"`) + '</g>');
        return;
      }
      const y = yOf(r.ms);
      out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(bottom - y).toFixed(1)}" fill="${color}"><title>${escape(`${p} ${shape}: ${ms(r.ms)} ms`)}</title></rect>`);
      const lx = x + barW / 2 + 3;
      out.push(text(lx, y - 3, tick(r.ms), `font-size="8" transform="rotate(-90 ${lx.toFixed(1)} ${(y - 3).toFixed(1)})" fill="#333"`));
    });
    const cx = x0 + PANEL.left + (g + 0.5) * groupW;
    out.push(text(cx, bottom + 13, shape, 'font-size="11" text-anchor="middle"'));
    const { n_x, n_a, m, T } = SHAPES[shape];
    out.push(text(cx, bottom + 25, `(${n_x}, ${n_a}, ${m}, ${T})`, 'class="sizes" font-size="9" text-anchor="middle" fill="#555"'));
  });
  out.push(`<line x1="${x0 + PANEL.left}" x2="${x0 + PANEL.left}" y1="${y0 + PANEL.top}" y2="${bottom}" stroke="#888"/>`);
  return out.join('');
}

export function svg(results, { shapes, cells, title }) {
  const get = index(results);
  const panels = [];
  for (const cell of cells) for (const direction of DIRECTIONS) for (const dtype of DTYPES) panels.push({ cell, direction, dtype });
  const width = COLUMNS * PANEL.width;
  const height = HEADER + Math.ceil(panels.length / COLUMNS) * PANEL.height;
  // Every participant of the run has its place in every group, measured or not.
  const present = PARTICIPANTS.filter(([p]) => results.some((r) => r.participant === p));
  const legend = PARTICIPANTS.map(([p, color], i) =>
    `<rect x="${12 + i * 110}" y="56" width="12" height="12" fill="${color}"/>${text(28 + i * 110, 66, p, 'font-size="12"')}`).join('');
  const body = panels.map((p, i) => panel(get, present, p, shapes, (i % COLUMNS) * PANEL.width, HEADER + Math.floor(i / COLUMNS) * PANEL.height));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    text(12, 22, title, 'font-size="15" font-weight="bold"'),
    text(12, 42, 'median time per call, log scale: shorter is faster; roofline = the GEMMs alone at OpenBLAS speed; shapes (n_x, n_a, m, T)', 'font-size="12" fill="#444"'),
    legend,
    ...body,
    '</svg>',
  ].join('\n');
}
