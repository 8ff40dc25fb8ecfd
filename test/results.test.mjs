// Results of small sync calls and small caches are carved from shared slabs (lib/tensor.ts): they must never
// overlap, survive slab rollovers, and a caller detaching one result's buffer must not break later calls. Async
// results (a kernel may still be writing them) always own their buffer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';
import * as V from './support/valid-inputs.mjs';

const forward = () => rn.lstmForward(V.input('x'), V.input('a0'), V.lstmParams());

test('many small results stay intact across slab rollovers (no two results overlap)', () => {
  const first = forward();
  const expected = Array.from(first.a.data);
  const kept = [];
  for (let i = 0; i < 300; ++i) kept.push(forward());
  kept.forEach((result, i) => assert.equal(Array.from(result.a.data), expected, `result ${i}`));
  const ranges = kept.flatMap(({ a, c }) => [a, c].map((t) => [t.data.buffer, t.data.byteOffset, t.data.byteOffset + t.data.byteLength]));
  for (let i = 0; i < ranges.length; ++i) {
    for (let j = i + 1; j < ranges.length; ++j) {
      const [bi, si, ei] = ranges[i];
      const [bj, sj, ej] = ranges[j];
      assert.ok(bi !== bj || ei <= sj || ej <= si, `results ${i} and ${j} overlap`);
    }
  }
});

test('caches (carved from shared slabs too) stay intact across many later calls', () => {
  const da = V.input('da');
  const old = forward();
  const expected = rn.lstmBackward(da, old.caches);
  for (let i = 0; i < 300; ++i) rn.lstmBackward(da, forward().caches);
  const again = rn.lstmBackward(da, old.caches);
  for (const key of Object.keys(expected)) assert.equal(Array.from(again[key].data), Array.from(expected[key].data), key);
});

test('detaching the buffer of a small result does not break later calls', () => {
  const expected = Array.from(forward().a.data);
  const victim = forward();
  structuredClone(victim.a.data.buffer, { transfer: [victim.a.data.buffer] });
  assert.is(victim.a.data.length, 0, 'the result is detached');
  for (let i = 0; i < 5; ++i) assert.equal(Array.from(forward().a.data), expected);
  const grads = rn.lstmBackward(V.input('da'), forward().caches);
  assert.ok(grads.dWf.data.length > 0);
});

test('async results own their buffer', async () => {
  const [one, two] = await Promise.all([1, 2].map(() => rn.lstmForwardAsync(V.input('x'), V.input('a0'), V.lstmParams())));
  assert.is.not(one.a.data.buffer, two.a.data.buffer);
  const sync = forward();
  assert.is.not(sync.a.data.buffer, one.a.data.buffer);
  assert.equal(Array.from(one.a.data), Array.from(sync.a.data));
});

test.run();
