// Every TypeScript block of the README type-checks under `strict`, as an ES module (.mts) and as CommonJS (.cts),
// against the package's shipped types; every block that imports 'rnn-native' also runs (compiled by tsc) and prints.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = path.join(import.meta.dirname, '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const blocks = [...readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
const runnable = (code) => /from 'rnn-native'/.test(code);

// A project beside the README's blocks, where 'rnn-native' resolves to this package as it would for a user.
const work = mkdtempSync(path.join(os.tmpdir(), 'rnn-native-readme-'));
mkdirSync(path.join(work, 'node_modules'));
symlinkSync(root, path.join(work, 'node_modules', 'rnn-native'), 'dir');
blocks.forEach((code, i) => {
  // `export {}` makes a block without imports a module too, so blocks do not share one global scope.
  const source = runnable(code) ? code : `${code}\nexport {};\n`;
  writeFileSync(path.join(work, `block${i}.mts`), source);
  writeFileSync(path.join(work, `block${i}.cts`), source);
});

test('the README has TypeScript blocks, most of them runnable', () => {
  assert.ok(blocks.length >= 10, `${blocks.length} blocks`);
  assert.ok(blocks.filter(runnable).length >= 9, `${blocks.filter(runnable).length} runnable`);
});

test('every block type-checks under strict as ESM and as CommonJS; the runnable ones compile', () => {
  const files = readdirSync(work).filter((f) => /\.[mc]ts$/.test(f));
  try {
    execFileSync(process.execPath, [tsc, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
      '--types', 'node', '--typeRoots', path.join(root, 'node_modules', '@types'), '--skipLibCheck', '--outDir', path.join(work, 'out'), ...files], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.unreachable(`tsc failed on the README's blocks (block numbers count from 0):\n${error.stdout}${error.stderr}`);
  }
});

blocks.forEach((code, i) => {
  if (!runnable(code)) return;
  const first = code.split('\n').find((line) => line && !line.startsWith('import')) ?? '';
  for (const ext of ['mjs', 'cjs']) {
    test(`block ${i} runs as ${ext === 'mjs' ? 'ESM' : 'CommonJS'} and prints (${first.slice(0, 50)}…)`, () => {
      const run = spawnSync(process.execPath, [path.join(work, 'out', `block${i}.${ext}`)], { cwd: work, encoding: 'utf8' });
      assert.is(run.status, 0, run.stderr);
      assert.ok(run.stdout.trim().length > 0, 'it prints something');
    });
  }
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
