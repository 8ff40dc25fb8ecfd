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

// The recurrent layers (bench/inputs.mjs LAYER_CASES) as ONNX graphs of LSTM / GRU operators, one node per layer, with
// the layer's own parameters (PyTorch names and gate order) mapped to ONNX's: W (D, G·H, I_k), R (D, G·H, H),
// B (D, 2·G·H) = [bias_ih; bias_hh], gate blocks LSTM i, o, f, c (PyTorch i, f, g, o) and GRU z, r, h (PyTorch r, z, n),
// GRU with linear_before_reset = 1 (PyTorch's and our resetAfter = true). Between layers, Y (T, D, m, H) becomes the
// next node's X (T, m, D·H): Squeeze(axis 1) when D = 1, Transpose(0, 2, 1, 3) then Reshape(0, 0, -1) when D = 2.
// Graph input X (T, m, I); outputs the last node's Y (T, D, m, H) and every node's Y_h (and Y_c). Zero initial states.
const GATE_ORDER = { lstm: [0, 3, 1, 2], gru: [1, 0, 2] };
const INT = onnx.AttributeProto.AttributeType.INT;
const INTS = onnx.AttributeProto.AttributeType.INTS;
const STRING = onnx.AttributeProto.AttributeType.STRING;
const INT64 = onnx.TensorProto.DataType.INT64;

/** rows of `source` (G·H, cols) with gate blocks reordered to ONNX, written at `out[offset]` */
function reorderGates(out, offset, source, order, H, cols) {
  order.forEach((from, to) => out.set(source.subarray(from * H * cols, (from + 1) * H * cols), offset + to * H * cols));
}

/** The serialized model of `layer` (an Lstm or Gru, float32, time-major) for x (T, m, I). */
export function buildLayerModel(layer, { T, m }) {
  const cell = layer.constructor.name === 'Lstm' ? 'lstm' : 'gru';
  if (cell === 'gru' && !layer.resetAfter) throw new Error('buildLayerModel: only resetAfter = true GRUs (linear_before_reset = 1)');
  const order = GATE_ORDER[cell];
  const G = order.length;
  const { hiddenSize: H, inputSize: I, numLayers: L } = layer;
  const D = layer.bidirectional ? 2 : 1;
  const p = layer.parameters;
  const nodes = [];
  const initializers = [];
  const outputs = [];
  let input = 'X';
  for (let k = 0; k < L; k++) {
    const Ik = k === 0 ? I : D * H;
    const W = new Float32Array(D * G * H * Ik);
    const R = new Float32Array(D * G * H * H);
    const B = new Float32Array(D * 2 * G * H);
    for (let d = 0; d < D; d++) {
      const s = `l${k}${d === 1 ? '_reverse' : ''}`;
      reorderGates(W, d * G * H * Ik, p[`weight_ih_${s}`].data, order, H, Ik);
      reorderGates(R, d * G * H * H, p[`weight_hh_${s}`].data, order, H, H);
      reorderGates(B, d * 2 * G * H, p[`bias_ih_${s}`].data, order, H, 1);
      reorderGates(B, d * 2 * G * H + G * H, p[`bias_hh_${s}`].data, order, H, 1);
    }
    initializers.push(initializer(`W${k}`, [D, G * H, Ik], W), initializer(`R${k}`, [D, G * H, H], R), initializer(`B${k}`, [D, 2 * G * H], B));
    const attribute = [{ name: 'hidden_size', type: INT, i: H }];
    if (D === 2) attribute.push({ name: 'direction', type: STRING, s: Buffer.from('bidirectional') });
    if (cell === 'gru') attribute.push({ name: 'linear_before_reset', type: INT, i: 1 });
    const Y = k === L - 1 ? 'Y' : `Y${k}`;
    const nodeOutputs = [Y, `Y_h${k}`, ...(cell === 'lstm' ? [`Y_c${k}`] : [])];
    nodes.push({ opType: cell.toUpperCase(), name: `${cell}${k}`, input: [input, `W${k}`, `R${k}`, `B${k}`], output: nodeOutputs, attribute });
    outputs.push(...nodeOutputs.slice(1).map((name) => valueInfo(name, [D, m, H])));
    if (k < L - 1) {
      const next = `X${k + 1}`;
      if (D === 1) {
        initializers.push({ name: `axes${k}`, dims: [1], dataType: INT64, int64Data: [1] });
        nodes.push({ opType: 'Squeeze', input: [Y, `axes${k}`], output: [next] });
      } else {
        initializers.push({ name: `shape${k}`, dims: [3], dataType: INT64, int64Data: [0, 0, -1] });
        nodes.push({ opType: 'Transpose', input: [Y], output: [`${Y}_t`], attribute: [{ name: 'perm', type: INTS, ints: [0, 2, 1, 3] }] });
        nodes.push({ opType: 'Reshape', input: [`${Y}_t`, `shape${k}`], output: [next] });
      }
      input = next;
    }
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 14 }],
    producerName: 'rnn-native bench',
    graph: {
      name: `${cell} L=${L} D=${D}`,
      node: nodes,
      initializer: initializers,
      input: [valueInfo('X', [T, m, I])],
      output: [valueInfo('Y', [T, D, m, H]), ...outputs],
    },
  });
  return Buffer.from(onnx.ModelProto.encode(model).finish());
}

/** max |ONNX Y[t, d, b, j] - ours y[t, b, d·H + j]| over (T, D, m, H). */
export function maxLayerDifference(Y, y, { T, m, H, D }) {
  let max = 0;
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) for (let b = 0; b < m; b++) for (let j = 0; j < H; j++) {
    max = Math.max(max, Math.abs(Y[((t * D + d) * m + b) * H + j] - y[(t * m + b) * D * H + d * H + j]));
  }
  return max;
}
