// Every output of the eight functions against a plain numpy implementation of the notebook's algorithms (SPEC §3,
// test/support/numpy_reference.py) on three random shape sets, to 1e-9 relative (1e-12 absolute). Skipped, with a
// visible message, where python3 with numpy is not available.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import { assertClose, rng, tensorsOf } from './support/check.mjs';

const SCRIPT = fileURLToPath(new URL('./support/numpy_reference.py', import.meta.url));

const SETS = [
  { name: "n_x=3, n_a=5, n_y=2, m=4, T=6, T'=4, c0 ≠ 0", n_x: 3, n_a: 5, n_y: 2, m: 4, T: 6, Tb: 4, c0: true, prediction: true, seed: 71 },
  { name: "n_x=6 > n_a=3, n_y=4, m=1, T=3, T'=3, default c0", n_x: 6, n_a: 3, n_y: 4, m: 1, T: 3, Tb: 3, c0: false, prediction: true, seed: 72 },
  { name: "n_x=1, n_a=7, m=5, T=2, T'=1, c0 ≠ 0, no predictions", n_x: 1, n_a: 7, n_y: 3, m: 5, T: 2, Tb: 1, c0: true, prediction: false, seed: 73 },
];

/** The inputs of one set, drawn as the notebook does (standard normals, weights unscaled). */
function inputs(s) {
  const r = rng(s.seed);
  const set = {
    xt: r(s.n_x, s.m), a_prev: r(s.n_a, s.m), c_prev: r(s.n_a, s.m), da_next: r(s.n_a, s.m), dc_next: r(s.n_a, s.m),
    x: r(s.n_x, s.m, s.T), a0: r(s.n_a, s.m), da: r(s.n_a, s.m, s.Tb),
    rnn: { Wax: r(s.n_a, s.n_x), Waa: r(s.n_a, s.n_a), ba: r(s.n_a, 1) },
    lstm: {},
  };
  if (s.c0) set.c0 = r(s.n_a, s.m);
  for (const g of ['f', 'i', 'c', 'o']) {
    set.lstm[`W${g}`] = r(s.n_a, s.n_a + s.n_x);
    set.lstm[`b${g}`] = r(s.n_a, 1);
  }
  if (s.prediction) {
    Object.assign(set.rnn, { Wya: r(s.n_y, s.n_a), by: r(s.n_y, 1) });
    Object.assign(set.lstm, { Wy: r(s.n_y, s.n_a), by: r(s.n_y, 1) });
  }
  return set;
}

/** The package's results for one set, by function name. */
function ours(set) {
  const { xt, a_prev, c_prev, da_next, dc_next, x, a0, da, rnn, lstm } = set;
  const opts = set.c0 ? { c0: set.c0 } : undefined;
  const rc = rn.rnnCellForward(xt, a_prev, rnn);
  const rs = rn.rnnForward(x, a0, rnn);
  const lc = rn.lstmCellForward(xt, a_prev, c_prev, lstm);
  const ls = rn.lstmForward(x, a0, lstm, opts);
  return {
    rnnCellForward: rc,
    rnnCellBackward: rn.rnnCellBackward(da_next, rc.cache),
    rnnForward: rs,
    rnnBackward: rn.rnnBackward(da, rs.caches),
    lstmCellForward: lc,
    lstmCellBackward: rn.lstmCellBackward(da_next, dc_next, lc.cache),
    lstmForward: ls,
    lstmBackward: rn.lstmBackward(da, ls.caches),
  };
}

const probe = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
const haveNumpy = !probe.error && probe.status === 0;

if (!haveNumpy) {
  console.log('\n  numpy not available: skipping the numpy reference comparison (python3 -c "import numpy" failed)\n');
  test.skip('numpy reference comparison (numpy not available)', () => {});
} else {
  const sets = SETS.map(inputs);
  const serial = (t) => ({ shape: [...t.shape], data: Array.from(t.data) });
  const request = {
    sets: sets.map((set) => Object.fromEntries(Object.entries(set).map(([k, v]) =>
      [k, 'data' in v ? serial(v) : Object.fromEntries(Object.entries(v).map(([p, t]) => [p, serial(t)]))]))),
  };
  let reference;
  test('the numpy reference script runs', () => {
    const run = spawnSync('python3', [SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
    assert.is(run.status, 0, `numpy_reference.py failed: ${run.error ?? ''} ${run.stderr}`);
    reference = JSON.parse(run.stdout).sets;
    assert.is(reference.length, SETS.length);
  });

  // Equal up to the last bits: V8's Math.log (fdlibm) and the C library's log, which numpy calls in its polar
  // Box–Muller step, differ by one ulp on a few inputs; every MT19937 output and uniform double is identical.
  test('RandomState draws what numpy.random.seed(s); numpy.random.randn(...) draws, to within 2 ulp', () => {
    const seeds = [0, 1, 123, 2 ** 32 - 1];
    const script = `import json, numpy as np\nout = []\nfor s in ${JSON.stringify(seeds)}:\n    np.random.seed(s)\n    out.append(np.random.randn(1001).tolist())\nprint(json.dumps(out))`;
    const run = spawnSync('python3', ['-c', script], { encoding: 'utf8', maxBuffer: 16 << 20 });
    assert.is(run.status, 0, run.stderr);
    JSON.parse(run.stdout).forEach((draws, i) => {
      assertClose(new rn.RandomState(seeds[i]).randn(1001).data, draws, { rel: 4.5e-16, abs: 0, label: `seed ${seeds[i]}` });
    });
  });

  SETS.forEach((s, index) => {
    test(`every output equals numpy: ${s.name}`, () => {
      assert.ok(reference, 'the reference ran');
      const expected = reference[index];
      const actual = ours(sets[index]);
      let compared = 0;
      for (const [fn, results] of Object.entries(expected)) {
        const mine = tensorsOf(actual[fn]);
        const keys = Object.keys(mine).filter((k) => !k.endsWith('.x')).sort();
        assert.equal(keys, Object.keys(results).sort(), `${fn}: the result keys`);
        for (const [key, want] of Object.entries(results)) {
          assert.equal([...mine[key].shape], want.shape, `${fn}.${key}: shape`);
          assertClose(mine[key], want.data, { rel: 1e-9, abs: 1e-12, label: `${fn}.${key}` });
          ++compared;
        }
      }
      // Forward: 2 + 2 + 3 + 3 with predictions (4 fewer without); backward: 5 + 5 + 11 + 11.
      assert.is(compared, s.prediction ? 42 : 38, 'the number of outputs compared');
    });
  });
}

test.run();
