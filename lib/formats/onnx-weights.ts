// One layer k of a stack (both directions) as the W, R, B inputs of one ONNX LSTM / GRU / RNN node, and back:
//
//   W (D, G·H, I_k) = [weight_ih_l{k}; weight_ih_l{k}_reverse]   R (D, G·H, H) = the weight_hh
//   B (D, 2·G·H), row d = [bias_ih | bias_hh]
//
// with the gate blocks in ONNX's order: LSTM i, o, f, c (PyTorch's i, f, g, o); GRU z, r, h (PyTorch's r, z, n);
// RNN one block. The values are copied, never converted: a round trip is bit for bit.
import type { Float } from '../tensor';

/** The ONNX operators of the layers. */
export type RecurrentOp = 'LSTM' | 'GRU' | 'RNN';

/** G, the gate blocks of each operator. */
export const GATES: Readonly<Record<RecurrentOp, number>> = { LSTM: 4, GRU: 3, RNN: 1 };

/** ONNX's gate block j is PyTorch's block TORCH_BLOCK[op][j]. */
const TORCH_BLOCK: Readonly<Record<RecurrentOp, readonly number[]>> = { LSTM: [0, 3, 1, 2], GRU: [1, 0, 2], RNN: [0] };

/** The W, R, B of one node, row-major in the shapes above. */
export interface NodeWeights {
  readonly W: Float;
  readonly R: Float;
  readonly B: Float;
}

/** What places one layer of a stack: its operator, index k, directions D, hidden size H and input size I_k. */
export interface StackLayer {
  readonly op: RecurrentOp;
  readonly k: number;
  readonly D: number;
  readonly H: number;
  readonly I: number;
}

/** What an ONNX graph says of one layer (a stack of L layers of D directions), exported or imported. */
export interface OnnxLayerShape {
  readonly op: RecurrentOp;
  readonly L: number;
  readonly D: number;
  readonly I: number;
  readonly H: number;
  readonly batchMajor: boolean;
  /** GRU: linear_before_reset. */
  readonly resetAfter: boolean;
  /** RNN: Relu instead of Tanh. */
  readonly relu: boolean;
}

type Parameters = Readonly<Record<string, { readonly data: Float }>>;

const suffix = (k: number, d: number) => `l${k}${d === 1 ? '_reverse' : ''}`;

function parameter(parameters: Parameters, name: string): Float {
  const p = parameters[name];
  if (p === undefined) throw new Error(`internal: the layer has no parameter ${name}`);
  return p.data;
}

/** Copies the G blocks of `block` values between PyTorch's order (`torch`) and ONNX's (`onnxData` at `onnxOffset`), as `toOnnx` says. */
function copyBlocks(op: RecurrentOp, block: number, torch: Float, onnxData: Float, onnxOffset: number, toOnnx: boolean): void {
  TORCH_BLOCK[op].forEach((from, to) => {
    const t = from * block;
    const o = onnxOffset + to * block;
    if (toOnnx) onnxData.set(torch.subarray(t, t + block), o);
    else torch.set(onnxData.subarray(o, o + block), t);
  });
}

/** Visits every (PyTorch tensor, ONNX array, offset there, block size) pair of layer `s` in `weights`. */
function eachPair(parameters: Parameters, s: StackLayer, weights: NodeWeights, visit: (torch: Float, onnxData: Float, offset: number, block: number) => void): void {
  const { k, D, H, I } = s;
  const GH = GATES[s.op] * H;
  for (let d = 0; d < D; ++d) {
    const n = suffix(k, d);
    visit(parameter(parameters, `weight_ih_${n}`), weights.W, d * GH * I, H * I);
    visit(parameter(parameters, `weight_hh_${n}`), weights.R, d * GH * H, H * H);
    visit(parameter(parameters, `bias_ih_${n}`), weights.B, d * 2 * GH, H);
    visit(parameter(parameters, `bias_hh_${n}`), weights.B, d * 2 * GH + GH, H);
  }
}

/** The W, R, B of layer `s` of a stack with `parameters` (new arrays of the parameters' dtype). */
export function nodeWeights(parameters: Parameters, s: StackLayer, ArrayType: Float32ArrayConstructor | Float64ArrayConstructor): NodeWeights {
  const GH = GATES[s.op] * s.H;
  const weights = { W: new ArrayType(s.D * GH * s.I), R: new ArrayType(s.D * GH * s.H), B: new ArrayType(s.D * 2 * GH) };
  eachPair(parameters, s, weights, (torch, onnxData, offset, block) => copyBlocks(s.op, block, torch, onnxData, offset, true));
  return weights;
}

/** Sets the parameters of layer `s` of a stack from W, R, B of its node (checked to have the sizes of `s`). */
export function setNodeWeights(parameters: Parameters, s: StackLayer, weights: NodeWeights): void {
  eachPair(parameters, s, weights, (torch, onnxData, offset, block) => copyBlocks(s.op, block, torch, onnxData, offset, false));
}
