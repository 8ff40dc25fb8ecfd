// rnn-native: vanilla-RNN and LSTM forward and backward passes in native C++ on OpenBLAS.
export type { Float, NestedArray, Tensor, TensorLike } from './tensor';
export { toNested } from './tensor';
export type { Cache, CacheKind } from './caches';
export type {
  RnnBackwardResult,
  RnnCaches,
  RnnCellBackwardResult,
  RnnCellCache,
  RnnCellForwardResult,
  RnnForwardResult,
  RnnParams,
} from './rnn';
export { rnnBackward, rnnCellBackward, rnnCellForward, rnnForward } from './rnn';
export type {
  LstmBackwardResult,
  LstmCaches,
  LstmCellBackwardResult,
  LstmCellCache,
  LstmCellForwardResult,
  LstmForwardOptions,
  LstmForwardResult,
  LstmGateGradients,
  LstmParams,
} from './lstm';
export { lstmBackward, lstmCellBackward, lstmCellForward, lstmForward } from './lstm';
export { sigmoid, softmax } from './activations';
export { RandomState } from './random';
