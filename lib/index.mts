// The ES module entry: the same functions as the CommonJS entry (index.ts), re-exported by name.
import api from './index.js';

export const {
  rnnCellForward,
  rnnForward,
  rnnForwardAsync,
  rnnCellBackward,
  rnnBackward,
  rnnBackwardAsync,
  lstmCellForward,
  lstmForward,
  lstmForwardAsync,
  lstmCellBackward,
  lstmBackward,
  lstmBackwardAsync,
  softmax,
  sigmoid,
  toNested,
  RandomState,
  setNumThreads,
  getNumThreads,
  blasInfo,
} = api;
export type * from './index.js';
