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
  /** Columns of the plot area (default 60). */
  width?: number;
  /** Rows of the plot area (default 12). */
  height?: number;
  /** A line above the chart. */
  title?: string;
  /** The x-axis caption, centred under the axis (default 'step'). */
  xLabel?: string;
  /** The step number of values[0] (default 1). */
  firstStep?: number;
}

/**
 * The chart as lines joined by '\n' (no final '\n'): `height` plot rows, each with a y label column and '|', then the
 * x axis and a row with the first and last step. Values are averaged into `width` buckets when there are more.
 */
export function asciiChart(values: readonly number[], options: AsciiChartOptions = {}): string {
  const width = options.width ?? 60;
  const height = options.height ?? 12;
  const xLabel = options.xLabel ?? 'step';
  const firstStep = options.firstStep ?? 1;
  if (!Number.isSafeInteger(width) || width < 2) throw new RangeError(`width must be an integer ≥ 2, got ${width}`);
  if (!Number.isSafeInteger(height) || height < 2) throw new RangeError(`height must be an integer ≥ 2, got ${height}`);
  const head = options.title === undefined ? [] : [options.title];

  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return [...head, values.length === 0 ? '(no values to plot)' : '(no finite values to plot)'].join('\n');

  const points = downsample(values, width);
  // Scaled on the plotted (averaged) points, which lie inside the raw range, so that the curve fills the area.
  const plotted = points.filter((v) => Number.isFinite(v));
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
  return [...head, ...lines].join('\n');
}
