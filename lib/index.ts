// rnn-native: LSTM, GRU and RNN layers, the notebook functions, heads, optimizers and model files, in native C++ on OpenBLAS.
export type { Float, NestedArray, Tensor, TensorLike } from './tensor';
export { toNested } from './nested';
export type { Cache, CacheKind } from './caches';
export type {
  RnnBackwardResult,
  RnnCaches,
  RnnCellBackwardResult,
  RnnCellCache,
  RnnCellForwardResult,
  RnnFloat,
  RnnForwardResult,
  RnnParams,
} from './rnn';
export { rnnBackward, rnnBackwardAsync, rnnCellBackward, rnnCellForward, rnnForward, rnnForwardAsync } from './rnn';
export type {
  LstmBackwardResult,
  LstmCaches,
  LstmCellBackwardResult,
  LstmCellCache,
  LstmCellForwardResult,
  LstmForwardOptions,
  LstmFloat,
  LstmForwardResult,
  LstmGateGradients,
  LstmParams,
} from './lstm';
export { lstmBackward, lstmBackwardAsync, lstmCellBackward, lstmCellForward, lstmForward, lstmForwardAsync } from './lstm';
export { sigmoid, softmax } from './activations';
export { RandomState } from './random';
export type { BlasInfo, KernelInfo } from './blas';
export { blasInfo, getNumThreads, kernelInfo, setNumThreads } from './blas';
export type { ClassIds, OutputLayerBackwardResult, OutputLayerParams, SoftmaxCrossEntropyOptions, SoftmaxCrossEntropyResult, Targets } from './loss';
export { outputLayerBackward, softmaxCrossEntropy } from './loss';
export type { LinearBackwardResult, LinearForwardResult, LinearOptions, LinearParameters, LinearTape } from './linear';
export { Linear } from './linear';
export type { Layout, Lengths } from './sequences';
export type { Dtype, InitialPrediction, InitOptions, LstmInitOptions, LstmInitialParams, RnnInitialParams } from './init';
export { glorotUniform, initLstmParams, initRnnParams } from './init';
export type { AdamOptions, SgdOptions, TensorDict } from './optimizers';
export { Adam, Sgd, clipByGlobalNorm, clipByValue, globalNorm } from './optimizers';
export type { CellKind, CharModelOptions, SampleOptions, TrainBatch, TrainOptions } from './model';
export { CharModel } from './model';
export type {
  BackwardOptions,
  BackwardResult,
  ForwardOptions,
  ForwardResult,
  GruOptions,
  LayerDtype,
  LstmBackwardOptions as LstmLayerBackwardOptions,
  LstmBackwardResult as LstmLayerBackwardResult,
  LstmForwardOptions as LstmLayerForwardOptions,
  LstmForwardResult as LstmLayerForwardResult,
  AnyLayer,
  PyTorchOptions,
  RecurrentOptions,
  RnnPyTorchOptions,
  RnnOptions,
  TapeOf,
} from './recurrent-layers';
export type { Tape } from './recurrent-layers';
export { Gru, Lstm, Rnn } from './recurrent-layers';
export { loadLayer } from './layer-readers';
export type { ExportOnnxOptions } from './formats/onnx';
export { exportOnnx, importOnnx } from './formats/onnx';
export type { ErrorCode, RnnError } from './errors';
export type { ArgumentFloat, CallFloat, DtypeFloat, LayerFloat, OnlyKeysOf, OptionsDtype, Prediction, TensorFloat } from './typing';
