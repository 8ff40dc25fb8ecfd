// `npx rnn-native train` with its defaults, this build against the previous release, in the same run: the previous
// release (PREVIOUS_RELEASE, or --previous=REV) is checked out into a temporary git worktree and installed with
// `npm ci` (which builds its addon), then both train one after the other and report characters per second.
// Skipped when git or the revision is not available.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The last commit before the scan engine (wave 2): one BLAS call per step in three copies of the time loop. */
export const PREVIOUS_RELEASE = 'd750ec1';

const root = fileURLToPath(new URL('../..', import.meta.url));
const git = (args, cwd = root) => spawnSync('git', args, { cwd, encoding: 'utf8' });

function train(dir, log, label) {
  const out = spawnSync(process.execPath, [join(dir, 'dist', 'cli', 'main.js'), 'train', '--json'], {
    cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (out.status !== 0) throw new Error(`${label}: rnn-native train exited ${out.status}`);
  const summary = JSON.parse(out.stdout.trim().split('\n').pop());
  log(`${label}: ${Math.round(summary.charsPerSecond)} characters/s, loss ${summary.initialLoss.toFixed(3)} -> ${summary.finalLoss.toFixed(3)}`);
  return { charsPerSecond: summary.charsPerSecond, seconds: summary.seconds, finalLoss: summary.finalLoss };
}

export async function run({ previous = PREVIOUS_RELEASE, log }) {
  if (git(['rev-parse', '--verify', `${previous}^{commit}`]).status !== 0) return { skipped: `previous release skipped: no commit ${previous}` };
  const dir = join(mkdtempSync(join(tmpdir(), 'rnn-native-previous-')), 'checkout');
  try {
    if (git(['worktree', 'add', '--detach', dir, previous]).status !== 0) return { skipped: `previous release skipped: git worktree add failed` };
    log(`previous release ${previous}: npm ci in ${dir}`);
    // Its own install script builds its addon, and `prepare` its dist/.
    const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
    if (install.status !== 0 || !existsSync(join(dir, 'dist', 'cli', 'main.js'))) return { skipped: 'previous release skipped: its npm ci failed' };
    const before = train(dir, log, `previous release ${previous}`);
    const now = train(root, log, 'this build');
    return { results: [], training: { previous, before, now, speedup: now.charsPerSecond / before.charsPerSecond }, notes: [] };
  } finally {
    git(['worktree', 'remove', '--force', dir]);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
}
