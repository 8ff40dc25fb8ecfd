// Run by files.test.mjs as `node save-loop-child.mjs <target>` and by layer-files.test.mjs as `node
// save-loop-child.mjs <target> layer`: saves models (or float64 Lstm layers) of seed 1, 2, 3, … to `target` over and
// over, printing `saved <seed>` after each, until killed. The parent sends SIGKILL while a save is being written.
import * as rn from 'rnn-native';

const [target, kind = 'model'] = process.argv.slice(2);
for (let seed = 1; ; ++seed) {
  if (kind === 'layer') new rn.Lstm({ inputSize: 64, hiddenSize: 256, dtype: 'float64', seed }).save(target);
  else rn.CharModel.create({ alphabet: '\nabcdefghijklmnopqrstuvwxyz', hiddenSize: 256, seed }).save(target);
  process.stdout.write(`saved ${seed}\n`);
}
