// Types of the raw addon (build/Release/rnn_native.node). Arguments are positional: outputs first, then the cache
// buffers a forward pass fills, then inputs, weights and sizes. All arrays of one call share one dtype, the dtype of
// the first argument. The *Async functions take the same arguments, run the kernel on libuv's thread pool and keep
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
  /** Sets OpenBLAS's thread count (waits for a running kernel to finish). */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  blasInfo(): { vendor: string; config: string; corename: string; threading: string; numThreads: number };
}
