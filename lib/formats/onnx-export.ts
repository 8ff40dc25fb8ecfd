// The ONNX graph of a chain of layers (LAYERS.md §4): one LSTM / GRU / RNN node per layer of each stack, joined so
// that onnxruntime's CPU kernels run it.
//
//   x ─[Transpose (1, 0, 2) if batch-major]─▶ node ─▶ Y (T, D, m, H) ─[Squeeze axis 1 | Transpose (0, 2, 1, 3),
//   Reshape (0, 0, −1)]─▶ (T, m, D·H) ─▶ next node … ─▶ last Y ─[the same, or Transpose (2, 0, 1, 3) and Reshape
//   when batch-major]─▶ y
//
// Nodes always run time-major (layout 0: onnxruntime's CPU kernels refuse layout 1). A stack's initial states
// (L·D, m, H) are split per node by Gather on axis 0 and its nodes' final states joined by Concat; the inputs are x,
// sequence_lens (int32, m) with `lengths`, then h0 and c0 of each layer, the outputs y, then hN and cN of each layer:
// named h0, c0, hN, cN for one layer, h0_0, c0_0, hN_0, … for a chain. T and m are symbolic dims.
import { onnx } from 'onnx-proto';
import type { Float } from '../tensor';
import { DataType, elementType, floatTensor, int64Tensor } from './onnx-tensor';
import { GATES, nodeWeights, type OnnxLayerShape } from './onnx-weights';

/** What the graph needs of one layer (a stack of L layers of D directions). */
export interface LayerSpec extends OnnxLayerShape {
  readonly parameters: Readonly<Record<string, { readonly data: Float }>>;
}

export interface ExportSettings {
  readonly opset: number;
  readonly lengths: boolean;
}

/** The metadata key that records how many nodes each layer of the chain has, so importOnnx splits it the same way. */
export const LAYERS_METADATA_KEY = 'rnn-native.numLayers';

/** The IR version of each opset from 9 (onnx/helper.py VERSION_TABLE): the oldest IR that an opset's runtime reads. */
function irVersion(opset: number): number {
  if (opset <= 11) return opset - 5;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

const { INT, INTS, STRING, STRINGS } = onnx.AttributeProto.AttributeType;
const text = (s: string) => new TextEncoder().encode(s);

/** A value_info of element type `type` with dims that are numbers or symbols. */
function valueInfo(name: string, type: number, dims: readonly (number | string)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: type, shape: { dim } } } };
}

/** Builds the nodes and initializers of the graph, naming values uniquely. */
class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly #opset: number;

  constructor(opset: number) {
    this.#opset = opset;
  }

  node(opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = [], name = output[0] as string): void {
    this.nodes.push({ opType, name, input, output, attribute });
  }

  int64(name: string, values: readonly number[]): string {
    this.initializers.push(int64Tensor(name, [values.length], values));
    return name;
  }

  /** Y (T, D, m, H) of a node as (T, m, D·H), or (m, T, D·H) when `batchMajor`, in `out`. */
  joinDirections(Y: string, D: number, batchMajor: boolean, out: string): void {
    if (D === 1 && !batchMajor) {
      if (this.#opset >= 13) this.node('Squeeze', [Y, this.int64(`${out}.axes`, [1])], [out]);
      else this.node('Squeeze', [Y], [out], [{ name: 'axes', type: INTS, ints: [1] }]);
      return;
    }
    const perm = batchMajor ? [2, 0, 1, 3] : [0, 2, 1, 3];
    this.node('Transpose', [Y], [`${out}.transposed`], [{ name: 'perm', type: INTS, ints: perm }]);
    this.node('Reshape', [`${out}.transposed`, this.int64(`${out}.shape`, [0, 0, -1])], [out]);
  }
}

/** The serialized ModelProto of the chain `layers` (checked: one dtype, one layout, each reading the previous one's y). */
export function encodeOnnxModel(layers: readonly LayerSpec[], { opset, lengths }: ExportSettings): Uint8Array {
  const first = layers[0] as LayerSpec;
  const last = layers[layers.length - 1] as LayerSpec;
  const sample = Object.values(first.parameters)[0]?.data as Float;
  const type = elementType(sample);
  const ArrayType = sample instanceof Float64Array ? Float64Array : Float32Array;
  const batchMajor = first.batchMajor;
  const sequence = (features: number) => (batchMajor ? ['m', 'T', features] : ['T', 'm', features]);
  const g = new GraphBuilder(opset);
  const inputs = [valueInfo('x', type, sequence(first.I))];
  const outputs = [valueInfo('y', type, sequence(last.D * last.H))];
  if (lengths) inputs.push(valueInfo('sequence_lens', DataType.INT32, ['m']));
  let X = 'x';
  if (batchMajor) {
    g.node('Transpose', ['x'], ['x.time_major'], [{ name: 'perm', type: INTS, ints: [1, 0, 2] }]);
    X = 'x.time_major';
  }
  layers.forEach((layer, i) => {
    const { op, L, D, H } = layer;
    const id = layers.length === 1 ? '' : `_${i}`;
    const states = op === 'LSTM' ? (['h', 'c'] as const) : (['h'] as const);
    for (const s of states) {
      inputs.push(valueInfo(`${s}0${id}`, type, [L * D, 'm', H]));
      outputs.push(valueInfo(`${s}N${id}`, type, [L * D, 'm', H]));
    }
    const finals: Record<string, string[]> = { h: [], c: [] };
    for (let k = 0; k < L; ++k) {
      const name = `layer${i}.l${k}`;
      const I = k === 0 ? layer.I : D * H;
      const { W, R, B } = nodeWeights(layer.parameters, { op, k, D, H, I }, ArrayType);
      const G = GATES[op];
      g.initializers.push(floatTensor(`${name}.W`, [D, G * H, I], W), floatTensor(`${name}.R`, [D, G * H, H], R), floatTensor(`${name}.B`, [D, 2 * G * H], B));
      const rows = L === 1 ? '' : g.int64(`${name}.rows`, Array.from({ length: D }, (_, d) => k * D + d));
      const initial = states.map((s) => {
        if (L === 1) return `${s}0${id}`;
        g.node('Gather', [`${s}0${id}`, rows], [`${name}.${s}0`], [{ name: 'axis', type: INT, i: 0 }]);
        return `${name}.${s}0`;
      });
      const Y = `${name}.Y`;
      const finalNames = states.map((s) => (L === 1 ? `${s}N${id}` : `${name}.${s}N`));
      states.forEach((s, j) => finals[s]?.push(finalNames[j] as string));
      const attribute: onnx.IAttributeProto[] = [{ name: 'hidden_size', type: INT, i: H }];
      if (D === 2) attribute.push({ name: 'direction', type: STRING, s: text('bidirectional') });
      if (op === 'GRU') attribute.push({ name: 'linear_before_reset', type: INT, i: layer.resetAfter ? 1 : 0 });
      if (op === 'RNN') attribute.push({ name: 'activations', type: STRINGS, strings: Array.from({ length: D }, () => text(layer.relu ? 'Relu' : 'Tanh')) });
      const input = [X, `${name}.W`, `${name}.R`, `${name}.B`, lengths ? 'sequence_lens' : '', ...initial];
      g.node(op, input, [Y, ...finalNames], attribute, name);
      const isLast = i === layers.length - 1 && k === L - 1;
      X = isLast ? 'y' : `${name}.y`;
      g.joinDirections(Y, D, isLast && batchMajor, X);
    }
    if (L > 1) for (const s of states) g.node('Concat', finals[s] as string[], [`${s}N${id}`], [{ name: 'axis', type: INT, i: 0 }]);
  });
  const model = onnx.ModelProto.create({
    irVersion: irVersion(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'rnn-native',
    metadataProps: [{ key: LAYERS_METADATA_KEY, value: JSON.stringify(layers.map((l) => l.L)) }],
    graph: { name: 'rnn-native', node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}
