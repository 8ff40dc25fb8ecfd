// The recycled blocks behind multi-megabyte results and caches (native/kernels/large_blocks.h), each scenario in a
// child process with GC exposed (test/support/large-blocks-child.mjs): reuse without new mappings or page faults,
// the same bits as Node's allocator, a bounded synchronous loop, the idle limit, transfer to a worker, the opt-out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MB = 2 ** 20;
const sanitized = (process.env.LD_PRELOAD ?? '').includes('libasan');
const child = fileURLToPath(new URL('./support/large-blocks-child.mjs', import.meta.url));

function scenario(name, env = {}) {
  const run = spawnSync(process.execPath, ['--expose-gc', child, name], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  assert.is(run.signal, null, `${name}: killed by ${run.signal}\n${run.stderr}`);
  assert.is(run.status, 0, `${name}: exited with ${run.status}\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

const system = scenario('system', { RNN_NATIVE_MALLOC: 'system' });
// Builds from source have the pool wherever this Node's own headers are installed (scripts/node-gyp.js).
const { nodeHeaders } = createRequire(import.meta.url)('../scripts/node-gyp.js');
const recycled = scenario('recycled');
const { pooled } = recycled;
const transfer = scenario('transfer');
if (!pooled && nodeHeaders() === undefined) console.log(`    skipped: no headers of this Node (${process.version}) to build the recycled blocks with`);
const poolTest = pooled || nodeHeaders() !== undefined ? test : test.skip;

poolTest('calls of the same sizes reuse their blocks: no new mappings, no page faults, the same bits as Node allocates', () => {
  const r = recycled;
  console.log(`    after warm-up: ${r.warm.mappedBytes / MB} MiB mapped, then ${r.after.mappedBytes / MB}; ${r.faultsPerCall} page faults a call`);
  assert.ok(r.pooled, 'the results of this shape come from the pool');
  assert.ok(r.same, 'every call gave the same bits');
  assert.is(r.after.peakLiveBytes, r.warm.peakLiveBytes, 'no call held more than the warm-up did');
  assert.is(r.after.mappedBytes, r.warm.mappedBytes, 'no block was mapped after the warm-up');
  assert.ok(r.after.idleBlocks > 0, 'freed blocks wait for reuse');
  // A fresh 12 MiB of results and caches would be about 3,000 faults a call. Under AddressSanitizer (npm run
  // test:sanitize) its quarantine keeps small allocations from being reused, and those fault instead.
  if (!sanitized) assert.ok(r.faultsPerCall < 20, `${r.faultsPerCall} page faults a call`);
});

test('RNN_NATIVE_MALLOC=system turns the pool off, with the same results', () => {
  assert.is(system.info.enabled, false);
  assert.is(system.served, false, 'largeArrayBuffer serves nothing');
  assert.is(system.info.mappedBytes, 0);
  assert.is(transfer.there, system.bits, 'the pooled results have the bits of the system-allocated ones');
});

poolTest('a synchronous loop of large calls stays bounded: blocks come back as the collector frees results', () => {
  const r = scenario('syncLoop');
  console.log(`    ${r.calls} calls of ${(r.bytesPerCall / MB).toFixed(1)} MB each: peak RSS growth ${(r.peakGrowth / MB).toFixed(0)} MB, ${(r.info.mappedBytes / MB).toFixed(0)} MiB mapped`);
  // Without blocks coming back until the loop returns, it would hold calls × bytesPerCall (1.9 GB).
  assert.ok(r.peakGrowth < 0.25 * r.calls * r.bytesPerCall, `peak RSS growth ${(r.peakGrowth / MB).toFixed(0)} MB`);
  assert.ok(r.info.mappedBytes < 0.25 * r.calls * r.bytesPerCall, `${r.info.mappedBytes / MB} MiB mapped`);
});

poolTest("the pool never holds more than the program's high-water mark of live arrays; small sizes are not served", () => {
  const r = scenario('bounded');
  const mib = (bytes) => `${(bytes / MB).toFixed(0)} MiB`;
  console.log(`    live ${mib(r.live.liveBytes)}; freed: ${mib(r.freed.idleBytes)} idle; with a new 400 MiB block: ${mib(r.withBig.idleBytes)} idle, ${mib(r.withBig.mappedBytes)} mapped`);
  assert.is(r.live.liveBytes, 460 * MB);
  assert.is(r.live.peakLiveBytes, 460 * MB);
  // The collector may still hold a block or two: it frees them on a background thread.
  assert.ok(r.freed.idleBytes >= 0.9 * 460 * MB, 'the freed blocks wait for reuse: the program held that much');
  assert.ok(r.withBig.liveBytes >= 400 * MB && r.withBig.liveBytes <= r.freed.liveBytes + 400 * MB, 'the new block is handed out');
  assert.ok(r.withBig.mappedBytes <= 460 * MB, `${mib(r.withBig.mappedBytes)} mapped: idle blocks were not evicted`);
  // 400 MiB live beside at most 460 mapped: at least 354 of the 414+ idle MiB went back to the system. How much
  // stays depends on which blocks the collector had freed by then.
  assert.ok(r.withBig.idleBytes <= 60 * MB, `${mib(r.withBig.idleBytes)} idle: blocks were not evicted for the new one`);
  assert.ok(r.small, 'a 1 MiB request is left to Node');
});

poolTest('a pooled result moved to a worker keeps its values there, is detached here, and comes back with the worker', () => {
  const r = transfer;
  assert.is(r.there, r.bits);
  assert.ok(r.detachedHere);
  assert.ok(r.withWorker >= 4 * MB, 'the worker holds the block');
  assert.ok(r.after <= r.withWorker - 4 * MB, `${r.withWorker / MB} MiB handed out with the worker, ${r.after / MB} after it`);
});

test.run();
