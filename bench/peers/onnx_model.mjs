// One-node ONNX models (opset 14) of the notebook's layers, built with onnx-proto: an LSTM or RNN operator over
// X (T, m, n_x) from initial_h (1, m, n_a), with the notebook's parameters as initializers in ONNX's layout.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

const valueInfo = (name, dims) => ({
  name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
});
const initializer = (name, dims, data) => ({
  name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

// ONNX stacks gates in the order i, o, f, c; the notebook's W = [Wf; Wi; Wc; Wo] act on [a_prev; x_t], so each gate
// splits into its input part W (n_a, n_x) and its recurrent part R (n_a, n_a). The recurrent bias Rb is zero.
function lstmWeights(params, n_x, n_a) {
  const cols = n_a + n_x;
  const W = new Float32Array(4 * n_a * n_x);
  const R = new Float32Array(4 * n_a * n_a);
  const B = new Float32Array(8 * n_a);
  ['i', 'o', 'f', 'c'].forEach((g, gate) => {
    const Wg = params[`W${g}`].data;
    for (let k = 0; k < n_a; k++) {
      const row = gate * n_a + k;
      for (let j = 0; j < n_a; j++) R[row * n_a + j] = Wg[k * cols + j];
      for (let j = 0; j < n_x; j++) W[row * n_x + j] = Wg[k * cols + n_a + j];
      B[row] = params[`b${g}`].data[k];
    }
  });
  return { W, R, B, gates: 4 };
}

function rnnWeights(params, n_a) {
  const B = new Float32Array(2 * n_a);
  B.set(params.ba.data);
  return { W: Float32Array.from(params.Wax.data), R: Float32Array.from(params.Waa.data), B, gates: 1 };
}

/** The serialized model (a Buffer) of `cell` ('lstm' | 'rnn') with float32 notebook `params`. */
export function buildModel(cell, params, { n_x, n_a, m, T }) {
  const { W, R, B, gates } = cell === 'lstm' ? lstmWeights(params, n_x, n_a) : rnnWeights(params, n_a);
  const attribute = [{ name: 'hidden_size', type: onnx.AttributeProto.AttributeType.INT, i: n_a }];
  if (cell === 'rnn') {
    attribute.push({ name: 'activations', type: onnx.AttributeProto.AttributeType.STRINGS, strings: [Buffer.from('Tanh')] });
  }
  const outputs = cell === 'lstm' ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 14 }],
    producerName: 'rnn-native bench',
    graph: {
      name: `${cell}`,
      node: [{ opType: cell.toUpperCase(), input: ['X', 'W', 'R', 'B', '', 'initial_h'], output: outputs, attribute }],
      initializer: [
        initializer('W', [1, gates * n_a, n_x], W),
        initializer('R', [1, gates * n_a, n_a], R),
        initializer('B', [1, 2 * gates * n_a], B),
      ],
      input: [valueInfo('X', [T, m, n_x]), valueInfo('initial_h', [1, m, n_a])],
      output: outputs.map((name) => valueInfo(name, name === 'Y' ? [T, 1, m, n_a] : [1, m, n_a])),
    },
  });
  return Buffer.from(onnx.ModelProto.encode(model).finish());
}

/** x (n_x, m, T) in the notebook layout as ONNX's X (T, m, n_x); also turns a0 (n_a, m) into initial_h (1, m, n_a). */
export function toTimeMajor(data, n, m, T) {
  const out = new Float32Array(n * m * T);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < T; t++) out[(t * m + j) * n + i] = data[(i * m + j) * T + t];
  return out;
}
