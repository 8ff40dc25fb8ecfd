// Disks that fail on purpose, for the tests of atomic saves (files, layer-files): a small tmpfs that fills up, and a
// save loop killed while a save is half written.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

/** The temporary files an atomic save leaves in `folder` (none unless a save was killed). */
export const temporaries = (folder) => readdirSync(folder).filter((name) => name.endsWith('.tmp'));

/** A fresh tmpfs of `size` mounted in a new folder under `parent`, or undefined (with a message) where mount is not permitted. */
export function mountTmpfs(parent, size, label) {
  const mountPoint = mkdtempSync(join(parent, 'tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint], { stdio: 'pipe' });
    return mountPoint;
  } catch (error) {
    console.log(`    SKIPPED (${label}): cannot mount a tmpfs here (${String(error.stderr || error.message).trim()})`);
    return undefined;
  }
}

export const unmount = (mountPoint) => execFileSync('umount', [mountPoint]);

/**
 * Runs support/save-loop-child.mjs saving to `target` over and over (`mode` as it takes it) and SIGKILLs it once one
 * save is done and the next has its temporary file open in `folder`. Returns how many saves had finished.
 */
export async function killMidSave(folder, target, ...mode) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./save-loop-child.mjs', import.meta.url)), target, ...mode]);
  let saved = 0;
  child.stdout.on('data', (chunk) => { saved = Number(/saved (\d+)\n$/.exec(String(chunk))?.[1] ?? saved); });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let caught = false;
  const deadline = performance.now() + 30_000;
  while (!caught && performance.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    if (saved >= 1 && temporaries(folder).length > 0) caught = child.kill('SIGKILL');
  }
  const { signal } = await exited;
  assert.ok(caught, 'never saw a save in progress');
  assert.is(signal, 'SIGKILL');
  return saved;
}
