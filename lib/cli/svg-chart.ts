// An SVG line chart of a series against its step number (the loss curves of --plot): title, axes, ticks, grid,
// labels, the training curve and an optional validation curve with a legend that says what a point is, and the first
// and final values marked. Built as a string, no dependencies; standalone SVG 1.1 that browsers and viewers open.
import { downsample } from './ascii-chart';

/** A "nice" tick spacing (1, 2 or 5 × 10^k) that splits `range` into about `count` intervals. */
export function niceStep(range: number, count: number): number {
  if (!(range > 0) || !Number.isFinite(range)) return 1;
  const raw = range / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const factor = normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10;
  return factor * magnitude;
}

/** The domain [lo, hi] ⊇ [min, max] widened to multiples of a nice step, and the ticks from lo to hi. */
export function niceScale(min: number, max: number, count = 5): { lo: number; hi: number; step: number; ticks: number[] } {
  let a = min;
  let b = max;
  if (!(b > a)) {
    const pad = Math.abs(a) > 0 ? Math.abs(a) * 0.1 : 1;
    a -= pad;
    b += pad;
  }
  const step = niceStep(b - a, count);
  const lo = Math.floor(a / step + 1e-9) * step;
  const hi = Math.ceil(b / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-9; ++i) ticks.push(roundTo(lo + i * step, step));
  return { lo, hi, step, ticks };
}

/** Removes floating-point dust (0.30000000000000004 → 0.3) at the precision of `step`. */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(20, decimals)));
}

/** Escapes text for SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

export interface SvgChartOptions {
  /** Pixels (default 720 × 420). */
  width?: number;
  height?: number;
  /** Default 'Training loss'. */
  title?: string;
  /** A second, smaller line under the title (e.g. the run's settings). */
  subtitle?: string;
  /** Default 'step'. */
  xLabel?: string;
  /** Default 'loss (nats per character)'. */
  yLabel?: string;
  /** The step number of values[0] (default 1). */
  firstStep?: number;
  /** At most this many plotted points: longer series are averaged into buckets (default: the plot's width in px). */
  maxPoints?: number;
  /** A second series, `[step, value]` pairs (the validation loss on held-out lines), drawn as its own curve. */
  validation?: ReadonlyArray<readonly [number, number]>;
}

/** The points the chart draws: `[step, value]`, bucket averages (at the bucket's mean step) for long series. */
export function chartPoints(values: readonly number[], maxPoints: number, firstStep = 1): Array<[number, number]> {
  const n = values.length;
  if (n === 0) return [];
  const buckets = Math.min(n, Math.max(1, Math.floor(maxPoints)));
  const points: Array<[number, number]> = [];
  downsample(values, buckets).forEach((mean, b) => {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    if (Number.isFinite(mean)) points.push([firstStep + (from + to - 1) / 2, mean]);
  });
  return points;
}

function formatTick(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(Math.min(20, decimals));
}

const px = (v: number): string => String(Math.round(v * 10) / 10);

const TRAIN_COLOR = '#1f77b4';
const VALIDATION_COLOR = '#d62728';

/** The chart as an SVG document: a polyline with class "loss" holding the points, "validation" the second series. */
export function svgChart(values: readonly number[], options: SvgChartOptions = {}): string {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  const title = options.title ?? 'Training loss';
  const xLabel = options.xLabel ?? 'step';
  const yLabel = options.yLabel ?? 'loss (nats per character)';
  const firstStep = options.firstStep ?? 1;
  const margin = { left: 72, right: 28, top: options.subtitle === undefined ? 52 : 70, bottom: 60 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  if (!(plotW > 0 && plotH > 0)) throw new RangeError(`the chart is too small: ${width} × ${height} px`);

  const points = chartPoints(values, options.maxPoints ?? Math.floor(plotW), firstStep);
  const lastStep = firstStep + Math.max(0, values.length - 1);
  // The x domain is the steps themselves (first to last); its ticks are the nice integers inside it, and the first step.
  const xLo = firstStep;
  const xHi = Math.max(lastStep, firstStep + 1);
  const xTicks = niceScale(xLo, xHi, 6).ticks.filter((t) => t >= xLo && t <= xHi && Number.isInteger(t));
  if (!xTicks.includes(xLo)) xTicks.unshift(xLo);

  const validation = (options.validation ?? []).filter(([, v]) => Number.isFinite(v));
  const shown = [...points.map((p) => p[1]), ...validation.map(([, v]) => v)];
  const ys = shown.length > 0 ? niceScale(Math.min(...shown), Math.max(...shown), 6) : niceScale(0, 1, 5);
  const x = (step: number): number => margin.left + ((step - xLo) / (xHi - xLo)) * plotW;
  const y = (value: number): number => margin.top + (1 - (value - ys.lo) / (ys.hi - ys.lo)) * plotH;

  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${px(width / 2)}" y="28" text-anchor="middle" font-size="17" font-weight="bold">${escapeXml(title)}</text>`);
  if (options.subtitle !== undefined) {
    out.push(`<text class="subtitle" x="${px(width / 2)}" y="48" text-anchor="middle" fill="#555555">${escapeXml(options.subtitle)}</text>`);
  }

  out.push(`<g class="grid" stroke="#e4e4e4" stroke-width="1">`);
  for (const t of ys.ticks) out.push(`<line x1="${px(margin.left)}" y1="${px(y(t))}" x2="${px(margin.left + plotW)}" y2="${px(y(t))}"/>`);
  for (const t of xTicks) out.push(`<line x1="${px(x(t))}" y1="${px(margin.top)}" x2="${px(x(t))}" y2="${px(margin.top + plotH)}"/>`);
  out.push(`</g>`);

  out.push(`<g class="axes" stroke="#333333" stroke-width="1">`);
  out.push(`<line x1="${px(margin.left)}" y1="${px(margin.top + plotH)}" x2="${px(margin.left + plotW)}" y2="${px(margin.top + plotH)}"/>`);
  out.push(`<line x1="${px(margin.left)}" y1="${px(margin.top)}" x2="${px(margin.left)}" y2="${px(margin.top + plotH)}"/>`);
  for (const t of ys.ticks) out.push(`<line x1="${px(margin.left - 5)}" y1="${px(y(t))}" x2="${px(margin.left)}" y2="${px(y(t))}"/>`);
  for (const t of xTicks) out.push(`<line x1="${px(x(t))}" y1="${px(margin.top + plotH)}" x2="${px(x(t))}" y2="${px(margin.top + plotH + 5)}"/>`);
  out.push(`</g>`);

  out.push(`<g class="y-ticks" text-anchor="end" fill="#333333">`);
  for (const t of ys.ticks) out.push(`<text x="${px(margin.left - 8)}" y="${px(y(t) + 4)}">${formatTick(t, ys.step)}</text>`);
  out.push(`</g>`);
  out.push(`<g class="x-ticks" text-anchor="middle" fill="#333333">`);
  for (const t of xTicks) out.push(`<text x="${px(x(t))}" y="${px(margin.top + plotH + 19)}">${t}</text>`);
  out.push(`</g>`);

  out.push(`<text class="x-label" x="${px(margin.left + plotW / 2)}" y="${px(height - 14)}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  out.push(
    `<text class="y-label" x="${px(18)}" y="${px(margin.top + plotH / 2)}" text-anchor="middle" ` +
      `transform="rotate(-90 18 ${px(margin.top + plotH / 2)})">${escapeXml(yLabel)}</text>`,
  );

  const coordinates = (series: ReadonlyArray<readonly [number, number]>): string => series.map(([s, v]) => `${px(x(s))},${px(y(v))}`).join(' ');
  out.push(`<polyline class="loss" fill="none" stroke="${TRAIN_COLOR}" stroke-width="1.6" stroke-linejoin="round" points="${coordinates(points)}"/>`);
  if (validation.length > 0) {
    out.push(
      `<polyline class="validation" fill="none" stroke="${VALIDATION_COLOR}" stroke-width="1.8" stroke-dasharray="6 3" ` +
        `stroke-linejoin="round" points="${coordinates(validation)}"/>`,
    );
  }
  // The first and final values of each curve, marked and labelled (on a white halo, so curves never hide them):
  // training's first value above its point and its final value below, validation's the other way round, since
  // training starts higher and usually ends lower.
  const marks = (series: ReadonlyArray<readonly [number, number]>, color: string, name: string, above: [boolean, boolean]): void => {
    const ends = series.length > 1 ? [series[0], series.at(-1)] : series.slice(0, 1);
    ends.forEach((point, i) => {
      if (point === undefined) return;
      const [s, v] = point;
      const which = i === 0 ? 'first' : 'final';
      const dy = above[i] ? -9 : 17;
      out.push(`<circle class="${name}-${which}" cx="${px(x(s))}" cy="${px(y(v))}" r="3.5" fill="${color}"/>`);
      out.push(
        `<text class="${name}-${which}-label" x="${px(x(s) + (i === 0 ? 6 : -6))}" y="${px(y(v) + dy)}" ` +
          `text-anchor="${i === 0 ? 'start' : 'end'}" fill="${color}" stroke="#ffffff" stroke-width="3" paint-order="stroke">` +
          `${which} ${v.toFixed(3)}</text>`,
      );
    });
  };
  marks(points, TRAIN_COLOR, 'loss', [true, false]);
  marks(validation, VALIDATION_COLOR, 'validation', [false, true]);

  // The legend: what each curve is, and what one of its points stands for.
  const perPoint = points.length > 0 ? values.length / points.length : 1;
  const trainText = perPoint > 1.000001 ? `training: each point the mean of ${perPoint < 10 ? perPoint.toFixed(1) : Math.round(perPoint)} steps` : 'training: the loss of each step';
  const entries: Array<[string, string, string]> = [[trainText, TRAIN_COLOR, '']];
  if (validation.length > 0) entries.push(['validation: the loss on the held-out lines after that step', VALIDATION_COLOR, '6 3']);
  out.push(`<g class="legend" font-size="11" fill="#333333">`);
  entries.forEach(([text, color, dash], i) => {
    const ly = margin.top + 14 + i * 16;
    const lx = margin.left + plotW - 8;
    out.push(`<line x1="${px(lx - 28)}" y1="${px(ly - 4)}" x2="${px(lx - 4)}" y2="${px(ly - 4)}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(`<text x="${px(lx - 34)}" y="${px(ly)}" text-anchor="end">${escapeXml(text)}</text>`);
  });
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
