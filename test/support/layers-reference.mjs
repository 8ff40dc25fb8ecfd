// A plain-JavaScript float64 reference of LAYERS.md §1–2 (the Lstm, Gru and Rnn layers), written from the equations
// one sequence, one step and one element at a time: no BLAS, no fused batches, no code shared with lib/ or the
// package. Dropout is not modelled (dropout = 0). Tensors are `{ data, shape }`, row-major; `data` may be any array
// of numbers (Float32Array values are read as the float64 numbers they are). Results are Float64Array tensors.
//
//   referenceForward(cell, config, params, x, { lengths, h0, c0 })  -> { y, hN, cN? }
//   referenceBackward(cell, config, params, x, { lengths, h0, c0 }, { dy, dhN, dcN })
//                                                                    -> { dx, dh0, dc0?, grads }
//
// cell: 'lstm' | 'gru' | 'rnn'. config: { inputSize, hiddenSize, numLayers = 1, bidirectional = false,
// layout = 'time-major', resetAfter = true (GRU), nonlinearity = 'tanh' (RNN) }. params: keyed by PyTorch's names
// weight_ih_l{k}{s}, weight_hh_l{k}{s}, bias_ih_l{k}{s}, bias_hh_l{k}{s}, s = '' | '_reverse'.

const sigmoid = (v) => 1 / (1 + Math.exp(-v));

/** Gates per cell: LSTM i, f, g, o; GRU r, z, n; RNN one. */
export const GATES = { lstm: 4, gru: 3, rnn: 1 };

/** The full configuration with the defaults of LAYERS.md §1. */
export function normalizeConfig(cell, config) {
  if (!(cell in GATES)) throw new Error(`unknown cell ${cell}`);
  const c = {
    inputSize: config.inputSize,
    hiddenSize: config.hiddenSize,
    numLayers: config.numLayers ?? 1,
    bidirectional: config.bidirectional ?? false,
    layout: config.layout ?? 'time-major',
    resetAfter: config.resetAfter ?? true,
    nonlinearity: config.nonlinearity ?? 'tanh',
  };
  if (c.layout !== 'time-major' && c.layout !== 'batch-major') throw new Error(`unknown layout ${c.layout}`);
  if (c.nonlinearity !== 'tanh' && c.nonlinearity !== 'relu') throw new Error(`unknown nonlinearity ${c.nonlinearity}`);
  return c;
}

/** The names and shapes of every parameter, in PyTorch's order (layer by layer, forward before reverse). */
export function parameterShapes(cell, config) {
  const c = normalizeConfig(cell, config);
  const G = GATES[cell];
  const H = c.hiddenSize;
  const D = c.bidirectional ? 2 : 1;
  const out = {};
  for (let k = 0; k < c.numLayers; ++k) {
    const Ik = k === 0 ? c.inputSize : D * H;
    for (let d = 0; d < D; ++d) {
      const s = d === 0 ? '' : '_reverse';
      out[`weight_ih_l${k}${s}`] = [G * H, Ik];
      out[`weight_hh_l${k}${s}`] = [G * H, H];
      out[`bias_ih_l${k}${s}`] = [G * H];
      out[`bias_hh_l${k}${s}`] = [G * H];
    }
  }
  return out;
}

const size = (shape) => shape.reduce((p, v) => p * v, 1);

function checkTensor(t, shape, name) {
  if (!t || !t.data || !t.shape) throw new Error(`${name} must be a tensor`);
  if (t.shape.length !== shape.length || t.shape.some((v, i) => v !== shape[i])) {
    throw new Error(`${name} has shape (${t.shape}), expected (${shape})`);
  }
  if (t.data.length !== size(shape)) throw new Error(`${name} has ${t.data.length} values, expected ${size(shape)}`);
}

/** Sizes, per-sequence lengths, the input as x[b][t] (arrays of I numbers) and the weights of every layer/direction. */
function prepare(cell, config, params, x, opts) {
  const c = normalizeConfig(cell, config);
  const G = GATES[cell];
  const H = c.hiddenSize;
  const I = c.inputSize;
  const L = c.numLayers;
  const D = c.bidirectional ? 2 : 1;
  if (!x || !x.shape || x.shape.length !== 3) throw new Error('x must have rank 3');
  const timeMajor = c.layout === 'time-major';
  const T = timeMajor ? x.shape[0] : x.shape[1];
  const m = timeMajor ? x.shape[1] : x.shape[0];
  checkTensor(x, timeMajor ? [T, m, I] : [m, T, I], 'x');
  const lengths = opts.lengths === undefined ? new Array(m).fill(T) : Array.from(opts.lengths);
  if (lengths.length !== m) throw new Error(`lengths must have ${m} entries`);
  for (const l of lengths) if (!(Number.isInteger(l) && l >= 0 && l <= T)) throw new Error(`bad length ${l}`);
  const xIndex = (t, b) => (timeMajor ? t * m + b : b * T + t);
  const inputs = Array.from({ length: m }, (_, b) =>
    Array.from({ length: T }, (_, t) => Array.from({ length: I }, (_, q) => x.data[xIndex(t, b) * I + q])));
  const shapes = parameterShapes(cell, c);
  for (const [name, shape] of Object.entries(shapes)) checkTensor(params[name], shape, name);
  for (const name of Object.keys(params)) if (!(name in shapes)) throw new Error(`unexpected parameter ${name}`);
  const weights = [];
  for (let k = 0; k < L; ++k) {
    weights.push([]);
    for (let d = 0; d < D; ++d) {
      const s = d === 0 ? '' : '_reverse';
      const Ik = k === 0 ? I : D * H;
      weights[k].push({
        names: { wih: `weight_ih_l${k}${s}`, whh: `weight_hh_l${k}${s}`, bih: `bias_ih_l${k}${s}`, bhh: `bias_hh_l${k}${s}` },
        In: Ik,
        wih: params[`weight_ih_l${k}${s}`].data,
        whh: params[`weight_hh_l${k}${s}`].data,
        bih: params[`bias_ih_l${k}${s}`].data,
        bhh: params[`bias_hh_l${k}${s}`].data,
      });
    }
  }
  const stateShape = [L * D, m, H];
  const readState = (t, name) => {
    if (t === undefined) return undefined;
    checkTensor(t, stateShape, name);
    return t.data;
  };
  return {
    c, G, H, I, L, D, T, m, lengths, inputs, weights, timeMajor, xIndex, stateShape,
    h0: readState(opts.h0, 'h0'),
    c0: cell === 'lstm' ? readState(opts.c0, 'c0') : undefined,
  };
}

/** Row r of W (rows, cols) times v, plus nothing: Σ_q W[r][q] v[q]. */
function rowDot(W, r, cols, v) {
  let s = 0;
  for (let q = 0; q < cols; ++q) s += W[r * cols + q] * v[q];
  return s;
}

/** One step of one sequence: from input xt (In numbers), state h (H) and cell c (H, LSTM), the new state and a record. */
function cellForward(cell, cfg, w, H, xt, h, c) {
  const In = w.In;
  if (cell === 'rnn') {
    const a = new Array(H);
    const hn = new Array(H);
    for (let j = 0; j < H; ++j) {
      a[j] = rowDot(w.wih, j, In, xt) + w.bih[j] + rowDot(w.whh, j, H, h) + w.bhh[j];
      hn[j] = cfg.nonlinearity === 'tanh' ? Math.tanh(a[j]) : Math.max(0, a[j]);
    }
    return { h: hn, rec: { xt, h, a, hn } };
  }
  if (cell === 'lstm') {
    const i = new Array(H);
    const f = new Array(H);
    const g = new Array(H);
    const o = new Array(H);
    const cn = new Array(H);
    const hn = new Array(H);
    for (let j = 0; j < H; ++j) {
      const pre = (gate) => {
        const r = gate * H + j;
        return rowDot(w.wih, r, In, xt) + w.bih[r] + rowDot(w.whh, r, H, h) + w.bhh[r];
      };
      i[j] = sigmoid(pre(0));
      f[j] = sigmoid(pre(1));
      g[j] = Math.tanh(pre(2));
      o[j] = sigmoid(pre(3));
      cn[j] = f[j] * c[j] + i[j] * g[j];
      hn[j] = o[j] * Math.tanh(cn[j]);
    }
    return { h: hn, c: cn, rec: { xt, h, c, i, f, g, o, cn } };
  }
  // GRU
  const r = new Array(H);
  const z = new Array(H);
  for (let j = 0; j < H; ++j) {
    const rr = j;
    const zr = H + j;
    r[j] = sigmoid(rowDot(w.wih, rr, In, xt) + w.bih[rr] + rowDot(w.whh, rr, H, h) + w.bhh[rr]);
    z[j] = sigmoid(rowDot(w.wih, zr, In, xt) + w.bih[zr] + rowDot(w.whh, zr, H, h) + w.bhh[zr]);
  }
  const n = new Array(H);
  const hn = new Array(H);
  const ghn = new Array(H); // resetAfter: W_hn h + b_hn
  const rh = h.map((v, q) => r[q] * v); // resetAfter = false: r ⊙ h
  for (let j = 0; j < H; ++j) {
    const nr = 2 * H + j;
    const xin = rowDot(w.wih, nr, In, xt) + w.bih[nr];
    if (cfg.resetAfter) {
      ghn[j] = rowDot(w.whh, nr, H, h) + w.bhh[nr];
      n[j] = Math.tanh(xin + r[j] * ghn[j]);
    } else {
      n[j] = Math.tanh(xin + rowDot(w.whh, nr, H, rh) + w.bhh[nr]);
    }
    hn[j] = (1 - z[j]) * n[j] + z[j] * h[j];
  }
  return { h: hn, rec: { xt, h, r, z, n, ghn, rh } };
}

/**
 * The reverse of one step: from dh (and dc) of the new state, accumulates the parameter gradients into `gw`, and
 * returns dxt (In), dh of the previous state and dc of the previous cell.
 */
function cellBackward(cell, cfg, w, gw, H, rec, dh, dc) {
  const In = w.In;
  const G = GATES[cell];
  const { xt, h } = rec;
  // da: the gradient of the pre-activation rows fed by W_ih x + b_ih (dgi) and by W_hh h + b_hh (dgh).
  const dgi = new Array(G * H).fill(0);
  const dgh = new Array(G * H).fill(0);
  const dhPrev = new Array(H).fill(0);
  let dcPrev;
  if (cell === 'rnn') {
    for (let j = 0; j < H; ++j) {
      const d = cfg.nonlinearity === 'tanh' ? dh[j] * (1 - rec.hn[j] * rec.hn[j]) : rec.a[j] > 0 ? dh[j] : 0;
      dgi[j] = d;
      dgh[j] = d;
    }
  } else if (cell === 'lstm') {
    const { c, i, f, g, o, cn } = rec;
    dcPrev = new Array(H);
    for (let j = 0; j < H; ++j) {
      const tc = Math.tanh(cn[j]);
      const dcTotal = dc[j] + dh[j] * o[j] * (1 - tc * tc);
      const dI = dcTotal * g[j] * i[j] * (1 - i[j]);
      const dF = dcTotal * c[j] * f[j] * (1 - f[j]);
      const dG = dcTotal * i[j] * (1 - g[j] * g[j]);
      const dO = dh[j] * tc * o[j] * (1 - o[j]);
      dcPrev[j] = dcTotal * f[j];
      [dI, dF, dG, dO].forEach((v, gate) => {
        dgi[gate * H + j] = v;
        dgh[gate * H + j] = v;
      });
    }
  } else {
    const { r, z, n, ghn, rh } = rec;
    const dn = new Array(H);
    for (let j = 0; j < H; ++j) {
      dhPrev[j] += dh[j] * z[j];
      const dz = dh[j] * (h[j] - n[j]);
      dn[j] = dh[j] * (1 - z[j]) * (1 - n[j] * n[j]); // gradient of n's pre-activation
      dgi[H + j] = dz * z[j] * (1 - z[j]);
      dgh[H + j] = dgi[H + j];
      dgi[2 * H + j] = dn[j];
    }
    const dr = new Array(H).fill(0);
    if (cfg.resetAfter) {
      for (let j = 0; j < H; ++j) {
        dgh[2 * H + j] = dn[j] * r[j];
        dr[j] = dn[j] * ghn[j];
      }
    } else {
      // n's pre-activation has W_hn (r ⊙ h) + b_hn: its b_hn gradient is dn, its W_hn gradient dn (r ⊙ h)ᵀ.
      for (let q = 0; q < H; ++q) {
        let drh = 0;
        for (let j = 0; j < H; ++j) drh += w.whh[(2 * H + j) * H + q] * dn[j];
        dr[q] = drh * h[q];
        dhPrev[q] += drh * r[q];
      }
      for (let j = 0; j < H; ++j) {
        gw.bhh[2 * H + j] += dn[j];
        for (let q = 0; q < H; ++q) gw.whh[(2 * H + j) * H + q] += dn[j] * rh[q];
      }
    }
    for (let j = 0; j < H; ++j) {
      dgi[j] = dr[j] * r[j] * (1 - r[j]);
      dgh[j] = dgi[j];
    }
  }
  // Rows fed by W_hh h + b_hh (all of them, except the GRU's n rows when resetAfter = false, done above).
  const hhRows = cell === 'gru' && !cfg.resetAfter ? 2 * H : G * H;
  for (let row = 0; row < G * H; ++row) {
    const a = dgi[row];
    gw.bih[row] += a;
    for (let q = 0; q < In; ++q) gw.wih[row * In + q] += a * xt[q];
    if (row < hhRows) {
      const b = dgh[row];
      gw.bhh[row] += b;
      for (let q = 0; q < H; ++q) {
        gw.whh[row * H + q] += b * h[q];
        dhPrev[q] += w.whh[row * H + q] * b;
      }
    }
  }
  const dxt = new Array(In).fill(0);
  for (let q = 0; q < In; ++q) for (let row = 0; row < G * H; ++row) dxt[q] += w.wih[row * In + q] * dgi[row];
  return { dxt, dh: dhPrev, dc: dcPrev };
}

/** The steps a direction processes for a sequence of length ℓ, in order. */
const stepsOf = (d, l) => (d === 0 ? Array.from({ length: l }, (_, t) => t) : Array.from({ length: l }, (_, t) => l - 1 - t));

/** The forward pass, keeping every step's record for the backward pass. */
function run(cell, p) {
  const { c, H, L, D, T, m, lengths, weights } = p;
  let layerInput = p.inputs; // [b][t] -> array
  const layerInputs = [];
  const records = []; // [k][d][b] -> list of { t, rec } in processing order
  const hN = new Float64Array(L * D * m * H);
  const cN = cell === 'lstm' ? new Float64Array(L * D * m * H) : undefined;
  for (let k = 0; k < L; ++k) {
    layerInputs.push(layerInput);
    const out = Array.from({ length: m }, () => Array.from({ length: T }, () => new Array(D * H).fill(0)));
    records.push([]);
    for (let d = 0; d < D; ++d) {
      const w = weights[k][d];
      const row = k * D + d;
      records[k].push([]);
      for (let b = 0; b < m; ++b) {
        const base = (row * m + b) * H;
        let h = Array.from({ length: H }, (_, j) => (p.h0 ? p.h0[base + j] : 0));
        let cc = cell === 'lstm' ? Array.from({ length: H }, (_, j) => (p.c0 ? p.c0[base + j] : 0)) : undefined;
        const recs = [];
        for (const t of stepsOf(d, lengths[b])) {
          const s = cellForward(cell, c, w, H, layerInput[b][t], h, cc);
          recs.push({ t, rec: s.rec });
          h = s.h;
          cc = s.c;
          for (let j = 0; j < H; ++j) out[b][t][d * H + j] = h[j];
        }
        records[k][d].push(recs);
        for (let j = 0; j < H; ++j) hN[base + j] = h[j];
        if (cN) for (let j = 0; j < H; ++j) cN[base + j] = cc[j];
      }
    }
    layerInput = out;
  }
  return { out: layerInput, hN, cN, records, layerInputs };
}

/** The layer's y in its layout from out[b][t] (arrays of D·H). */
function writeY(p, out) {
  const { T, m, D, H, timeMajor } = p;
  const y = new Float64Array(T * m * D * H);
  for (let b = 0; b < m; ++b) {
    for (let t = 0; t < T; ++t) {
      const o = (timeMajor ? t * m + b : b * T + t) * D * H;
      for (let j = 0; j < D * H; ++j) y[o + j] = out[b][t][j];
    }
  }
  return { data: y, shape: timeMajor ? [T, m, D * H] : [m, T, D * H] };
}

export function referenceForward(cell, config, params, x, opts = {}) {
  const p = prepare(cell, config, params, x, opts);
  const r = run(cell, p);
  const result = { y: writeY(p, r.out), hN: { data: r.hN, shape: [...p.stateShape] } };
  if (cell === 'lstm') result.cN = { data: r.cN, shape: [...p.stateShape] };
  return result;
}

export function referenceBackward(cell, config, params, x, opts = {}, upstream = {}) {
  const p = prepare(cell, config, params, x, opts);
  const { c, G, H, L, D, T, m, lengths, weights, stateShape, timeMajor } = p;
  const { dy, dhN, dcN } = upstream;
  if (dy) checkTensor(dy, timeMajor ? [T, m, D * H] : [m, T, D * H], 'dy');
  if (dhN) checkTensor(dhN, stateShape, 'dhN');
  if (dcN && cell !== 'lstm') throw new Error('dcN is for the LSTM only');
  if (dcN) checkTensor(dcN, stateShape, 'dcN');
  const r = run(cell, p);
  // dOut[b][t]: the gradient of the current layer's output; for the top layer dy, ignored at t ≥ ℓ.
  let dOut = Array.from({ length: m }, (_, b) =>
    Array.from({ length: T }, (_, t) =>
      Array.from({ length: D * H }, (_, j) => (dy && t < lengths[b] ? dy.data[(timeMajor ? t * m + b : b * T + t) * D * H + j] : 0))));
  const dh0 = new Float64Array(L * D * m * H);
  const dc0 = cell === 'lstm' ? new Float64Array(L * D * m * H) : undefined;
  const grads = {};
  for (let k = L - 1; k >= 0; --k) {
    const In = weights[k][0].In;
    const dIn = Array.from({ length: m }, () => Array.from({ length: T }, () => new Array(In).fill(0)));
    for (let d = 0; d < D; ++d) {
      const w = weights[k][d];
      const gw = {
        wih: new Float64Array(G * H * In), whh: new Float64Array(G * H * H), bih: new Float64Array(G * H), bhh: new Float64Array(G * H),
      };
      const row = k * D + d;
      for (let b = 0; b < m; ++b) {
        const base = (row * m + b) * H;
        let dh = Array.from({ length: H }, (_, j) => (dhN ? dhN.data[base + j] : 0));
        let dc = cell === 'lstm' ? Array.from({ length: H }, (_, j) => (dcN ? dcN.data[base + j] : 0)) : undefined;
        const recs = r.records[k][d][b];
        for (let s = recs.length - 1; s >= 0; --s) {
          const { t, rec } = recs[s];
          const dhTotal = dh.map((v, j) => v + dOut[b][t][d * H + j]);
          const back = cellBackward(cell, c, w, gw, H, rec, dhTotal, dc);
          for (let q = 0; q < In; ++q) dIn[b][t][q] += back.dxt[q];
          dh = back.dh;
          dc = back.dc;
        }
        for (let j = 0; j < H; ++j) dh0[base + j] = dh[j];
        if (dc0) for (let j = 0; j < H; ++j) dc0[base + j] = dc[j];
      }
      grads[w.names.wih] = { data: gw.wih, shape: [G * H, In] };
      grads[w.names.whh] = { data: gw.whh, shape: [G * H, H] };
      grads[w.names.bih] = { data: gw.bih, shape: [G * H] };
      grads[w.names.bhh] = { data: gw.bhh, shape: [G * H] };
    }
    dOut = dIn;
  }
  const dx = new Float64Array(T * m * p.I);
  for (let b = 0; b < m; ++b) {
    for (let t = 0; t < T; ++t) for (let q = 0; q < p.I; ++q) dx[p.xIndex(t, b) * p.I + q] = dOut[b][t][q];
  }
  const ordered = {};
  for (const name of Object.keys(parameterShapes(cell, c))) ordered[name] = grads[name];
  const result = {
    dx: { data: dx, shape: [...x.shape] },
    dh0: { data: dh0, shape: [...stateShape] },
  };
  if (cell === 'lstm') result.dc0 = { data: dc0, shape: [...stateShape] };
  result.grads = ordered;
  return result;
}
