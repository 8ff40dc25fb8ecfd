// The layers' forward pass against a numpy implementation of LAYERS.md §1–2 (test/support/numpy_layers.py), float64,
// to 1e-10 relative: every cell, 1–3 layers, both directions and layouts, unsorted lengths with 0 and T among them,
// H on both sides of the kernel's vector and tiling thresholds. Skipped, with a visible message, where python3 with
// numpy is not available.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';

const SCRIPT = fileURLToPath(new URL('./support/numpy_layers.py', import.meta.url));

const CASES = [
  { cell: 'lstm', I: 3, H: 5, numLayers: 1, bidirectional: false, batchMajor: false, m: 4, T: 6, lengths: [6, 0, 3, 1] },
  { cell: 'lstm', I: 4, H: 17, numLayers: 2, bidirectional: true, batchMajor: true, m: 3, T: 5, lengths: [2, 5, 1] },
  { cell: 'gru', I: 2, H: 16, numLayers: 3, bidirectional: true, batchMajor: false, m: 5, T: 4, lengths: [4, 1, 0, 3, 2] },
  { cell: 'gru', resetAfter: false, I: 5, H: 33, numLayers: 2, bidirectional: true, batchMajor: true, m: 2, T: 5 },
  { cell: 'rnn', nonlinearity: 'tanh', I: 3, H: 15, numLayers: 2, bidirectional: false, batchMajor: false, m: 9, T: 3, lengths: [3, 3, 1, 2, 0, 3, 1, 2, 2] },
  { cell: 'rnn', nonlinearity: 'relu', I: 2, H: 64, numLayers: 1, bidirectional: true, batchMajor: true, m: 3, T: 4, lengths: [1, 4, 2] },
];

const CLASSES = { lstm: rn.Lstm, gru: rn.Gru, rnn: rn.Rnn };

function build(c, seed) {
  const r = new rn.RandomState(seed);
  const options = { inputSize: c.I, hiddenSize: c.H, numLayers: c.numLayers, bidirectional: c.bidirectional,
    layout: c.batchMajor ? 'batch-major' : 'time-major', dtype: 'float64', seed };
  if (c.resetAfter !== undefined) options.resetAfter = c.resetAfter;
  if (c.nonlinearity) options.nonlinearity = c.nonlinearity;
  const layer = new CLASSES[c.cell](options);
  const D = c.bidirectional ? 2 : 1;
  const x = r.randn(...(c.batchMajor ? [c.m, c.T, c.I] : [c.T, c.m, c.I]));
  const h0 = r.randn(c.numLayers * D, c.m, c.H);
  const c0 = c.cell === 'lstm' ? r.randn(c.numLayers * D, c.m, c.H) : undefined;
  return { layer, x, h0, c0 };
}

const probe = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
if (probe.error || probe.status !== 0) {
  console.log('\n  numpy not available: skipping the layers\' numpy comparison (python3 -c "import numpy" failed)\n');
  test.skip('layers against numpy (numpy not available)', () => {});
} else {
  test('every cell, stack, direction, layout and lengths agrees with numpy (float64, 1e-10)', () => {
    const serial = (t) => ({ shape: [...t.shape], data: Array.from(t.data) });
    const built = CASES.map((c, i) => build(c, 500 + i));
    const request = {
      cases: CASES.map((c, i) => {
        const { layer, x, h0, c0 } = built[i];
        const q = { cell: c.cell, resetAfter: c.resetAfter, nonlinearity: c.nonlinearity, numLayers: c.numLayers,
          bidirectional: c.bidirectional, batchMajor: c.batchMajor, x: serial(x), h0: serial(h0),
          params: Object.fromEntries(Object.entries(layer.parameters).map(([k, t]) => [k, serial(t)])) };
        if (c0) q.c0 = serial(c0);
        if (c.lengths) q.lengths = c.lengths;
        return q;
      }),
    };
    const run = spawnSync('python3', [SCRIPT], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20, timeout: 60_000 });
    assert.is(run.status, 0, `numpy_layers.py failed: ${run.error ?? ''} ${run.stderr}`);
    const reference = JSON.parse(run.stdout).cases;
    CASES.forEach((c, i) => {
      const { layer, x, h0, c0 } = built[i];
      const out = layer.forward(x, { h0, ...(c0 ? { c0 } : {}), ...(c.lengths ? { lengths: c.lengths } : {}) });
      for (const [name, expected] of Object.entries(reference[i])) {
        assert.equal([...out[name].shape], expected.shape, `case ${i} ${name}: shape`);
        const scale = Math.max(1, ...expected.data.map(Math.abs));
        let worst = 0;
        out[name].data.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - expected.data[j]) / scale); });
        assert.ok(worst < 1e-10, `case ${i} (${JSON.stringify(c)}) ${name}: relative error ${worst}`);
      }
    });
  });
}

test.run();
