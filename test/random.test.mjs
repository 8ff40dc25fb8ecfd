// RandomState's own argument checks: a wrong type is a TypeError, a wrong value a RangeError, and a draw too large
// for one array is refused before anything is allocated. (Its draws against numpy are in numpy.test.mjs.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as rn from 'rnn-native';

test('seeds: numbers in [0, 2^32) only', () => {
  assert.throws(() => new rn.RandomState('1'), (e) => e instanceof TypeError && /seed must be a number, got a string/.test(e.message));
  assert.throws(() => new rn.RandomState(), (e) => e instanceof TypeError && /got undefined/.test(e.message));
  for (const bad of [-1, 1.5, 2 ** 32, NaN]) {
    assert.throws(() => new rn.RandomState(bad), (e) => e instanceof RangeError && /seed must be an integer in \[0, 2\^32\)/.test(e.message), String(bad));
  }
  assert.is(new rn.RandomState(2 ** 32 - 1).uint32(), new rn.RandomState(2 ** 32 - 1).uint32());
});

test('randn: at least one positive integer dimension, and sizes one array can hold', () => {
  const r = new rn.RandomState(1);
  assert.throws(() => r.randn(), (e) => e instanceof TypeError && /at least one dimension/.test(e.message));
  assert.throws(() => r.randn('3'), (e) => e instanceof TypeError && /dimensions must be numbers, got a string/.test(e.message));
  assert.throws(() => r.randn(0, 3), (e) => e instanceof RangeError && /positive integers, got \(0, 3\)/.test(e.message));
  assert.throws(() => r.randn(2 ** 16, 2 ** 16), (e) => e instanceof RangeError && /sizes too large: .* = 4294967296/.test(e.message));
  assert.equal(r.randn(2, 3).shape, [2, 3]);
});

test.run();
