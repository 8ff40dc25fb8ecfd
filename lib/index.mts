// The ES module entry: the same functions as the CommonJS entry (index.ts), re-exported by name.
import api from './index.js';

export const {
  rnnCellForward,
  rnnForward,
  rnnCellBackward,
  rnnBackward,
  lstmCellForward,
  lstmForward,
  lstmCellBackward,
  lstmBackward,
  softmax,
  sigmoid,
  toNested,
  RandomState,
} = api;
export type * from './index.js';
