// A plain-ASCII line chart of a series (the loss per step), for the terminal at the end of training.
//
//   3.30 |*
//        |*
//   2.79 | **
//        |   ***
//        ...
//   1.26 |                   ************************
//        +------------------------------------------------------------
//         1                           step                        2000

import { wrapText } from './wrap';

/**
 * Averages `values` into `buckets` consecutive buckets of (nearly) equal size; bucket i covers indices
 * [floor(i·n/buckets), floor((i+1)·n/buckets)). Non-finite values are left out of the averages (a bucket with none is
 * NaN). With `buckets ≥ n` the values are returned as they are.
 */
export function downsample(values: readonly number[], buckets: number): number[] {
  const n = values.length;
  if (!Number.isSafeInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
  if (buckets >= n) return values.slice();
  const out: number[] = [];
  for (let b = 0; b < buckets; ++b) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let sum = 0;
    let count = 0;
    for (let i = from; i < to; ++i) {
      const v = values[i] as number;
      if (Number.isFinite(v)) {
        sum += v;
        count += 1;
      }
    }
    out.push(count > 0 ? sum / count : Number.NaN);
  }
  return out;
}

/** Decimals for y labels about a third of [min, max] apart: enough to tell them apart, at least 2, at most 6. */
export function labelDecimals(min: number, max: number): number {
  const gap = (max - min) / 3;
  if (!(gap > 0) || !Number.isFinite(gap)) return 2;
  return Math.min(6, Math.max(2, Math.ceil(-Math.log10(gap) - 1e-9)));
}

export interface AsciiChartOptions {
  /** Columns of the plot area at most (default 60). */
  width?: number;
  /** The widest a line of the chart may be (the terminal's width less one); the plot area narrows to fit. */
  columns?: number;
  /** Rows of the plot area (default 12). */
  height?: number;
  /** A line above the chart, wrapped at `columns`. */
  title?: string;
  /** The x-axis caption, centred under the axis (default 'step'). */
  xLabel?: string;
  /** The step number of values[0] (default 1). */
  firstStep?: number;
  /** A second series, `[step, value]` pairs (the validation loss), drawn as 'o' on the same axes, with a legend. */
  validation?: ReadonlyArray<readonly [number, number]>;
}

/**
 * The chart as lines joined by '\n' (no final '\n'): `height` plot rows, each with a y label column and '|', then the
 * x axis and a row with the first and last step. Values are averaged into `width` buckets when there are more.
 * With `columns`, no line is longer than that: the plot area narrows (to 10 columns at least) and the title and
 * the legend wrap.
 */
export function asciiChart(values: readonly number[], options: AsciiChartOptions = {}): string {
  const width = options.width ?? 60;
  const columns = options.columns ?? Infinity;
  if (!Number.isSafeInteger(width) || width < 2) throw new RangeError(`width must be an integer ≥ 2, got ${width}`);
  let plotWidth = width;
  let chart = drawChart(values, options, plotWidth);
  // Narrower plots average differently, which may change the labels' width: narrow until it fits.
  for (let widest = longest(chart.plot); widest > columns && plotWidth > 10; widest = longest(chart.plot)) {
    plotWidth = Math.max(10, plotWidth - (widest - columns));
    chart = drawChart(values, options, plotWidth);
  }
  const wrap = (text: string | undefined): string[] => (text === undefined ? [] : wrapText(text, Number.isFinite(columns) ? columns : text.length));
  return [...wrap(options.title), ...chart.plot, ...wrap(chart.legend)].join('\n');
}

const longest = (lines: readonly string[]): number => Math.max(...lines.map((line) => line.length));

function drawChart(values: readonly number[], options: AsciiChartOptions, width: number): { plot: string[]; legend: string | undefined } {
  const height = options.height ?? 12;
  const xLabel = options.xLabel ?? 'step';
  const firstStep = options.firstStep ?? 1;
  const validation = (options.validation ?? []).filter(([, v]) => Number.isFinite(v));
  if (!Number.isSafeInteger(height) || height < 2) throw new RangeError(`height must be an integer ≥ 2, got ${height}`);

  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { plot: [values.length === 0 ? '(no values to plot)' : '(no finite values to plot)'], legend: undefined };

  const points = downsample(values, width);
  // The column of a step: the bucket of downsample that holds it.
  const columnOf = (step: number): number =>
    Math.min(points.length - 1, Math.max(0, Math.floor(((step - firstStep) * points.length) / values.length)));
  // Scaled on the plotted (averaged) points, which lie inside the raw range, so that the curve fills the area.
  const plotted = [...points.filter((v) => Number.isFinite(v)), ...validation.map(([, v]) => v)];
  const min = Math.min(...plotted);
  const max = Math.max(...plotted);
  const span = max - min;
  const rowOf = (v: number): number => (span > 0 ? Math.round(((max - v) / span) * (height - 1)) : Math.floor((height - 1) / 2));

  const grid: string[][] = Array.from({ length: height }, () => Array<string>(points.length).fill(' '));
  let previous: number | undefined;
  points.forEach((v, column) => {
    if (!Number.isFinite(v)) {
      previous = undefined;
      return;
    }
    const row = rowOf(v);
    if (previous !== undefined && Math.abs(row - previous) > 1) {
      // A steep segment: join the two points with a vertical run in this column.
      const step = row > previous ? 1 : -1;
      for (let r = previous + step; r !== row; r += step) (grid[r] as string[])[column] = ':';
    }
    (grid[row] as string[])[column] = '*';
    previous = row;
  });
  for (const [step, v] of validation) (grid[rowOf(v)] as string[])[columnOf(step)] = 'o';

  const decimals = labelDecimals(min, max);
  const valueAt = (row: number): number => (span > 0 ? max - (row / (height - 1)) * span : max);
  const labelRows = new Set(span > 0 ? [0, Math.round((height - 1) / 3), Math.round((2 * (height - 1)) / 3), height - 1] : [rowOf(min)]);
  const labels = grid.map((_, row) => (labelRows.has(row) ? valueAt(row).toFixed(decimals) : ''));
  const labelWidth = Math.max(...labels.map((l) => l.length));

  const lines = grid.map((cells, row) => `${(labels[row] as string).padStart(labelWidth)} |${cells.join('').trimEnd()}`);
  lines.push(`${' '.repeat(labelWidth)} +${'-'.repeat(points.length)}`);
  const first = String(firstStep);
  const last = String(firstStep + values.length - 1);
  const axis = Array<string>(points.length + 1).fill(' ');
  const put = (text: string, at: number): void => {
    for (let i = 0; i < text.length && at + i < axis.length; ++i) if (at + i >= 0) axis[at + i] = text[i] as string;
  };
  put(first, 1);
  if (values.length > 1) put(last, points.length + 1 - last.length);
  const middle = Math.floor((points.length + 1 - xLabel.length) / 2) + 1;
  if (middle > first.length + 2 && middle + xLabel.length < points.length + 1 - last.length - 1) put(xLabel, middle);
  lines.push(`${' '.repeat(labelWidth)} ${axis.join('').trimEnd()}`);
  const perColumn = values.length / points.length;
  const training = perColumn > 1 ? `* training, each column the mean of ${perColumn < 10 ? perColumn.toFixed(1) : Math.round(perColumn)} steps` : '* training';
  const legend = validation.length > 0 ? `${training}; o validation (held-out lines)` : perColumn > 1 ? training : undefined;
  return { plot: lines, legend };
}
