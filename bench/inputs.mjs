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
