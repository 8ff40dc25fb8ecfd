#include "scan.h"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "arena.h"
#include "cells/gru.h"
#include "cells/lstm.h"
#include "cells/rnn.h"
#include "fast_math.h"
#include "layout.h"
#include "recurrent/recurrent.h"
#include "team.h"
#include "team_blas.h"

namespace rnn {

namespace {

// A step's recurrent product below this many multiply-adds per thread is not worth another thread: a barrier per step
// split by units, the thread's share of the packing and the call's join split by rows.
constexpr double kRecurrentMacsPerThread = 1 << 15;

// Below this many units a thread's run of a row is too short for the cells' vector loops (the scalar remainder
// costs as much as the vectors): the pointwise passes then gather the step's (m, units) block of every gate into one
// contiguous run first, and scatter the results back.
constexpr int kGatherBelowUnits = 16;

// Beyond this many bytes of packed panels (all gates of all units), a split by rows streams the shared panels through
// a last-level cache the step's other data also passes through, and every thread reads all of them at every step:
// on the bench machine (32 MiB L3) float64 at (512, 512, 64, 128), 16 MiB of panels, ran 1.07× slower by rows,
// float32 there (8 MiB) 0.92–0.99×.
constexpr std::size_t kRowSplitPanelBytes = std::size_t(8) << 20;

// How one call's steps are dealt to the team.
// - By units: thread tid owns units [u0, u0 + units) with all their gates, for every row. Its forward panels hold
//   the rows of W_h of its units, gate k's units at columns [k·padded, k·padded + units) of its product (padded:
//   units rounded up to a vector); its backward panels hold the columns of W_h of its units. Every step needs every
//   thread's part of h, so the threads meet at a barrier after each step.
// - By rows: thread tid owns rows [r0, r1) with all units (the layout above with u0 = 0, units = n_a), and the
//   panels of all of W_h, packed once and shared. Rows never exchange anything within a scan, so the threads run
//   their whole time loops without meeting. Taken when it gives each thread at least a register tile's rows (MR),
//   wastes no more of the tiles on short tails than the split by units does, and the panels fit
//   kRowSplitPanelBytes; rows are dealt so that each thread's rows have about the same number of steps to run
//   (variable lengths). The packed path only: the BLAS path is the reference. Measured on the 2-core EPYC of
//   bench/measured, by rows against by units (LSTM layer forward): 0.96 at (I, H, m, T) = (32, 64, 16, 32), 0.98 at
//   (128, 256, 32, 64), 0.96 at (512, 512, 64, 128); 1.06 at m = 20, where each thread's 10 rows leave a tail of 2.
// RNN_NATIVE_SPLIT=units|rows forces either (rows: wherever the packed path can give each thread a row).
// Both give the same bits: an element of a product sums over K in the same order whichever rows share its tile.
struct Plan {
  RecurrentPath path;
  Isa isa;
  int threads, lanes, NR, G, n_a, m;
  int max_padded;
  bool by_rows;
  std::vector<int> row_begin;  // by rows: thread tid's rows are [row_begin[tid], row_begin[tid + 1])

  // K: the multiply-adds per gate unit and example of a step (n_a, or n_a + n_x when the input is multiplied too);
  // active: the scan's rows running at each of its T steps (null: all m).
  Plan(int gates, int n_a_, int m_, int K, std::size_t real_size, const int* active, int T)
      : G(gates), n_a(n_a_), m(m_) {
    const KernelConfig& config = kernel_config();
    path = config.path;
    isa = config.isa;
    NR = real_size == sizeof(float) ? panel_width<float>(isa) : panel_width<double>(isa);
    lanes = NR / 2;
    const int blocks = (n_a + lanes - 1) / lanes;
    const int wanted = threads_for(double(m) * G * n_a * K, kRecurrentMacsPerThread);
    const int by_units = std::min(wanted, blocks);
    const bool forced_rows = config.split == Split::Rows;
    const int min_rows = forced_rows ? 1 : tile_rows(isa);
    const int by_rows_threads = std::min(wanted, m / min_rows);
    const std::size_t all_panels = std::size_t(round_up(G * round_up(n_a, lanes), NR)) * K * real_size;
    const bool rows_possible = path == RecurrentPath::Packed && by_rows_threads > 1;
    const auto tile_use = [&](int rows) {  // the share of its register tiles' rows a thread's rows fill
      const int MR = tile_rows(isa);
      return double(rows) / double((rows + MR - 1) / MR * MR);
    };
    const bool rows_better = rows_possible && by_rows_threads >= by_units && all_panels <= kRowSplitPanelBytes &&
                             tile_use((m + by_rows_threads - 1) / by_rows_threads) >= tile_use(m);
    by_rows = forced_rows ? rows_possible : config.split == Split::Auto && rows_better;
    threads = by_rows ? by_rows_threads : by_units;
    max_padded = by_rows ? round_up(n_a, lanes) : (blocks + threads - 1) / threads * lanes;
    if (by_rows) deal_rows(active, T);
  }

  Share units(int tid) const {
    return by_rows ? Share{0, std::size_t(n_a)} : share(tid, threads, std::size_t(n_a), std::size_t(lanes));
  }
  // The rows a thread computes: all m by units.
  Share rows(int tid) const {
    return by_rows ? Share{std::size_t(row_begin[tid]), std::size_t(row_begin[tid + 1])} : Share{0, std::size_t(m)};
  }
  // The most rows any thread computes.
  int max_rows() const {
    int most = by_rows ? 0 : m;
    for (int tid = 0; by_rows && tid < threads; ++tid) most = std::max(most, row_begin[tid + 1] - row_begin[tid]);
    return most;
  }
  // Sets of panels: one per thread by units, one shared by rows; thread tid's is set(tid).
  int panel_sets() const { return by_rows ? 1 : threads; }
  int set(int tid) const { return by_rows ? 0 : tid; }
  // The panels, of a thread's panel_count, that it packs: all of its own by units, its share of the shared set by
  // rows (which every thread reads after a barrier).
  Share packs(int tid, int panel_count) const {
    return by_rows ? share(tid, threads, std::size_t(panel_count)) : Share{0, std::size_t(panel_count)};
  }
  static int round_up(int n, int to) { return (n + to - 1) / to * to; }
  // Forward: columns of a thread's product (m, forward_ld) and of its panels.
  int forward_ld() const { return round_up(G * max_padded, NR); }
  // Backward: columns of a thread's carried gradient (m, backward_ld) and of its panels.
  int backward_ld() const { return round_up(max_padded, NR); }
  // A thread's gather scratch of `per_unit` values per example and unit, for `rows` examples and a block of under
  // kGatherBelowUnits units (any thread's, the last one's included, may be).
  std::size_t gather_size(std::size_t per_unit, int rows) const {
    return per_unit * rows * std::size_t(std::min(max_padded, kGatherBelowUnits - 1));
  }

 private:
  // Row boundaries where the steps run so far reach each thread's equal share: rows are sorted by decreasing
  // length, so row i runs the steps s with active[s] > i. Not rounded to whole register tiles: two threads with a
  // tile and a short tail each finish sooner than one with a tile and one with a tile and a long tail.
  void deal_rows(const int* active, int T) {
    const auto steps_before = [&](int i) {  // Σ over rows [0, i) of their steps
      if (active == nullptr) return double(T) * i;
      double sum = 0;
      for (int s = 0; s < T; ++s) sum += std::min(active[s], i);
      return sum;
    };
    const double total = steps_before(m);
    row_begin.assign(std::size_t(threads) + 1, m);
    row_begin[0] = 0;
    for (int tid = 1; tid < threads; ++tid) {
      int lo = row_begin[tid - 1], hi = m;  // the first i in [lo, m] with steps_before(i) ≥ the share (monotonic)
      while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (steps_before(mid) < total * tid / threads) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      row_begin[tid] = lo;
    }
  }
};

// Values of gather scratch a thread needs per (example, unit): forward z and b of every block, r of every gate, and
// h_prev, c_prev, c, h; backward dz and g of every block and c, c_prev, h_prev, dh, D, dc, direct.
template <typename Cell>
constexpr std::size_t forward_gather_values() { return 2 * std::size_t(Cell::blocks) + Cell::gates + 4; }
template <typename Cell>
constexpr std::size_t backward_gather_values() { return 2 * std::size_t(Cell::blocks) + 7; }

// GCC turns the gathers' and scatters' element loops back into a memmove call per row (loop distribution); for
// runs this short the calls cost more than the copies (notebook-shape lstmForward 10.7 -> 10.4 us with them kept
// as loops), so the pointwise passes are compiled without it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif
// dst[i·units + u] = src[i·ld + u] over m rows (gather), or the reverse (scatter); runs are under kGatherBelowUnits.
template <typename Real>
RNN_INLINE void gather_rows(Real* __restrict dst, const Real* __restrict src, std::size_t ld, int m, int units) {
  for (int i = 0; i < m; ++i)
    for (int u = 0; u < units; ++u) dst[std::size_t(i) * units + u] = src[i * ld + u];
}
template <typename Real>
RNN_INLINE void scatter_rows(Real* __restrict dst, std::size_t ld, const Real* __restrict src, int m, int units) {
  for (int i = 0; i < m; ++i)
    for (int u = 0; u < units; ++u) dst[i * ld + u] = src[std::size_t(i) * units + u];
}

// Shapes: one step, rows 0..m-1, this thread's units [u0, u0 + units). Z, the step's (m, blocks·n_a) gates, holding
// the input projection of the G gates when kAddZ, and written with the activated gates when kStore; R (m, ldr) the
// thread's products, gate k at column k·padded; b (blocks·n_a); h_prev, c_prev, c, h (m, n_a) or c null; scratch:
// forward_gather_values<Cell>()·m·units values when units < kGatherBelowUnits.
template <typename Cell, bool kAddZ, bool kStore, typename Real>
RNN_VECTORIZED void forward_pointwise(Real* Z, const Real* R, int ldr, int padded, const Real* b, const Real* h_prev,
                                      const Real* c_prev, Real* c, Real* h, int m, int n_a, int u0, int units,
                                      Real* scratch) {
  constexpr int G = Cell::gates, B = Cell::blocks;
  const std::size_t zn = std::size_t(B) * n_a;
  if (units >= kGatherBelowUnits || m == 1) {
    for (int i = 0; i < m; ++i) {
      const std::size_t row = std::size_t(i) * n_a + u0;
      Real* z = kAddZ || kStore ? Z + i * zn + u0 : nullptr;  // without either, Z may be null
      Cell::template forward<kAddZ, kStore>(z, std::size_t(n_a), R + std::size_t(i) * ldr, std::size_t(padded),
                                    b + u0, std::size_t(n_a), h_prev + row, c == nullptr ? nullptr : c_prev + row,
                                    c == nullptr ? nullptr : c + row, h + row, units);
    }
    return;
  }
  const std::size_t n = std::size_t(m) * units;
  Real* z = scratch;  // block k of the block of units at z + k·n, likewise r (gates) and the bias bb
  Real* r = z + B * n;
  Real* bb = r + G * n;
  Real* hp = bb + B * n;
  Real* cp = hp + n;
  Real* cn = cp + n;
  Real* hn = cn + n;
  for (int k = 0; k < G; ++k) {
    if (kAddZ) gather_rows(z + k * n, Z + k * n_a + u0, zn, m, units);
    gather_rows(r + k * n, R + k * padded, std::size_t(ldr), m, units);
  }
  for (int k = 0; k < B; ++k) gather_rows(bb + k * n, b + k * n_a + u0, 0, m, units);
  gather_rows(hp, h_prev + u0, std::size_t(n_a), m, units);
  if (c != nullptr) gather_rows(cp, c_prev + u0, std::size_t(n_a), m, units);
  Cell::template forward<kAddZ, kStore>(z, n, r, n, bb, n, hp, cp, cn, hn, int(n));
  if (kStore)
    for (int k = 0; k < B; ++k) scatter_rows(Z + k * n_a + u0, zn, z + k * n, m, units);
  if (c != nullptr) scatter_rows(c + u0, std::size_t(n_a), cn, m, units);
  scatter_rows(h + u0, std::size_t(n_a), hn, m, units);
}

// Shapes: one step; dZ, Z (m, blocks·n_a); c, c_prev, dH, dc (m, n_a) or c, dc null; h_prev (m, n_a); D (m, ldd)
// the thread's gradient carried from step t + 1, units from column 0; E (m, ldd) the direct gradient of h_prev,
// written for a cell with direct_state_gradient (else null); scratch: backward_gather_values<Cell>()·m·units values
// when units < kGatherBelowUnits.
template <typename Cell, typename Real>
RNN_VECTORIZED void backward_pointwise(Real* dZ, const Real* Z, const Real* c, const Real* c_prev,
                                       const Real* h_prev, const Real* dH, const Real* D, Real* E, int ldd, Real* dc,
                                       int m, int n_a, int u0, int units, Real* scratch) {
  constexpr int B = Cell::blocks;
  const std::size_t zn = std::size_t(B) * n_a;
  if (units >= kGatherBelowUnits || m == 1) {
    for (int i = 0; i < m; ++i) {
      const std::size_t row = std::size_t(i) * n_a + u0;
      Cell::backward(dZ + i * zn + u0, Z + i * zn + u0, std::size_t(n_a), c == nullptr ? nullptr : c + row,
                     c == nullptr ? nullptr : c_prev + row, h_prev + row, dH + row, D + std::size_t(i) * ldd,
                     dc == nullptr ? nullptr : dc + row, E == nullptr ? nullptr : E + std::size_t(i) * ldd, units);
    }
    return;
  }
  const std::size_t n = std::size_t(m) * units;
  Real* dz = scratch;  // block k of the block of units at dz + k·n, likewise g
  Real* g = dz + B * n;
  Real* cn = g + B * n;
  Real* cp = cn + n;
  Real* hp = cp + n;
  Real* dh = hp + n;
  Real* carried = dh + n;
  Real* dcb = carried + n;
  Real* direct = dcb + n;
  for (int k = 0; k < B; ++k) gather_rows(g + k * n, Z + k * n_a + u0, zn, m, units);
  if (c != nullptr) {
    gather_rows(cn, c + u0, std::size_t(n_a), m, units);
    gather_rows(cp, c_prev + u0, std::size_t(n_a), m, units);
    gather_rows(dcb, dc + u0, std::size_t(n_a), m, units);
  }
  gather_rows(hp, h_prev + u0, std::size_t(n_a), m, units);
  gather_rows(dh, dH + u0, std::size_t(n_a), m, units);
  gather_rows(carried, D, std::size_t(ldd), m, units);
  Cell::backward(dz, g, n, cn, cp, hp, dh, carried, dcb, direct, int(n));
  for (int k = 0; k < B; ++k) scatter_rows(dZ + k * n_a + u0, zn, dz + k * n, m, units);
  if (c != nullptr) scatter_rows(dc + u0, std::size_t(n_a), dcb, m, units);
  if (E != nullptr) scatter_rows(E, std::size_t(ldd), direct, m, units);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

// Calls f(k0, k1, b0) for each run of gates [k0, k1) whose input-side gradients are the contiguous dZ blocks
// [b0, b0 + k1 - k0): the products with W_x's rows of those gates.
template <typename Cell, typename F>
void for_input_runs(F&& f) {
  for (int k0 = 0; k0 < Cell::gates;) {
    int k1 = k0 + 1;
    while (k1 < Cell::gates && Cell::input_block(k1) == Cell::input_block(k0) + (k1 - k0)) ++k1;
    f(k0, k1, Cell::input_block(k0));
    k0 = k1;
  }
}

template <typename Cell>
constexpr bool recurrent_blocks_in_order() {
  for (int k = 0; k < Cell::gates; ++k)
    if (Cell::recurrent_block(k) != k) return false;
  return true;
}

}  // namespace

template <typename Cell, typename Real>
void scan_forward(const ScanForward<Real>& p) {
  constexpr int G = Cell::gates;
  const int n_a = p.n_a, n_x = p.n_x, m = p.m, gn = G * n_a, zn = Cell::blocks * n_a;
  const std::size_t step = std::size_t(m) * n_a;
  // The packed kernel multiplies [h | x_t] by [W_h | W_x] in one product per step (fused); the BLAS path, the
  // character model (whose input projection is a gather already in Z), and a cell that keeps the two apart, project
  // all inputs before the loop.
  const bool fused = kernel_config().path == RecurrentPath::Packed && p.X != nullptr && Cell::fusable;
  const int K = n_a + (fused ? n_x : 0);
  const Plan plan(G, n_a, m, K, sizeof(Real), p.active, p.T);
  const bool packed = plan.path == RecurrentPath::Packed;
  const int ld = plan.forward_ld();
  const std::size_t panel_size = packed ? std::size_t(ld) * K : 0;
  const int max_rows = plan.max_rows();
  // The row hooks run inside the job, each thread on its own rows, when no thread reads another's inputs.
  const bool own_rows = plan.by_rows && fused;
  const auto share_rows = [&](const RowHook* hook) {
    if (hook != nullptr) parallel_for(threads_for(double(m) * p.T * std::max(n_a, n_x), kElementsPerThread), m, *hook);
  };
  if (!own_rows) share_rows(p.before);

  // Without Z the gates are not kept: the fused product needs none; the others project the inputs into H[1..T] (a
  // one-block cell, whose step overwrites its projection with h) or into scratch.
  Scratch scratch;
  const bool keep = p.Z != nullptr;
  Real* const Z = keep    ? p.Z
                  : fused ? nullptr
                  : Cell::blocks == 1 ? p.H + step
                                      : scratch.take<Real>(std::size_t(p.T) * m * zn);

  // Input projection of every step at once: Z[:, gates] (T·m, G·n_a) = X (T·m, n_x) · Wxᵀ.
  if (p.X != nullptr && !fused)
    parallel_gemm(Op::N, Op::T, p.T * m, gn, n_x, Real(1), p.X, n_x, p.Wx, p.ldwx, Real(0), Z, zn);

  Real* panels = scratch.take<Real>(panel_size * plan.panel_sets());
  Real* products = scratch.take<Real>(std::size_t(max_rows) * ld * plan.threads);
  int* row_of = scratch.take<int>(std::size_t(ld) * plan.panel_sets());
  const std::size_t gather_size = plan.gather_size(forward_gather_values<Cell>(), max_rows);
  Real* gathers = scratch.take<Real>(gather_size * plan.threads);
  team_run(plan.threads, [&](int tid) {
    const Share s = plan.units(tid);
    const int u0 = int(s.begin), units = int(s.end - s.begin);
    const Share mine = plan.rows(tid);
    const int r0 = int(mine.begin), my_rows = int(mine.end - mine.begin);
    const int padded = Plan::round_up(units, plan.lanes);
    const int panel_count = (G * padded + plan.NR - 1) / plan.NR;
    Real* B = panels + panel_size * plan.set(tid);
    Real* R = products + std::size_t(max_rows) * ld * tid;
    Real* gather = gathers + gather_size * tid;
    if (own_rows && p.before != nullptr) (*p.before)(std::size_t(r0), std::size_t(r0 + my_rows));
    if (packed) {
      const Share packs = plan.packs(tid, panel_count);
      const int n0 = int(packs.begin) * plan.NR, n1 = std::min(G * padded, int(packs.end) * plan.NR);
      int* rows = row_of + std::size_t(ld) * plan.set(tid);
      for (int n = n0; n < n1; ++n) rows[n] = n % padded < units ? (n / padded) * n_a + u0 + n % padded : -1;
      const Operand<Real> W{p.Wh, std::size_t(p.ldwh), n_a, p.Wx, std::size_t(p.ldwx), fused ? n_x : 0};
      if (n0 < n1) pack_rows(B + std::size_t(packs.begin) * K * plan.NR, W, rows + n0, n1 - n0, plan.NR);
      if (plan.by_rows) team_barrier();
    }
    // This thread's rows [r0, r0 + my_rows) of every step's (m, ·) blocks: pointers below start at row r0.
    const std::size_t row0 = std::size_t(r0) * n_a;
    for (int t = 0; t < p.T; ++t) {
      const int running = p.active != nullptr ? p.active[t] : m;  // the rows still running
      const int rows = std::max(0, std::min(running - r0, my_rows));
      const Real* h = p.H + t * step + row0;
      Real* C = p.C;
      Real* c_prev = C == nullptr ? nullptr : C + t * step + row0;
      Real* c = C == nullptr ? nullptr : C + (t + 1) * step + row0;
      Real* z = Z == nullptr ? nullptr : Z + (t * std::size_t(m) + r0) * zn;
      Real* h_next = p.H + (t + 1) * step + row0;
      if constexpr (Cell::two_phase) {
        // R[:, r, z] (rows, 2·padded) = h · W_h[r and z rows of this thread's units]ᵀ; 2·padded is whole panels.
        const int split = 2 * padded;
        if (packed) {
          packed_matmul(plan.isa, R, std::size_t(ld), Operand<Real>{h, std::size_t(n_a), n_a, nullptr, 0, 0}, B, rows,
                        split / plan.NR);
        } else if (rows > 0) {
          for (int k = 0; k < 2; ++k)
            gemm(Op::N, Op::T, rows, units, n_a, Real(1), h, n_a, p.Wh + std::size_t(k * n_a + u0) * p.ldwh, p.ldwh,
                 Real(0), R + k * padded, ld);
        }
        for (int i = 0; i < rows; ++i)
          Cell::reset(z + i * std::size_t(zn) + u0, std::size_t(n_a), R + std::size_t(i) * ld, std::size_t(padded),
                      p.b + u0, std::size_t(n_a), h + std::size_t(i) * n_a + u0, units);
        if (!plan.by_rows) team_barrier();
        // R[:, n] (rows, padded) = q (rows, n_a), block 3 of every unit, · W_hn[rows of this thread's units]ᵀ.
        const Real* q = z + 3 * n_a;
        if (packed) {
          packed_matmul(plan.isa, R + split, std::size_t(ld), Operand<Real>{q, std::size_t(zn), n_a, nullptr, 0, 0},
                        B + std::size_t(split) * n_a, rows, panel_count - split / plan.NR);
        } else if (rows > 0) {
          gemm(Op::N, Op::T, rows, units, n_a, Real(1), q, zn, p.Wh + std::size_t(2 * n_a + u0) * p.ldwh, p.ldwh,
               Real(0), R + split, ld);
        }
        for (int i = 0; i < rows; ++i)
          Cell::template forward<true, true, Real>(z + i * std::size_t(zn) + u0, std::size_t(n_a), R + std::size_t(i) * ld,
                                       std::size_t(padded), p.b + u0, std::size_t(n_a), h + std::size_t(i) * n_a + u0,
                                       nullptr, nullptr, h_next + std::size_t(i) * n_a + u0, units);
      } else {
        if (packed) {
          // R (rows, G·padded) = [h | x_t] (rows, n_a + n_x) · [W_h | W_x][rows of this thread's units]ᵀ (x_t when fused).
          const Operand<Real> a{h, std::size_t(n_a), n_a, fused ? p.X + (t * std::size_t(m) + r0) * n_x : nullptr,
                                std::size_t(n_x), fused ? n_x : 0};
          packed_matmul(plan.isa, R, std::size_t(ld), a, B, rows, panel_count);
        } else if (rows > 0) {
          // R (rows, G·padded) = h (rows, n_a) · W_h[rows of this thread's units]ᵀ, one GEMM per gate.
          for (int k = 0; k < G; ++k)
            gemm(Op::N, Op::T, rows, units, n_a, Real(1), h, n_a, p.Wh + std::size_t(k * n_a + u0) * p.ldwh, p.ldwh,
                 Real(0), R + k * padded, ld);
        }
        const auto pointwise = [&](auto add_z, auto store) {
          forward_pointwise<Cell, decltype(add_z)::value, decltype(store)::value>(z, R, ld, padded, p.b, h, c_prev, c,
                                                                                  h_next, rows, n_a, u0, units, gather);
        };
        const auto storing = [&](auto add_z) { keep ? pointwise(add_z, std::true_type{}) : pointwise(add_z, std::false_type{}); };
        if constexpr (Cell::fusable) {  // only a fusable cell has a pointwise pass without z
          if (fused) {
            storing(std::false_type{});
          } else {
            storing(std::true_type{});
          }
        } else {
          storing(std::true_type{});
        }
      }
      for (int i = p.zero_finished ? rows : my_rows; i < my_rows; ++i) {  // finished rows: zero states and gates
        std::fill(h_next + std::size_t(i) * n_a + u0, h_next + std::size_t(i) * n_a + u0 + units, Real(0));
        if (c != nullptr) std::fill(c + std::size_t(i) * n_a + u0, c + std::size_t(i) * n_a + u0 + units, Real(0));
        for (int k = 0; keep && k < Cell::blocks; ++k)
          std::fill(z + i * std::size_t(zn) + k * n_a + u0, z + i * std::size_t(zn) + k * n_a + u0 + units, Real(0));
      }
      if (!plan.by_rows) team_barrier();
    }
    if (own_rows && p.after != nullptr) (*p.after)(std::size_t(r0), std::size_t(r0 + my_rows));
  });
  if (!own_rows) share_rows(p.after);
}

template <typename Cell, typename Real>
void scan_backward(const ScanBackward<Real>& p) {
  constexpr int G = Cell::gates;
  static_assert(recurrent_blocks_in_order<Cell>(), "W_h's gradients must be dZ's first G blocks");
  const int n_a = p.n_a, n_x = p.n_x, m = p.m, gn = G * n_a, zn = Cell::blocks * n_a;
  const std::size_t step = std::size_t(m) * n_a, rows = std::size_t(p.Tb) * m;
  const Plan plan(G, n_a, m, n_a, sizeof(Real), p.active, p.Tb);
  const bool packed = plan.path == RecurrentPath::Packed;
  const int ld = plan.backward_ld();
  const std::size_t panel_size = packed ? std::size_t(ld) * gn : 0;

  {
    Scratch scratch;
    const std::size_t per_thread = std::size_t(plan.max_rows()) * ld;
    Real* panels = scratch.take<Real>(panel_size * plan.panel_sets());
    Real* carried = scratch.take<Real>(per_thread * plan.threads);
    Real* directs = Cell::direct_state_gradient ? scratch.take<Real>(per_thread * plan.threads) : nullptr;
    Real* resets = Cell::two_phase ? scratch.take<Real>(per_thread * plan.threads) : nullptr;
    const std::size_t gather_size = plan.gather_size(backward_gather_values<Cell>(), plan.max_rows());
    Real* gathers = scratch.take<Real>(gather_size * plan.threads);
    team_run(plan.threads, [&](int tid) {
      const Share s = plan.units(tid);
      const int u0 = int(s.begin), units = int(s.end - s.begin);
      const Share mine = plan.rows(tid);
      const int r0 = int(mine.begin), my_rows = int(mine.end - mine.begin);
      Real* B = panels + panel_size * plan.set(tid);
      Real* D = carried + per_thread * tid;
      Real* E = directs == nullptr ? nullptr : directs + per_thread * tid;
      Real* gather = gathers + gather_size * tid;
      Real* Q = resets == nullptr ? nullptr : resets + per_thread * tid;
      // The gates whose gradients reach h_prev through W_h in the last product of a step: all, or a two-phase cell's
      // r and z (its n gate's go through q = r ⊙ h, in a product of their own with the panels Bn).
      const int K = Cell::two_phase ? 2 * n_a : gn;
      Real* Bn = B + std::size_t(ld) * K;
      const int panel_count = (units + plan.NR - 1) / plan.NR;
      if (packed) {
        const Share packs = plan.packs(tid, panel_count);
        const int c0 = int(packs.begin) * plan.NR, c1 = std::min(units, int(packs.end) * plan.NR);
        const std::size_t at = std::size_t(packs.begin) * plan.NR;
        if (c0 < c1) {
          pack_columns(B + at * K, p.Wh, std::size_t(p.ldwh), std::size_t(u0 + c0), c1 - c0, K, plan.NR);
          if (Cell::two_phase)
            pack_columns(Bn + at * n_a, p.Wh + std::size_t(K) * p.ldwh, std::size_t(p.ldwh), std::size_t(u0 + c0), c1 - c0,
                         n_a, plan.NR);
        }
        if (plan.by_rows) team_barrier();
      }
      // This thread's rows [r0, r0 + my_rows) of every step's (m, ·) blocks: pointers below start at row r0.
      const std::size_t row0 = std::size_t(r0) * n_a;
      // D starts as each row's final-state gradient: a row only becomes active at its last processed step.
      for (int i = 0; i < my_rows; ++i) {
        Real* d = D + std::size_t(i) * ld;
        if (p.dh_last != nullptr) {
          std::copy(p.dh_last + row0 + std::size_t(i) * n_a + u0, p.dh_last + row0 + std::size_t(i) * n_a + u0 + units, d);
        } else {
          std::fill(d, d + units, Real(0));
        }
      }
      Real* dc = p.dc == nullptr ? nullptr : p.dc + row0;
      for (int t = p.Tb - 1; t >= 0; --t) {
        const int running = p.active != nullptr ? p.active[t] : m;
        const int rows = std::max(0, std::min(running - r0, my_rows));
        Real* dz = p.dZ + (t * std::size_t(m) + r0) * zn;
        const Real* Z = p.Z + (t * std::size_t(m) + r0) * zn;
        const Real* h_prev = p.H + t * step + row0;
        const Real* C = p.C;
        backward_pointwise<Cell>(dz, Z, C == nullptr ? nullptr : C + (t + 1) * step + row0,
                                 C == nullptr ? nullptr : C + t * step + row0, h_prev, p.dH + t * step + row0, D, E, ld,
                                 dc, rows, n_a, u0, units, gather);
        for (int i = rows; i < my_rows; ++i)  // finished rows add nothing to the weight gradients
          for (int k = 0; k < Cell::blocks; ++k)
            std::fill(dz + i * zn + k * n_a + u0, dz + i * zn + k * n_a + u0 + units, Real(0));
        if (!plan.by_rows) team_barrier();
        if constexpr (Cell::two_phase) {
          // Q (rows, units) = dz[:, n] (rows, n_a) · W_hn[:, this thread's units] = ∂J/∂q; then the r gate's gradient.
          if (packed) {
            packed_matmul(plan.isa, Q, std::size_t(ld), Operand<Real>{dz + 2 * n_a, std::size_t(zn), n_a, nullptr, 0, 0},
                          Bn, rows, panel_count);
          } else if (rows > 0) {
            gemm(Op::N, Op::N, rows, units, n_a, Real(1), dz + 2 * n_a, zn, p.Wh + std::size_t(2 * n_a) * p.ldwh + u0,
                 p.ldwh, Real(0), Q, ld);
          }
          for (int i = 0; i < rows; ++i)
            Cell::reset_backward(dz + i * std::size_t(zn) + u0, Z + i * std::size_t(zn) + u0, std::size_t(n_a),
                                 h_prev + std::size_t(i) * n_a + u0, Q + std::size_t(i) * ld, E + std::size_t(i) * ld,
                                 units);
          if (!plan.by_rows) team_barrier();
        }
        // D (rows, units) = dz[:, K gates] (rows, K) · W_h[K rows][:, this thread's units]: ∂J/∂H[t] through W_h,
        // plus the direct part E the cell left.
        if (packed) {
          packed_matmul(plan.isa, D, std::size_t(ld), Operand<Real>{dz, std::size_t(zn), K, nullptr, 0, 0}, B, rows,
                        panel_count);
        } else if (rows > 0) {
          gemm(Op::N, Op::N, rows, units, K, Real(1), dz, zn, p.Wh + u0, p.ldwh, Real(0), D, ld);
        }
        if (E != nullptr)
          for (int i = 0; i < rows; ++i)
            for (int u = 0; u < units; ++u) D[std::size_t(i) * ld + u] += E[std::size_t(i) * ld + u];
      }
      for (int i = 0; i < my_rows; ++i)
        std::copy(D + std::size_t(i) * ld, D + std::size_t(i) * ld + units, p.dh0 + row0 + std::size_t(i) * n_a + u0);
    });
  }
  // Weight gradients over all steps at once: dWh = dZ[:, gates]ᵀ H[0..Tb-1] (a two-phase cell's n gate: dZ[:, n]ᵀ q),
  // dWx = dZ[:, input blocks]ᵀ X, db = Σ rows of dZ; then dX = dZ[:, input blocks] · Wx.
  if constexpr (Cell::two_phase) {
    parallel_gemm(Op::T, Op::N, 2 * n_a, n_a, int(rows), Real(1), p.dZ, zn, p.H, n_a, Real(0), p.dWh, p.lddwh);
    parallel_gemm(Op::T, Op::N, n_a, n_a, int(rows), Real(1), p.dZ + 2 * n_a, zn, p.Z + 3 * n_a, zn, Real(0),
                  p.dWh + std::size_t(2 * n_a) * p.lddwh, p.lddwh);
  } else {
    parallel_gemm(Op::T, Op::N, gn, n_a, int(rows), Real(1), p.dZ, zn, p.H, n_a, Real(0), p.dWh, p.lddwh);
  }
  if (p.X != nullptr)
    for_input_runs<Cell>([&](int k0, int k1, int b0) {
      parallel_gemm(Op::T, Op::N, (k1 - k0) * n_a, n_x, int(rows), Real(1), p.dZ + b0 * n_a, zn, p.X, n_x, Real(0),
                    p.dWx + std::size_t(k0) * n_a * p.lddwx, p.lddwx);
    });
  column_sums(p.db, p.dZ, rows, std::size_t(zn));
  if (p.dX != nullptr)
    for_input_runs<Cell>([&](int k0, int k1, int b0) {
      parallel_gemm(Op::N, Op::N, int(rows), n_x, (k1 - k0) * n_a, Real(1), p.dZ + b0 * n_a, zn,
                    p.Wx + std::size_t(k0) * n_a * p.ldwx, p.ldwx, Real(k0 == 0 ? 0 : 1), p.dX, n_x);
    });
}

#define RNN_SCAN_INSTANCES(Cell)                                            \
  template void scan_forward<Cell, float>(const ScanForward<float>&);       \
  template void scan_forward<Cell, double>(const ScanForward<double>&);     \
  template void scan_backward<Cell, float>(const ScanBackward<float>&);     \
  template void scan_backward<Cell, double>(const ScanBackward<double>&);
RNN_SCAN_INSTANCES(LstmCell)
RNN_SCAN_INSTANCES(TorchLstmCell)
RNN_SCAN_INSTANCES(RnnCell)
RNN_SCAN_INSTANCES(ReluRnnCell)
RNN_SCAN_INSTANCES(GruCell)
RNN_SCAN_INSTANCES(GruResetBeforeCell)

}  // namespace rnn
