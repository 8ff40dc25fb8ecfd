// A plain-JavaScript float64 reference of SPEC §3, written from the equations one step and one element at a time
// (no BLAS, no time-major layout, no fused gates), to check the package against on random shapes. Tensors are
// `{ data, shape }` in the package's row-major layout; results are Float64Arrays in the same layouts.

const sigmoid = (v) => 1 / (1 + Math.exp(-v));

/** Element (i, j) of a (rows, cols) tensor. */
const at = (t, i, j) => t.data[i * t.shape[1] + j];

/** Step t of an (n, m, T) tensor as an (n, m) array of rows, or the (n, m) tensor itself when it has rank 2. */
function step(t, s) {
  const [n, m, T = 1] = t.shape;
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => t.data[(i * m + j) * T + s]));
}

/** W (rows, k) times the rows × m matrix v, plus the bias b (rows, 1) when given; `offset` skips W's first columns. */
function affine(W, v, b, offset = 0) {
  const rows = W.shape[0];
  const m = v[0].length;
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: m }, (_, j) => {
      let s = b ? at(b, i, 0) : 0;
      for (let k = 0; k < v.length; ++k) s += at(W, i, k + offset) * v[k][j];
      return s;
    }));
}

/** Wᵀ d for W (rows, cols) restricted to columns [from, to), d (rows, m). */
function transposeTimes(W, d, from, to) {
  return Array.from({ length: to - from }, (_, k) =>
    Array.from({ length: d[0].length }, (_, j) => {
      let s = 0;
      for (let i = 0; i < d.length; ++i) s += at(W, i, k + from) * d[i][j];
      return s;
    }));
}

const map2 = (f, ...ms) => ms[0].map((row, i) => row.map((_, j) => f(...ms.map((mm) => mm[i][j]))));
const zeros = (n, m) => Array.from({ length: n }, () => new Array(m).fill(0));
const softmaxColumns = (z) => {
  const out = zeros(z.length, z[0].length);
  for (let j = 0; j < z[0].length; ++j) {
    const max = Math.max(...z.map((r) => r[j]));
    let sum = 0;
    for (let i = 0; i < z.length; ++i) sum += (out[i][j] = Math.exp(z[i][j] - max));
    for (let i = 0; i < z.length; ++i) out[i][j] /= sum;
  }
  return out;
};

/** Writes the steps (each n × m) into one (n, m, T) Float64Array. */
function stack(steps) {
  const n = steps[0].length;
  const m = steps[0][0].length;
  const T = steps.length;
  const out = new Float64Array(n * m * T);
  steps.forEach((s, t) => s.forEach((row, i) => row.forEach((v, j) => (out[(i * m + j) * T + t] = v))));
  return out;
}

/** Accumulates d (rows × m) times vᵀ (m × k) into the (rows, k) Float64Array g at column `offset` of `cols`. */
function addOuter(g, d, v, cols, offset = 0) {
  for (let i = 0; i < d.length; ++i) {
    for (let k = 0; k < v.length; ++k) {
      let s = 0;
      for (let j = 0; j < d[0].length; ++j) s += d[i][j] * v[k][j];
      g[i * cols + k + offset] += s;
    }
  }
}
const addRowSums = (g, d) => d.forEach((row, i) => (g[i] += row.reduce((a, b) => a + b, 0)));

/** rnnForward of SPEC §3 over x (n_x, m, T) — or a cell's xt (n_x, m) as one step. */
export function rnnForward(x, a0, p) {
  const T = x.shape[2] ?? 1;
  const a = [step(a0, 0)];
  const y = [];
  for (let t = 0; t < T; ++t) {
    const z = map2((u, v) => u + v, affine(p.Wax, step(x, t), p.ba), affine(p.Waa, a[t]));
    a.push(z.map((row) => row.map(Math.tanh)));
    if (p.Wya) y.push(softmaxColumns(affine(p.Wya, a[t + 1], p.by)));
  }
  return { a: stack(a.slice(1)), y: p.Wya ? stack(y) : undefined, states: a, x, p };
}

/** rnnBackward of SPEC §3 given da (n_a, m, T') and the reference forward. */
export function rnnBackward(da, fwd) {
  const { x, p, states } = fwd;
  const [n_a, n_x] = p.Wax.shape;
  const Tb = da.shape[2] ?? 1;
  const g = { dWax: new Float64Array(n_a * n_x), dWaa: new Float64Array(n_a * n_a), dba: new Float64Array(n_a) };
  const dx = [];
  let daPrev = zeros(n_a, states[0][0].length);
  for (let t = Tb - 1; t >= 0; --t) {
    const dtanh = map2((d, next, a) => (d + next) * (1 - a * a), step(da, t), daPrev, states[t + 1]);
    dx[t] = transposeTimes(p.Wax, dtanh, 0, n_x);
    addOuter(g.dWax, dtanh, step(x, t), n_x);
    addOuter(g.dWaa, dtanh, states[t], n_a);
    addRowSums(g.dba, dtanh);
    daPrev = transposeTimes(p.Waa, dtanh, 0, n_a);
  }
  return { dx: stack(dx), da0: stack([daPrev]), ...g };
}

const GATES = ['f', 'i', 'c', 'o'];

/** lstmForward of SPEC §3 over x (n_x, m, T) — or a cell's xt as one step — from a0 and c0 (zeros when absent). */
export function lstmForward(x, a0, p, c0) {
  const T = x.shape[2] ?? 1;
  const a = [step(a0, 0)];
  const c = [c0 ? step(c0, 0) : zeros(a[0].length, a[0][0].length)];
  const y = [];
  const gates = [];
  for (let t = 0; t < T; ++t) {
    const concat = [...a[t], ...step(x, t)];
    const [ft, it, cct, ot] = GATES.map((g) => affine(p[`W${g}`], concat, p[`b${g}`]).map((row) => row.map(g === 'c' ? Math.tanh : sigmoid)));
    c.push(map2((f, cp, i, cc) => f * cp + i * cc, ft, c[t], it, cct));
    a.push(map2((o, cn) => o * Math.tanh(cn), ot, c[t + 1]));
    gates.push({ ft, it, cct, ot, concat });
    if (p.Wy) y.push(softmaxColumns(affine(p.Wy, a[t + 1], p.by)));
  }
  return { a: stack(a.slice(1)), c: stack(c.slice(1)), y: p.Wy ? stack(y) : undefined, cells: c, gates, p };
}

/** lstmBackward of SPEC §3 given da (n_a, m, T'), the gradient dcLast of the last cell state (zero when absent). */
export function lstmBackward(da, fwd, dcLast) {
  const { p, cells, gates } = fwd;
  const [n_a, cols] = p.Wf.shape;
  const m = cells[0][0].length;
  const Tb = da.shape[2] ?? 1;
  const g = Object.fromEntries(GATES.flatMap((k) => [[`dW${k}`, new Float64Array(n_a * cols)], [`db${k}`, new Float64Array(n_a)]]));
  const dx = [];
  let daPrev = zeros(n_a, m);
  let dcPrev = dcLast ? step(dcLast, 0) : zeros(n_a, m);
  for (let t = Tb - 1; t >= 0; --t) {
    const { ft, it, cct, ot, concat } = gates[t];
    const daNext = map2((u, v) => u + v, step(da, t), daPrev);
    const dcNext = dcPrev;
    const tc = cells[t + 1].map((row) => row.map(Math.tanh));
    const through = map2((o, h, d) => o * (1 - h * h) * d, ot, tc, daNext); // ot (1 - tc²) da_next
    const d = {
      o: map2((dn, h, o) => dn * h * o * (1 - o), daNext, tc, ot),
      c: map2((dc, i, th, cc) => (dc * i + th * i) * (1 - cc * cc), dcNext, it, through, cct),
      i: map2((dc, cc, th, i) => (dc * cc + th * cc) * i * (1 - i), dcNext, cct, through, it),
      f: map2((dc, cp, th, f) => (dc * cp + th * cp) * f * (1 - f), dcNext, cells[t], through, ft),
    };
    for (const k of GATES) {
      addOuter(g[`dW${k}`], d[k], concat, cols);
      addRowSums(g[`db${k}`], d[k]);
    }
    const sum = (from, to) => GATES.map((k) => transposeTimes(p[`W${k}`], d[k], from, to)).reduce((u, v) => map2((s, w) => s + w, u, v));
    daPrev = sum(0, n_a);
    dx[t] = sum(n_a, cols);
    dcPrev = map2((dc, f, th) => dc * f + th * f, dcNext, ft, through);
  }
  return { dx: stack(dx), da0: stack([daPrev]), dc0: stack([dcPrev]), ...g };
}
