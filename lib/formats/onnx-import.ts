// Reading the recurrent layers of an ONNX graph (LAYERS.md §4): every LSTM / GRU / RNN node, in graph order, checked
// against what the layers compute, and consecutive nodes that form one stack merged into one layer.
//
// - A node's W, R and B must be constants (initializers, Constant nodes, through Identity). Its other inputs are
//   not read: sequence_lens and the initial states are the caller's (a graph that builds zero states with Shape,
//   Gather, Expand… as PyTorch's exporter does reads like one that takes them as inputs).
// - Refused, naming the attribute or input: peepholes P (unless all zero), clip, input_forget, activations other
//   than the defaults (Sigmoid, Tanh, Tanh for LSTM; Sigmoid, Tanh for GRU; Tanh or Relu for RNN, the same in both
//   directions), a reverse-only direction, a hidden_size that is not R's, and attributes ONNX does not define.
// - Stacks: a node joins the previous node's layer when it is of the same kind (operator, D, H, GRU
//   linear_before_reset, RNN activation, layout, dtype), reads D·H features, and its X is the previous node's Y
//   through shape operators only (Squeeze, Transpose, Reshape…). A file of exportOnnx records its split instead.
// - Layout: `layout = 1`, or an X that is the graph's input through Transpose (1, 0, 2) as PyTorch's batch_first
//   and exportOnnx write it, is batch-major; a layer that reads another layer's output has that layer's layout.
import { onnx } from 'onnx-proto';
import type { Float } from '../tensor';
import { LAYERS_METADATA_KEY } from './onnx-export';
import { floatConstant, integer, type FloatConstant } from './onnx-tensor';
import { GATES, type NodeWeights, type OnnxLayerShape, type RecurrentOp } from './onnx-weights';

/** One layer of the graph: a stack of L nodes. */
export interface ImportedLayer extends OnnxLayerShape {
  readonly dtype: 'float32' | 'float64';
  /** Node k's W, R, B. */
  readonly weights: readonly NodeWeights[];
}

type Fail = (problem: string) => Error;

/** A node as read: its kind, sizes and weights, and the value names that place it in the graph. */
interface ReadNode {
  readonly label: string;
  readonly op: RecurrentOp;
  readonly D: number;
  readonly I: number;
  readonly H: number;
  readonly layout: number;
  readonly resetAfter: boolean;
  readonly relu: boolean;
  readonly dtype: 'float32' | 'float64';
  readonly weights: NodeWeights;
  readonly X: string;
  readonly Y: string;
}

const RECURRENT_OPS: readonly string[] = ['LSTM', 'GRU', 'RNN'] satisfies RecurrentOp[];
const SHAPE_OPS: readonly string[] = ['Identity', 'Squeeze', 'Unsqueeze', 'Reshape', 'Transpose', 'Flatten', 'Dropout'];
const ATTRIBUTES: Readonly<Record<RecurrentOp, readonly string[]>> = {
  LSTM: ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'input_forget', 'layout'],
  GRU: ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'linear_before_reset', 'layout'],
  RNN: ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'layout'],
};
const DEFAULT_ACTIVATIONS: Readonly<Record<RecurrentOp, readonly string[]>> = { LSTM: ['Sigmoid', 'Tanh', 'Tanh'], GRU: ['Sigmoid', 'Tanh'], RNN: ['Tanh'] };
const { INT, STRING, STRINGS, TENSOR } = onnx.AttributeProto.AttributeType;
const utf8 = new TextDecoder();

const isDefaultDomain = (domain: string | null | undefined) => !domain || domain === 'ai.onnx';

/** The values of a graph: initializers, and what produced each name. */
class Graph {
  readonly #initializers = new Map<string, onnx.ITensorProto>();
  readonly #producers = new Map<string, onnx.INodeProto>();
  readonly #inputs: ReadonlySet<string>;
  readonly #fail: Fail;

  constructor(graph: onnx.IGraphProto, fail: Fail) {
    for (const t of graph.initializer ?? []) this.#initializers.set(t.name ?? '', t);
    for (const node of graph.node ?? []) for (const out of node.output ?? []) this.#producers.set(out, node);
    this.#inputs = new Set((graph.input ?? []).map((v) => v.name ?? '').filter((name) => !this.#initializers.has(name)));
    this.#fail = fail;
  }

  /** The constant `name` (an initializer, a Constant node's value, through Identity), or undefined when it is computed. */
  constant(name: string, what: string): FloatConstant | undefined {
    for (let steps = 0; steps <= this.#producers.size; ++steps) {
      const t = this.#initializers.get(name);
      if (t) return floatConstant(t, what, this.#fail);
      const node = this.#producers.get(name);
      if (node?.opType === 'Identity' && isDefaultDomain(node.domain)) {
        name = node.input?.[0] ?? '';
        continue;
      }
      const value = node?.opType === 'Constant' ? node.attribute?.find((a) => a.name === 'value' && a.type === TENSOR)?.t : undefined;
      return value ? floatConstant(value, what, this.#fail) : undefined;
    }
    return undefined;
  }

  /** What `name` is before shape operators: followed back through them to the first other value. */
  source(name: string): { name: string; batchFirstInput: boolean } {
    let batchFirstInput = false;
    for (let steps = 0; steps <= this.#producers.size; ++steps) {
      const node = this.#producers.get(name);
      if (!node || !isDefaultDomain(node.domain) || !SHAPE_OPS.includes(node.opType ?? '')) break;
      const perm = node.opType === 'Transpose' ? node.attribute?.find((a) => a.name === 'perm')?.ints?.map(integer) : undefined;
      const input = node.input?.[0] ?? '';
      if (perm?.join() === '1,0,2' && this.#inputs.has(input)) batchFirstInput = true;
      name = input;
    }
    return { name, batchFirstInput };
  }
}

function stringsOf(a: onnx.IAttributeProto): string[] {
  return (a.strings ?? []).map((s) => utf8.decode(s));
}

/** Reads and checks one LSTM / GRU / RNN node. */
function readNode(node: onnx.INodeProto, index: number, graph: Graph, fail: Fail): ReadNode {
  const op = node.opType as RecurrentOp;
  const label = `node ${node.name ? `"${node.name}"` : index} (${op})`;
  const refuse = (problem: string) => fail(`${label} ${problem}`);
  const attributes = new Map<string, onnx.IAttributeProto>();
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    if (!ATTRIBUTES[op].includes(name)) throw refuse(`has the attribute ${name}, which ONNX's ${op} does not define`);
    attributes.set(name, a);
  }
  const int = (name: string, fallback: number, allowed: readonly number[]): number => {
    const a = attributes.get(name);
    if (a === undefined) return fallback;
    const value = integer(a.i);
    if (a.type !== INT || !allowed.includes(value)) throw refuse(`has ${name} = ${a.type === INT ? value : '(not an int)'}, expected ${allowed.join(' or ')}`);
    return value;
  };
  const string = (name: string): string | undefined => {
    const a = attributes.get(name);
    if (a === undefined) return undefined;
    if (a.type !== STRING) throw refuse(`has a ${name} attribute that is not a string`);
    return utf8.decode(a.s ?? new Uint8Array(0));
  };

  if (attributes.has('clip')) throw refuse('has the attribute clip (cell clipping), which the layers do not compute');
  if (int('input_forget', 0, [0, 1]) === 1) throw refuse('has input_forget = 1 (coupled input and forget gates), which the layers do not compute');
  const direction = string('direction') ?? 'forward';
  if (direction !== 'forward' && direction !== 'bidirectional') {
    throw refuse(`has direction = "${direction}": the layers compute "forward" or "bidirectional"${direction === 'reverse' ? ' (a reverse-only layer has no forward direction)' : ''}`);
  }
  const D = direction === 'bidirectional' ? 2 : 1;
  const layout = int('layout', 0, [0, 1]);
  const resetAfter = int('linear_before_reset', 0, [0, 1]) === 1;

  let relu = false;
  const activations = attributes.get('activations');
  if (activations !== undefined) {
    const names = activations.type === STRINGS ? stringsOf(activations) : [];
    const defaults = DEFAULT_ACTIVATIONS[op];
    const expected = Array.from({ length: D }, () => defaults).flat();
    const lower = names.map((n) => n.toLowerCase());
    const same = (list: readonly string[]) => list.length === lower.length && list.every((n, i) => n.toLowerCase() === lower[i]);
    relu = op === 'RNN' && same(Array.from({ length: D }, () => 'Relu'));
    if (!same(expected) && !relu) {
      const allowed = op === 'RNN' ? `[${expected.join(', ')}] or [${expected.map(() => 'Relu').join(', ')}]` : `[${expected.join(', ')}]`;
      throw refuse(`has activations = [${names.join(', ')}], which the layers do not compute: ${op} takes ${allowed}`);
    }
  }

  const input = (i: number) => node.input?.[i] ?? '';
  const G = GATES[op];
  const weight = (i: number, role: string): FloatConstant | undefined => {
    if (input(i) === '') return undefined;
    const value = graph.constant(input(i), `${label} input ${role}`);
    if (value === undefined) throw refuse(`has an input ${role} that is computed in the graph, not a constant (an initializer)`);
    return value;
  };
  const W = weight(1, 'W');
  const R = weight(2, 'R');
  if (W === undefined || R === undefined) throw refuse('lacks its input W or R');
  const [Dw, GHw, I] = W.dims;
  const [Dr, GHr, H] = R.dims;
  if (W.dims.length !== 3 || R.dims.length !== 3 || Dw !== D || Dr !== D || H === undefined || H < 1 || I === undefined || I < 1 || GHw !== G * H || GHr !== G * H) {
    throw refuse(`has W [${W.dims.join(', ')}] and R [${R.dims.join(', ')}], expected W (D, ${G}·H, I) and R (D, ${G}·H, H) with D = ${D} (direction "${direction}")`);
  }
  const hiddenSize = attributes.get('hidden_size');
  if (hiddenSize !== undefined && (hiddenSize.type !== INT || integer(hiddenSize.i) !== H)) {
    throw refuse(`has hidden_size = ${hiddenSize.type === INT ? integer(hiddenSize.i) : '(not an int)'}, but its R [${R.dims.join(', ')}] is of hidden size ${H}`);
  }
  const dtype = W.values instanceof Float64Array ? 'float64' : 'float32';
  const sameType = (c: FloatConstant) => (c.values instanceof Float64Array ? 'float64' : 'float32') === dtype;
  if (!sameType(R)) throw refuse('has W and R of different element types');
  const B = weight(3, 'B');
  if (B !== undefined && (B.dims.length !== 2 || B.dims[0] !== D || B.dims[1] !== 2 * G * H || !sameType(B))) {
    throw refuse(`has B [${B.dims.join(', ')}], expected (D, 2·${G}·H) = (${D}, ${2 * G * H}) of W's element type`);
  }
  if (op === 'LSTM') {
    const P = weight(7, 'P');
    if (P !== undefined && P.values.some((v) => v !== 0)) throw refuse('has peepholes P, which the layers do not compute');
  }
  const bias = B?.values ?? new (dtype === 'float64' ? Float64Array : Float32Array)(D * 2 * G * H);
  return {
    label, op, D, I, H, layout, resetAfter, relu, dtype,
    weights: { W: W.values, R: R.values, B: bias as Float },
    X: input(0), Y: node.output?.[0] ?? '',
  };
}

/** Can `next` be layer k + 1 of the stack whose last node is `previous`? */
function continues(previous: ReadNode, next: ReadNode, graph: Graph): boolean {
  const same = previous.op === next.op && previous.D === next.D && previous.H === next.H && previous.layout === next.layout &&
    previous.resetAfter === next.resetAfter && previous.relu === next.relu && previous.dtype === next.dtype;
  return same && next.I === next.D * next.H && previous.Y !== '' && graph.source(next.X).name === previous.Y;
}

/** The numbers of nodes per layer that exportOnnx recorded, or undefined for another producer's file. */
function recordedSplit(model: onnx.IModelProto, count: number, fail: Fail): number[] | undefined {
  const entry = (model.metadataProps ?? []).find((p) => p.key === LAYERS_METADATA_KEY);
  if (entry === undefined) return undefined;
  let split: unknown;
  try {
    split = JSON.parse(entry.value ?? '');
  } catch {
    split = undefined;
  }
  if (!Array.isArray(split) || !split.every((n) => Number.isSafeInteger(n) && n >= 1) || split.reduce((a: number, b: number) => a + b, 0) !== count) {
    throw fail(`its metadata ${LAYERS_METADATA_KEY} = ${JSON.stringify(entry.value)} does not split its ${count} recurrent nodes into layers`);
  }
  return split as number[];
}

/** The recurrent layers of `model` (a ModelProto with a graph), in graph order. */
export function readOnnxLayers(model: onnx.IModelProto, fail: Fail): ImportedLayer[] {
  const g = model.graph ?? {};
  const graph = new Graph(g, fail);
  const nodes = (g.node ?? []).map((node, index) => ({ node, index })).filter(({ node }) => isDefaultDomain(node.domain) && RECURRENT_OPS.includes(node.opType ?? ''));
  if (nodes.length === 0) throw fail('its graph has no LSTM, GRU or RNN node');
  const read = nodes.map(({ node, index }) => readNode(node, index, graph, fail));
  const split = recordedSplit(model, read.length, fail);

  const stacks: ReadNode[][] = [];
  read.forEach((n) => {
    const stack = stacks.at(-1);
    const previous = stack?.at(-1);
    const joins = split ? stack !== undefined && stack.length < (split[stacks.length - 1] as number) : previous !== undefined && continues(previous, n, graph);
    if (joins && stack && previous) {
      if (!continues(previous, n, graph)) throw fail(`${n.label} does not continue the stack of ${previous.label}, as its metadata ${LAYERS_METADATA_KEY} says`);
      stack.push(n);
    } else {
      stacks.push([n]);
    }
  });

  const layers: ImportedLayer[] = [];
  const layoutOf = new Map<string, boolean>();
  for (const stack of stacks) {
    const first = stack[0] as ReadNode;
    const last = stack[stack.length - 1] as ReadNode;
    const source = graph.source(first.X);
    const batchMajor = first.layout === 1 || source.batchFirstInput || (layoutOf.get(source.name) ?? false);
    layoutOf.set(last.Y, batchMajor);
    layers.push({
      op: first.op, L: stack.length, D: first.D, I: first.I, H: first.H, batchMajor, resetAfter: first.resetAfter, relu: first.relu, dtype: first.dtype,
      weights: stack.map((n) => n.weights),
    });
  }
  return layers;
}
