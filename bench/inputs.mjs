// The benchmark's shapes and inputs. Inputs are drawn once per (cell, shape, dtype) outside every timing loop, from
// numpy's seed-1 generator, in the notebook layout: x (n_x, m, T), a0 (n_a, m), da (n_a, m, T), the notebook's
// parameters without Wy/by (the prediction-free path). Weights are scaled by 1/sqrt(fan-in) so gates do not saturate.
import { RandomState } from 'rnn-native';

export const SHAPES = {
  notebook: { n_x: 3, n_a: 5, m: 10, T: 7 },
  small: { n_x: 32, n_a: 64, m: 16, T: 32 },
  medium: { n_x: 128, n_a: 256, m: 32, T: 64 },
  large: { n_x: 512, n_a: 512, m: 64, T: 128 },
};
export const CELLS = ['lstm', 'rnn'];
export const DTYPES = ['float64', 'float32'];
export const DIRECTIONS = ['fwd', 'fwd+bwd'];

function draw(r, scale, ...shape) {
  const t = r.randn(...shape);
  if (scale !== 1) for (let i = 0; i < t.data.length; i++) t.data[i] *= scale;
  return t;
}

const toDtype = (t, dtype) => (dtype === 'float32' ? { data: Float32Array.from(t.data), shape: t.shape } : t);

/** { x, a0, da, params } for `cell` at `shape`, as Tensors of `dtype`. */
export function makeInputs(cell, shapeName, dtype) {
  const { n_x, n_a, m, T } = SHAPES[shapeName];
  const r = new RandomState(1);
  const x = draw(r, 1, n_x, m, T);
  const a0 = draw(r, 0.5, n_a, m);
  const params = {};
  if (cell === 'lstm') {
    for (const g of ['f', 'i', 'c', 'o']) {
      params[`W${g}`] = draw(r, 1 / Math.sqrt(n_a + n_x), n_a, n_a + n_x);
      params[`b${g}`] = draw(r, 0.1, n_a, 1);
    }
  } else {
    params.Wax = draw(r, 1 / Math.sqrt(n_a + n_x), n_a, n_x);
    params.Waa = draw(r, 1 / Math.sqrt(n_a + n_x), n_a, n_a);
    params.ba = draw(r, 0.1, n_a, 1);
  }
  const da = draw(r, 1, n_a, m, T);
  const cast = (t) => toDtype(t, dtype);
  return {
    x: cast(x), a0: cast(a0), da: cast(da),
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, cast(v)])),
  };
}

// The recurrent layers (issue 10), float32, time-major. A layer case at a shape of SHAPES uses I = n_x, H = n_a and
// the same m and T. Parameters are the layer's own seeded initialization (PyTorch's U(-1/sqrt(H), 1/sqrt(H)), seed 1);
// x (T, m, I) and dy (T, m, D·H) are standard normals from seed 1.
export const LAYER_SHAPES = ['small', 'medium', 'large'];
export const LAYER_CASES = {
  Lstm: { cls: 'Lstm', options: {}, shapes: LAYER_SHAPES },
  'Lstm bidirectional': { cls: 'Lstm', options: { bidirectional: true }, shapes: ['medium'] },
  'Lstm 2 layers': { cls: 'Lstm', options: { numLayers: 2 }, shapes: ['medium'] },
  Gru: { cls: 'Gru', options: { resetAfter: true }, shapes: LAYER_SHAPES },
};
/** Variable lengths: m sequences, lengths uniform in [minLength, maxLength] (seed 2), padded to T = maxLength. */
export const VARLEN = { I: 64, H: 128, m: 256, T: 40, minLength: 5, maxLength: 40 };

/** { I, H, m, T } of a layer shape ('varlen' included). */
export function layerSizes(shape) {
  if (shape === 'varlen') return { I: VARLEN.I, H: VARLEN.H, m: VARLEN.m, T: VARLEN.T };
  const { n_x, n_a, m, T } = SHAPES[shape];
  return { I: n_x, H: n_a, m, T };
}

/** The layer's constructor options for a case at a shape. */
export function layerOptions(name, shape) {
  const { I, H } = layerSizes(shape);
  return { inputSize: I, hiddenSize: H, dtype: 'float32', seed: 1, ...LAYER_CASES[name].options };
}

/** A new layer of the case at the shape (`rn` is the rnn-native module). */
export function makeLayer(rn, name, shape) {
  return new rn[LAYER_CASES[name].cls](layerOptions(name, shape));
}

/** { x (T, m, I), dy (T, m, D·H), lengths (for 'varlen') } as float32 tensors, and the sizes. */
export function makeLayerInputs(name, shape) {
  const sizes = layerSizes(shape);
  const { I, H, m, T } = sizes;
  const D = LAYER_CASES[name]?.options.bidirectional ? 2 : 1;
  const r = new RandomState(1);
  const f32 = (t) => ({ data: Float32Array.from(t.data), shape: t.shape });
  const x = f32(r.randn(T, m, I));
  const dy = f32(r.randn(T, m, D * H));
  let lengths;
  if (shape === 'varlen') {
    const g = new RandomState(2);
    const span = VARLEN.maxLength - VARLEN.minLength + 1;
    lengths = Int32Array.from({ length: m }, () => VARLEN.minLength + Math.floor(g.random() * span));
  }
  return { x, dy, lengths, sizes: { ...sizes, D } };
}
