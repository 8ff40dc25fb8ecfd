// The command in a real terminal: `rnn-native train` inside tmux at 40, 50, 80 and 200 columns. Nothing it prints,
// the progress line while it redraws included, may wrap: with tmux's -J (wrapped lines joined back), every line of
// the screen must still fit in the terminal. Skipped, with a message, where tmux is not installed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const socket = `rnn-native-test-${process.pid}`;
const tmux = (...args) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });

/** The whole screen and scrollback of a train run in a `columns`-wide terminal, wrapped lines joined. */
async function screenOf(columns) {
  const command = `${process.execPath} ${cli} train dinosaurs --steps 400 --hidden 16 --batch 8 --seq-length 12 --samples 3; echo __DONE__; sleep 60`;
  const started = tmux('new-session', '-d', '-s', `w${columns}`, '-x', String(columns), '-y', '60', command);
  assert.is(started.status, 0, started.stderr);
  for (let waited = 0; waited < 120_000; waited += 200) {
    const screen = tmux('capture-pane', '-p', '-J', '-t', `w${columns}`, '-S', '-500').stdout;
    if (screen.includes('__DONE__')) return screen.split('\n').map((line) => line.trimEnd());
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the run at ${columns} columns did not finish`);
}

if (!hasTmux) {
  console.log('cli-terminal: tmux is not installed, skipping the terminal-width tests');
} else {
  for (const columns of [40, 50, 80, 200]) {
    test(`at ${columns} columns nothing wraps: progress line, curve, legend and prose fit`, async () => {
      const lines = await screenOf(columns);
      for (const line of lines) assert.ok(line.length < columns, `${line.length} ≥ ${columns} characters (wrapped): ${JSON.stringify(line)}`);
      const progress = lines.filter((line) => /^400\/400 /.test(line));
      assert.is(progress.length, 1, 'one final progress line, no fragments of earlier redraws');
      assert.match(progress[0], /loss \d\.\d{3}/);
      if (columns >= 50) assert.match(progress[0], /val \d\.\d{3}/);
      if (columns >= 80) assert.match(progress[0], /\[#{5,}\].*chars\/s  took /);
      assert.ok(lines.some((line) => /^\s+\+-{10,}$/.test(line)), 'the curve has its x axis');
      assert.ok(lines.join(' ').includes('o validation (held-out lines)'), 'the legend');
      assert.ok(lines.some((line) => line.startsWith('Samples:')));
    });
  }
  test.after(() => tmux('kill-server'));
}

test.run();
