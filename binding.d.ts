// Types of the raw addon (build/Release/rnn_native.node). Arguments are positional: outputs first, then the cache
// buffers a forward pass fills, then inputs, weights and sizes. All arrays of one call share one dtype, the dtype of
// the first argument. The *Async functions take the same arguments, queue the kernel on the native executor and keep
// every argument alive until it is done; they return a Promise of undefined. Kernels run one at a time process-wide.
// The addon trusts its caller: lib/ checks every type, dtype and shape before calling it.
// Layouts: notebook tensors are row-major (n, m, T); cache buffers are time-major (T, m, n); LSTM gate weights are
// fused as W (4 n_a, n_a + n_x) = [Wf; Wi; Wc; Wo] and b (4 n_a) = [bf; bi; bc; bo].

type F = Float64Array | Float32Array;

export interface NativeAddon {
  /** a (n_a,m,T), y (n_y,m,T)|null; cache X (T,m,n_x), H (T+1,m,n_a); x (n_x,m,T), a0 (n_a,m), Wax (n_a,n_x), Waa (n_a,n_a), ba (n_a), Wya (n_y,n_a)|null, by (n_y)|null. */
  rnnForward(a: F, y: F | null, X: F, H: F, x: F, a0: F, Wax: F, Waa: F, ba: F, Wya: F | null, by: F | null,
    n_x: number, n_a: number, n_y: number, m: number, T: number): void;
  /** dx (n_x,m,Tb), da0 (n_a,m), dWax, dWaa, dba (n_a); da (n_a,m,Tb); X, H, Wax, Waa as the forward pass left them. */
  rnnBackward(dx: F, da0: F, dWax: F, dWaa: F, dba: F, da: F, X: F, H: F, Wax: F, Waa: F,
    n_x: number, n_a: number, m: number, Tb: number): void;
  /** a, c (n_a,m,T), y (n_y,m,T)|null; cache X (T,m,n_x), H, C (T+1,m,n_a), G (T,m,4n_a); x, a0, c0|null, W, b, Wy|null, by|null. */
  lstmForward(a: F, c: F, y: F | null, X: F, H: F, C: F, G: F, x: F, a0: F, c0: F | null, W: F, b: F,
    Wy: F | null, by: F | null, n_x: number, n_a: number, n_y: number, m: number, T: number): void;
  /** dx (n_x,m,Tb), da0, dc0 (n_a,m), dW (4n_a,n_a+n_x), db (4n_a); da (n_a,m,Tb), dcLast (n_a,m)|null; cache; W. */
  lstmBackward(dx: F, da0: F, dc0: F, dW: F, db: F, da: F, dcLast: F | null, X: F, H: F, C: F, G: F, W: F,
    n_x: number, n_a: number, m: number, Tb: number): void;
  rnnForwardAsync(...args: Parameters<NativeAddon['rnnForward']>): Promise<void>;
  rnnBackwardAsync(...args: Parameters<NativeAddon['rnnBackward']>): Promise<void>;
  lstmForwardAsync(...args: Parameters<NativeAddon['lstmForward']>): Promise<void>;
  lstmBackwardAsync(...args: Parameters<NativeAddon['lstmBackward']>): Promise<void>;
  /** out, z (rows, cols): softmax down each column. */
  softmax(out: F, z: F, rows: number, cols: number): void;
  /** out, z: elementwise logistic sigmoid. */
  sigmoid(out: F, z: F): void;
  /** da (n_a,m,T), dWy (n_y,n_a), dby (n_y); a (n_a,m,T), Wy, by; targets (m,T) ids or -1; loss (1) out: the mean softmax cross-entropy. */
  outputLayerBackward(da: F, dWy: F, dby: F, a: F, Wy: F, by: F, targets: Int32Array, loss: Float64Array,
    n_a: number, n_y: number, m: number, T: number): void;
  /** dlogits, logits (rows, C); targets (rows) ids or -1; loss (1) out: the mean softmax cross-entropy over the unmasked rows. */
  softmaxCrossEntropy(dlogits: F, logits: F, targets: Int32Array, loss: Float64Array, rows: number, C: number): void;
  /**
   * One fused training step of a character model (cell 0 = RNN, 1 = LSTM; optimizer 0 = SGD, 1 = Adam): params, grads,
   * moment1, moment2 (layout total); inputs, targets (m,T) ids, targets -1 masked; loss (1) out. Clips by value when
   * clipValue > 0, then by global norm when clipNorm > 0.
   */
  charModelTrainStep(params: F, grads: F, moment1: F, moment2: F, inputs: Int32Array, targets: Int32Array,
    loss: Float64Array, cell: number, n_a: number, V: number, m: number, T: number, optimizer: number,
    learningRate: number, momentum: number, beta1: number, beta2: number, epsilon: number, step: number,
    clipValue: number, clipNorm: number): void;
  charModelTrainStepAsync(...args: Parameters<NativeAddon['charModelTrainStep']>): Promise<void>;
  /** h, c|null (n_a) updated in place, logits (V) out; params (layout total); feeds character `token`. */
  charModelNext(h: F, c: F | null, logits: F, params: F, cell: number, n_a: number, V: number, token: number): void;
  /** Offsets of each parameter of a character model in its flat vector, and the total length. */
  charModelLayout(cell: number, n_a: number, V: number): { cellW: number; cellU: number; cellB: number; Wy: number; by: number; total: number };
  /** g clamped into [-maxValue, maxValue] in place. */
  clipByValue(g: F, maxValue: number): void;
  /** g *= factor in place. */
  scale(g: F, factor: number): void;
  /** Σ g², accumulated in double. */
  sumOfSquares(g: F): number;
  /** velocity = momentum·velocity + g; w -= learningRate·velocity. */
  sgdUpdate(w: F, g: F, velocity: F, learningRate: number, momentum: number): void;
  /** Adam update of w in place with moments moment1, moment2; step ≥ 1 counts the updates for bias correction. */
  adamUpdate(w: F, g: F, moment1: F, moment2: F, learningRate: number, beta1: number, beta2: number, epsilon: number,
    step: number): void;
  /** Sets the compute team's thread count (waits for a running kernel to finish). */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  blasInfo(): { vendor: string; config: string; corename: string; threading: string; numThreads: number };
  /**
   * The scan on its own time-major layout (native/kernels/scan.h), cell 0 = RNN, 1 = LSTM; internal (tests, layers):
   * Z (T,m,G·n_a), H, C|null (T+1,m,n_a), X (T,m,n_x), Wx (G·n_a,n_x), Wh (G·n_a,n_a), b (G·n_a), active (T)|null.
   */
  scanForward(Z: F, H: F, C: F | null, X: F, Wx: F, Wh: F, b: F, active: Int32Array | null, cell: number,
    n_x: number, n_a: number, m: number, T: number): void;
  /** dZ (Tb,m,G·n_a), dh0 (m,n_a), dc|null (m,n_a) in/out, dWh, dWx, db, dX (Tb,m,n_x); dH (Tb,m,n_a), dhLast|null; the forward's. */
  scanBackward(dZ: F, dh0: F, dc: F | null, dWh: F, dWx: F, db: F, dX: F, dH: F, dhLast: F | null, Z: F, H: F,
    C: F | null, X: F, Wx: F, Wh: F, active: Int32Array | null, cell: number, n_x: number, n_a: number, m: number,
    Tb: number): void;
  /**
   * The recurrent layers' layouts (native/kernels/layers.h), cell 0 LSTM, 1 GRU, 2 RNN tanh, 3 RNN relu, 4 GRU
   * with resetAfter = false: the flat
   * parameter vector's length, the tape's length for a batch of m sequences of T steps, and the offsets of each
   * (layer, direction)'s weight_ih, weight_hh, bias_ih, bias_hh, four per (layer, direction) in order.
   */
  layerLayout(cell: number, L: number, D: number, I: number, H: number, m: number, T: number): { parameters: number; tape: number; offsets: number[] };
  /** x (T,m,I) or (m,T,I); lengths (m)|null; h0, c0 (L·D,m,H)|null; masks (L−1,T,m,D·H)|null; y like x with D·H; hN, cN (L·D,m,H). */
  layerForward(params: F, x: F, lengths: Int32Array | null, h0: F | null, c0: F | null, masks: F | null, y: F, hN: F,
    cN: F | null, tape: F | null, cell: number, L: number, D: number, I: number, H: number, m: number, T: number,
    batchMajor: boolean): void;
  layerForwardAsync(...args: Parameters<NativeAddon['layerForward']>): Promise<void>;
  /** The forward's params, tape, lengths, masks; dy like y | null; dhN, dcN | null; writes dx, dh0, dc0 | null, grads. */
  layerBackward(params: F, tape: F, lengths: Int32Array | null, masks: F | null, dy: F | null, dhN: F | null,
    dcN: F | null, dx: F, dh0: F, dc0: F | null, grads: F, cell: number, L: number, D: number, I: number, H: number,
    m: number, T: number, batchMajor: boolean): void;
  layerBackwardAsync(...args: Parameters<NativeAddon['layerBackward']>): Promise<void>;
  /** Y (rows,out) = X (rows,in) · Wᵀ + b; W (out,in), b (out). */
  linearForward(Y: F, X: F, W: F, b: F, rows: number, inputSize: number, outputSize: number): void;
  /** dX (rows,in) = dY · W, dW (out,in) = dYᵀ · X, db (out) = Σ rows of dY; dY (rows,out), X, W as forward. */
  linearBackward(dX: F, dW: F, db: F, dY: F, X: F, W: F, rows: number, inputSize: number, outputSize: number): void;
  linearForwardAsync(...args: Parameters<NativeAddon['linearForward']>): Promise<void>;
  linearBackwardAsync(...args: Parameters<NativeAddon['linearBackward']>): Promise<void>;
  /**
   * An uninitialized ArrayBuffer of `bytes` bytes on a recycled block (native/kernels/large_blocks.h), or undefined
   * when the pool does not serve that size (under `minBytes`, RNN_NATIVE_MALLOC=system, or a portable build).
   * RangeError when the system refuses the memory.
   */
  largeArrayBuffer(bytes: number): ArrayBuffer | undefined;
  /**
   * The recycled blocks: idle bytes and blocks waiting for reuse, bytes handed out and their peak, the bytes the pool
   * may keep mapped below that peak, the smallest size served, and whether it serves.
   */
  largeBlocksInfo(): { idleBytes: number; idleBlocks: number; liveBytes: number; peakLiveBytes: number; keptBytes: number; minBytes: number; enabled: boolean };
  /** The recurrent kernel in use (read from RNN_NATIVE_RECURRENT / RNN_NATIVE_ISA at the first call) and the team size. */
  kernelInfo(): { recurrent: 'packed' | 'blas'; isa: 'avx512' | 'avx2' | 'portable'; bestIsa: 'avx512' | 'avx2' | 'portable'; split: 'auto' | 'units' | 'rows'; numThreads: number };
}
