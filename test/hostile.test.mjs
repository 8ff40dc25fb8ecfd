// Arguments that try to make the native code read or write past the end of an array (issue 4: "none crashes"):
// getters and Proxy traps that detach or shrink an already checked buffer while the call reads its later
// arguments, typed arrays whose `length`, prototype, `constructor` or species lie, and shapes that change between
// reads. Each must end in the SPEC's TypeError or RangeError naming the argument, or in the right result — never in
// a crash. The cases run in one child process (test/support/hostile-child.mjs), since a failure kills the process.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./support/hostile-child.mjs', import.meta.url));
const outcomes = {};
const crashes = [];
const CASES = 21;
// Run the cases in a child; when one crashes it, note the crash and go on from the next case in a new child.
for (let first = 0, started = []; first < CASES; first += started.length) {
  const run = spawnSync(process.execPath, [child, String(first)], { encoding: 'utf8', timeout: 60_000 });
  const lines = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  for (const l of lines) if (l.name) outcomes[l.name] = l;
  started = lines.filter((l) => l.start);
  const last = started.at(-1)?.start;
  if (run.status === 0 && run.signal === null) break;
  crashes.push(`"${last}": ${run.signal ?? `exit ${run.status}`} ${run.stderr.split('\n').slice(0, 3).join(' ')}`);
  outcomes[last] ??= { crashed: run.signal ?? `exit ${run.status}` };
  if (started.length === 0) break;
}

test('no case crashed the child process, and every case ran', () => {
  assert.equal(crashes, [], `crashes:\n${crashes.join('\n')}`);
  assert.is(Object.keys(outcomes).length, CASES, 'cases run');
});

function outcome(name) {
  const o = outcomes[name];
  assert.ok(o, `"${name}" did not run`);
  assert.not.ok(o.crashed, `"${name}" crashed the process (${o.crashed})`);
  return o;
}

const stale = (name) => new RegExp(`^${name}\\.data has \\d+ values but its shape \\([\\d, ]+\\) needs \\d+: its ArrayBuffer was detached or resized while the call read its other arguments$`);

const errors = [
  ['opts.c0 getter detaches x (lstmForward)', RangeError, stale('x')],
  ['opts.c0 getter detaches x (lstmForwardAsync)', RangeError, stale('x')],
  ['aPrev.shape getter detaches xt (rnnCellForward)', RangeError, stale('xt')],
  ['dcNext.shape getter detaches daNext (lstmCellBackward)', RangeError, stale('daNext')],
  ['params.by getter detaches ba (rnnForward)', RangeError, stale('ba')],
  ['a0.shape getter shrinks the resizable buffer of x (rnnForward)', RangeError, stale('x')],
  ['a Float64Array subclass whose length says 3,000,000 (rnnForward)', RangeError, /^x\.data has 3 values but its shape \(3, 1000, 1000\) needs 3000000$/],
  ['a Float64Array subclass whose length says 1 (sigmoid)', RangeError, /^z\.data has 1048576 values but its shape \(1\) needs 1$/],
  ['a Float32Array subclass whose length says 1 (softmax)', RangeError, /^z\.data has 1048576 values but its shape \(1\) needs 1$/],
  ['a Uint8Array with the prototype of Float64Array (rnnForward)', TypeError, /^x\.data must be a Float64Array or Float32Array, got Uint8Array$/],
  ['a Float32Array with the prototype of Float64Array among float64 parameters (lstmForward)', TypeError,
    /^x is a Float32Array, but Wf set this call's dtype to Float64Array/],
  ['a Proxy of a Float64Array as data (rnnBackward)', TypeError, /^da\.data must be a Float64Array or Float32Array, got a Proxy$/],
  ...['Adam', 'Sgd'].map((name) => [`a parameter on a resizable ArrayBuffer grows between two ${name} steps`, RangeError,
    /^the parameter of grads\.dW has 64000 values, but had 1000 at its first step: a parameter must keep its size from step to step/]),
];

for (const name of ['a patched TypedArray.prototype.set detaches x (lstmForward)', 'a patched TypedArray.prototype.set detaches x (rnnForward)',
  'a patched TypedArray.prototype.set detaches the array it writes (CharModel.trainStepAsync)',
  'a patched TypedArray iterator detaches the array it walks (CharModel.sample)']) {
  test(`${name}: never called after the last check, so the result equals a plain call`, () => {
    const o = outcome(name);
    assert.is(o.error, undefined, `${o.error}: ${o.message}`);
    assert.is(o.result, o.plain);
  });
}

for (const [name, ErrorClass, message] of errors) {
  test(`${name}: a ${ErrorClass.name} naming the argument`, () => {
    const o = outcome(name);
    assert.is(o.error, ErrorClass.name, `expected a ${ErrorClass.name}, got ${o.error ? `${o.error}: ${o.message}` : `a result (${o.result})`}`);
    assert.match(o.message, message);
  });
}

test('an own constructor property cannot choose the output array (sigmoid): the result equals a plain call', () => {
  const o = outcome('an own constructor property that returns a 1-value array (sigmoid)');
  assert.is(o.error, undefined, `${o.error}: ${o.message}`);
  assert.is(o.result, o.plain);
});

test('a species cannot choose the copy an async call makes (rnnForwardAsync): the result equals a plain call', () => {
  const o = outcome('a species that copies into a Uint8Array (rnnForwardAsync)');
  assert.is(o.error, undefined, `${o.error}: ${o.message}`);
  assert.is(o.result, o.plain);
});

test('a shape whose dimension changes between reads gives the plain result or a shape error, never a mismatch', () => {
  const o = outcome('a shape whose dimension changes from one read to the next (lstmForward)');
  if (o.error) assert.ok(['TypeError', 'RangeError'].includes(o.error) && /^x\b/.test(o.message), `${o.error}: ${o.message}`);
  else assert.is(o.result, o.plain);
});

test.run();
