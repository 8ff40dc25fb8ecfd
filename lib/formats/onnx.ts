// exportOnnx and importOnnx (LAYERS.md §4): the layers as a graph of ONNX LSTM / GRU / RNN operators that
// onnxruntime runs (onnx-export.ts), and the layers of such a graph, ours or PyTorch's (onnx-import.ts).
import { onnx } from 'onnx-proto';
import { writeFileAtomic } from '../atomic-write';
import { libraryError } from '../errors';
import { Gru, Lstm, Rnn, type AnyLayer, type LayerDtype } from '../recurrent-layers';
import { readRegularFile } from '../text-file';
import { checkOptions, describe, typedArrayKind } from '../validate';
import { encodeOnnxModel, type LayerSpec } from './onnx-export';
import { readOnnxLayers, type ImportedLayer } from './onnx-import';
import { setNodeWeights } from './onnx-weights';

export interface ExportOnnxOptions {
  /** The ONNX operator set, an integer in [9, 22]. Default 14. */
  opset?: number;
  /** Default false: with true the graph takes `sequence_lens` (int32, m), each sequence's length, after `x`. */
  lengths?: boolean;
}

/** From opset 9 (IR 4, where initializers need not be graph inputs) to 22, the newest LSTM, GRU and RNN. */
const OPSETS = [9, 22] as const;

function layerSpec(value: unknown, name: string): LayerSpec {
  if (!(value instanceof Lstm || value instanceof Gru || value instanceof Rnn)) {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `${name} must be an Lstm, a Gru or an Rnn, got ${describe(value)}`);
  }
  const layer = value as AnyLayer;
  return {
    op: layer instanceof Lstm ? 'LSTM' : layer instanceof Gru ? 'GRU' : 'RNN',
    L: layer.numLayers,
    D: layer.bidirectional ? 2 : 1,
    I: layer.inputSize,
    H: layer.hiddenSize,
    batchMajor: layer.layout === 'batch-major',
    resetAfter: layer instanceof Gru && layer.resetAfter,
    relu: layer instanceof Rnn && layer.nonlinearity === 'relu',
    parameters: layer.parameters,
  };
}

/** The layers of the chain, checked: one dtype, one layout, each reading the output (D·H) of the one before. */
function chain(value: unknown): LayerSpec[] {
  if (!Array.isArray(value)) return [layerSpec(value, 'layer')];
  if (value.length === 0) throw libraryError(RangeError, 'ERR_RNN_VALUE', 'layers must hold at least one layer, got an empty array');
  const layers = value as unknown[];
  const specs = layers.map((layer, i) => layerSpec(layer, `layers[${i}]`));
  specs.forEach((s, i) => {
    if (i === 0) return;
    const previous = specs[i - 1] as LayerSpec;
    const [a, b] = [layers[i - 1] as AnyLayer, layers[i] as AnyLayer];
    if (b.dtype !== a.dtype) throw libraryError(TypeError, 'ERR_RNN_DTYPE', `layers[${i}] is ${b.dtype} but layers[${i - 1}] is ${a.dtype}: a graph has one dtype`);
    if (b.layout !== a.layout) throw libraryError(RangeError, 'ERR_RNN_VALUE', `layers[${i}] is ${b.layout} but layers[${i - 1}] is ${a.layout}: a graph has one layout`);
    if (s.I !== previous.D * previous.H) {
      throw libraryError(RangeError, 'ERR_RNN_SHAPE', `layers[${i}].inputSize must be D·H = ${previous.D}·${previous.H} = ${previous.D * previous.H} ` +
        `(the output of layers[${i - 1}], which it reads), got ${s.I}`);
    }
  });
  return specs;
}

/**
 * Writes `layers` (one layer, or an array of layers that each read the previous one's `y`) to `path` as an ONNX
 * model of LSTM / GRU / RNN operators that onnxruntime runs. Inputs: `x` in the layers' layout, then
 * `sequence_lens` (int32, m) with `lengths: true`, then the initial states `h0` (and `c0` for an LSTM), each
 * (L·D, m, H); outputs `y` (the layout's, D·H last) and the final states `hN` (and `cN`). With an array of several
 * layers the states are per layer: `h0_0`, `c0_0`, `h0_1`, … and `hN_0`, `cN_0`, …. T and m are free. The write is
 * atomic. onnxruntime returns zero final states for a sequence of length 0 where `forward` returns the initial
 * state: the two agree for lengths ≥ 1.
 */
export function exportOnnx(layers: AnyLayer | readonly AnyLayer[], path: string, options?: ExportOnnxOptions): void {
  const specs = chain(layers);
  if (typeof path !== 'string') throw libraryError(TypeError, 'ERR_RNN_TYPE', `path must be a string, got ${describe(path)}`);
  const o = checkOptions(options, 'options', ['opset', 'lengths']);
  let opset = 14;
  if (o.opset !== undefined) {
    if (typeof o.opset !== 'number') throw libraryError(TypeError, 'ERR_RNN_TYPE', `options.opset must be a number, got ${describe(o.opset)}`);
    if (!Number.isInteger(o.opset) || o.opset < OPSETS[0] || o.opset > OPSETS[1]) {
      throw libraryError(RangeError, 'ERR_RNN_VALUE', `options.opset must be an integer in [${OPSETS[0]}, ${OPSETS[1]}], got ${o.opset}`);
    }
    opset = o.opset;
  }
  if (o.lengths !== undefined && typeof o.lengths !== 'boolean') {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `options.lengths must be a boolean, got ${describe(o.lengths)}`);
  }
  writeFileAtomic(path, encodeOnnxModel(specs, { opset, lengths: o.lengths === true }));
}

function buildLayer(spec: ImportedLayer, fail: (problem: string) => Error): AnyLayer {
  const options = {
    inputSize: spec.I, hiddenSize: spec.H, numLayers: spec.L, bidirectional: spec.D === 2,
    layout: spec.batchMajor ? 'batch-major' : 'time-major', dtype: spec.dtype,
  } as const;
  let layer: AnyLayer;
  try {
    if (spec.op === 'LSTM') layer = new Lstm<LayerDtype>(options);
    else if (spec.op === 'GRU') layer = new Gru<LayerDtype>({ ...options, resetAfter: spec.resetAfter });
    else layer = new Rnn<LayerDtype>({ ...options, nonlinearity: spec.relu ? 'relu' : 'tanh' });
  } catch (error) {
    throw fail(`its ${spec.op} layer cannot be built: ${(error as Error).message}`);
  }
  spec.weights.forEach((weights, k) => setNodeWeights(layer.parameters, { op: spec.op, k, D: spec.D, H: spec.H, I: k === 0 ? spec.I : spec.D * spec.H }, weights));
  return layer;
}

/**
 * The recurrent layers of the ONNX model at `pathOrBytes` (a path, or the file's bytes), in graph order: an Lstm,
 * Gru or Rnn per LSTM / GRU / RNN node, consecutive nodes of one stack (PyTorch's `num_layers`) as one layer.
 * `layout = 1`, or an input transposed as PyTorch's `batch_first` exports it, makes a batch-major layer. What the
 * layers do not compute — peepholes, clip, input_forget, other activations — and a corrupt or foreign file are an
 * Error (ERR_RNN_MODEL_FILE) naming the file and the problem.
 */
export function importOnnx(pathOrBytes: string | Uint8Array): AnyLayer[] {
  let bytes: Uint8Array;
  let source: string;
  if (typeof pathOrBytes === 'string') {
    source = pathOrBytes;
    try {
      bytes = readRegularFile(pathOrBytes, `the ONNX model ${pathOrBytes}`);
    } catch (error) {
      if ((error as { code?: unknown }).code === undefined) Object.assign(error as Error, { code: 'ERR_RNN_MODEL_FILE' });
      throw error;
    }
  } else if (typedArrayKind(pathOrBytes) === 'Uint8Array') {
    source = 'the Uint8Array';
    bytes = pathOrBytes;
  } else {
    throw libraryError(TypeError, 'ERR_RNN_TYPE', `pathOrBytes must be a path (a string) or a file's bytes (a Uint8Array), got ${describe(pathOrBytes)}`);
  }
  const corrupt = (problem: string) => libraryError(Error, 'ERR_RNN_MODEL_FILE', `${source} is not a valid ONNX model: ${problem}`);
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw corrupt(`it does not decode as an ONNX ModelProto (${(error as Error).message}; truncated, or not an ONNX file?)`);
  }
  if (!model.graph) throw corrupt('it has no graph');
  if (!(model.opsetImport ?? []).some((o) => !o.domain || o.domain === 'ai.onnx')) throw corrupt('it imports no version of the ONNX operator set (ai.onnx)');
  const refuse = (problem: string) => libraryError(Error, 'ERR_RNN_MODEL_FILE', `cannot import ${source}: ${problem}`);
  return readOnnxLayers(model, refuse).map((spec) => buildLayer(spec, refuse));
}
