// `npm run bench` starts here. The benchmark's peers (tfjs, onnxruntime-node, onnx-proto) are not in the
// contributor install: they live in bench/package.json and are installed into bench/node_modules when missing.
// bench/ being its own package, its files find 'rnn-native' through a link bench/node_modules/rnn-native -> the repository
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = fileURLToPath(new URL('.', import.meta.url));
const modules = join(bench, 'node_modules');
const { dependencies } = JSON.parse(readFileSync(join(bench, 'package.json'), 'utf8'));
const missing = Object.keys(dependencies).filter((name) => !existsSync(join(modules, name, 'package.json')));
if (missing.length > 0) {
  console.error(`bench: installing the peers ${missing.join(', ')} into bench/node_modules`);
  // onnxruntime-node's install script would download CUDA providers; this variable is its documented way to skip.
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: bench, stdio: 'inherit', env });
  if (npm.status !== 0) {
    console.error('bench: installing the peers failed');
    process.exit(npm.status ?? 1);
  }
}
if (!existsSync(join(modules, 'rnn-native'))) symlinkSync(join('..', '..'), join(modules, 'rnn-native'), 'dir');
