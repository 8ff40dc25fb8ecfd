#!/usr/bin/env node
// `npm pack` and `npm publish` ship package.json as it is on disk. `strip` (prepack) swaps in the users' manifest:
// of the scripts only `install` (the rest need the repository's tests, benchmarks and tsconfig.json, which the
// tarball does not ship), no devDependencies. The contributors' manifest waits in .package.json.contributors until
// `restore` (postpack) puts it back.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const manifest = path.join(root, 'package.json');
const kept = path.join(root, '.package.json.contributors');

const mode = process.argv[2];
if (mode === 'strip') {
  if (fs.existsSync(kept)) {
    console.error(`rnn-native: ${kept} exists: an earlier pack did not finish; run \`node scripts/pack-manifest.js restore\` first`);
    process.exit(1);
  }
  const text = fs.readFileSync(manifest, 'utf8');
  const { scripts, devDependencies: _, ...rest } = JSON.parse(text);
  fs.writeFileSync(kept, text);
  fs.writeFileSync(manifest, `${JSON.stringify({ ...rest, scripts: { install: scripts.install } }, null, 2)}\n`);
} else if (mode === 'restore') {
  if (fs.existsSync(kept)) fs.renameSync(kept, manifest);
} else {
  console.error('usage: node scripts/pack-manifest.js strip|restore');
  process.exit(2);
}
