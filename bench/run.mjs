// npm run bench [-- --quick] [--only=lstm|rnn|layers] [--shapes=notebook,small,medium,large] [--out=dir]
//                [--previous=REV | --skip-previous]
// Times this package against numpy, onnxruntime-node and tfjs (wasm), against the GEMM roofline and the machine's FMA
// peak, and `rnn-native train` against the previous release; measures memory and page faults; prints a table and the
// targets, and writes <out>/latest.json and <out>/latest.svg (default out: bench/results).
// The recurrent layers (issue 10: Lstm, Gru against ORT's LSTM/GRU nodes and tfjs, variable lengths, inference memory)
// run too, after the notebook functions' peers of the same kind; --only=layers runs them alone (--only=lstm or rnn
// leaves them out). Their shapes are small, medium and large of --shapes (and the variable-length batch, always).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as rnn from 'rnn-native';
import { CELLS, SHAPES } from './inputs.mjs';
import { describeLayerMemory, describeMemory, measureLayerMemory, measureMemory } from './memory.mjs';
import * as layersPeer from './peers/layers.mjs';
import * as numpy from './peers/numpy.mjs';
import * as ort from './peers/ort.mjs';
import * as ours from './peers/ours.mjs';
import * as peak from './peers/peak.mjs';
import * as previousRelease from './peers/previous.mjs';
import * as roofline from './peers/roofline.mjs';
import * as tfjs from './peers/tfjs.mjs';
import { svg } from './report/svg.mjs';
import { layerTable, table } from './report/table.mjs';
import { describeTargets, evaluateTargets } from './report/targets.mjs';
import { TIMING } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    shapes: { type: 'string', default: Object.keys(SHAPES).join(',') },
    out: { type: 'string', default: fileURLToPath(new URL('results', import.meta.url)) },
    previous: { type: 'string', default: previousRelease.PREVIOUS_RELEASE },
    'skip-previous': { type: 'boolean', default: false },
  },
});
const shapes = args.shapes.split(',');
const layers = args.only === undefined || args.only === 'layers';
const cells = args.only === undefined ? CELLS : args.only === 'layers' ? [] : [args.only];
for (const s of shapes) if (!SHAPES[s]) throw new Error(`--shapes: unknown shape '${s}' (known: ${Object.keys(SHAPES).join(', ')})`);
if (!cells.every((c) => CELLS.includes(c))) throw new Error(`--only must be one of ${[...CELLS, 'layers'].join(', ')}`);

const timing = args.quick ? TIMING.quick : TIMING.full;
const log = (line) => console.error(`  ${line}`);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

const results = [];
const notes = [];
const skipped = [];
const versions = { node: process.version };
const extra = {};
// [name, peer, runs for the notebook functions (cells), runs for the layers]
const peers = [['ours', ours, true, false], ['ours layers', layersPeer, false, true], ['onnxruntime-node', ort, true, true],
  ['tfjs', tfjs, true, true], ['numpy', numpy, true, false], ['roofline', roofline, true, false], ['FMA peak', peak, true, false],
  ...(args['skip-previous'] ? [] : [['previous release', previousRelease, true, false]])]
  .filter(([, , forCells, forLayers]) => (forCells && cells.length > 0) || (forLayers && layers));
for (const [name, peer] of peers) {
  console.error(`[${elapsed()}] ${name}`);
  const out = await peer.run({ shapes, cells, layers, timing, quick: args.quick, previous: args.previous, log });
  if (out.skipped) {
    console.log(out.skipped);
    skipped.push(out.skipped);
    continue;
  }
  results.push(...out.results);
  notes.push(...out.notes);
  if (out.version) versions[name] = out.version;
  if (out.checks) extra.ortChecks = [...(extra.ortChecks ?? []), ...out.checks];
  if (out.gemms) extra.rooflineGemms = out.gemms;
  if (out.peak) extra.peak = out.peak;
  if (out.training) extra.training = out.training;
}

let memory;
if (cells.includes('lstm')) {
  console.error(`[${elapsed()}] memory`);
  memory = measureMemory({ quick: args.quick });
}
if (layers) {
  console.error(`[${elapsed()}] layer memory`);
  extra.layerMemory = measureLayerMemory();
}
console.error(`[${elapsed()}] done`);

const machine = {
  cpu: os.cpus()[0]?.model, cores: os.cpus().length, platform: `${os.platform()} ${os.release()}`,
  memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1), blas: rnn.blasInfo(), kernel: rnn.kernelInfo(),
};
const title = `rnn-native benchmark — ${machine.cpu} ×${machine.cores}, Node ${process.version}${args.quick ? ' (quick)' : ''}`;
const targets = evaluateTargets(results, memory, extra);

console.log(`\n${title}\nOpenBLAS: ${machine.blas.config}; recurrent kernel ${machine.kernel.recurrent} (${machine.kernel.isa}), ${machine.kernel.numThreads} threads; ` +
  Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', '));
if (cells.length > 0) console.log(`\n${table(results, { shapes, cells, peak: extra.peak })}\n`);
if (layers) console.log(`\n${layerTable(results)}\n`);
if (extra.training) {
  const { previous, before, now, speedup } = extra.training;
  console.log(`rnn-native train (defaults): ${Math.round(now.charsPerSecond)} characters/s, previous release ${previous} ${Math.round(before.charsPerSecond)}: ${speedup.toFixed(2)}×\n`);
}
for (const note of notes) console.log(`note: ${note}`);
for (const check of extra.ortChecks ?? []) {
  if (!check.ok) console.log(`WARNING: ORT ${check.cell} ${check.shape} differs from ours by ${check.maxAbsDifference} (> ${check.tolerance})`);
}
if (memory || extra.layerMemory) {
  console.log(`\nMemory\n${[...(memory ? describeMemory(memory) : []), ...(extra.layerMemory ? describeLayerMemory(extra.layerMemory) : [])].join('\n')}`);
}
console.log(`\nTargets\n${describeTargets(targets).join('\n')}`);

const outDir = resolve(args.out);
mkdirSync(outDir, { recursive: true });
const report = {
  date: new Date().toISOString(), machine, versions, options: { quick: args.quick, shapes, cells, layers }, timing,
  results, ...extra, memory, targets, notes, skipped,
};
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 1)}\n`);
writeFileSync(join(outDir, 'latest.svg'), svg(results, { shapes, cells, title }));
console.log(`\nwrote ${join(outDir, 'latest.json')} and ${join(outDir, 'latest.svg')} (${elapsed()})`);
