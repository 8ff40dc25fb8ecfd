// Run by files.test.mjs as `node save-loop-child.mjs <target>`: saves models of seed 1, 2, 3, … to `target` over and
// over, printing `saved <seed>` after each, until killed. The parent sends SIGKILL while a save is being written.
import * as rn from 'rnn-native';

const target = process.argv[2];
for (let seed = 1; ; ++seed) {
  rn.CharModel.create({ alphabet: '\nabcdefghijklmnopqrstuvwxyz', hiddenSize: 256, seed }).save(target);
  process.stdout.write(`saved ${seed}\n`);
}
