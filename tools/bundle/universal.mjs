#!/usr/bin/env node
// Assembles the universal tree from staged per-major trees:
//   autoinstrumentation.js   tiny entry, built for Node 8: loads node<major>/autoinstrumentation.js
//                            of the tree whose range holds the running Node
//   node<major>/             each tree exactly as staged for that major's own image
//   package.json             name, version, the trees and their ranges
// With --sbom FILE it also writes the SBOM of every tree in one document
// (universal-sbom.mjs) there, made from node<major>.cdx.json beside each
// node<major>/ (as --stage-only and the per-major images' /sbom give them).
// A file byte-identical to one already placed (same content and mode) is a
// hard link to it: the image layer stores it once. (The operator's `cp -r`
// writes separate copies into the pod's volume; they are small.)
// Usage: node tools/bundle/universal.mjs --trees DIR (holding node<major>/) --out DIR [--sbom FILE]
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DISTRIBUTION_VERSION, IMAGE_NAME, readVersions, REPO_ROOT } from './repository.mjs';
import { mergeTreeSboms } from './universal-sbom.mjs';

const repo = REPO_ROOT;
const { values } = parseArgs({ options: { trees: { type: 'string' }, out: { type: 'string' }, sbom: { type: 'string' } } });
if (!values.trees || !values.out) {
  console.error('usage: node tools/bundle/universal.mjs --trees <dir holding node<major>/ trees> --out <dir> [--sbom <file>]');
  process.exit(2);
}
const treesDir = resolve(values.trees);
const outDir = resolve(values.out);
const versions = readVersions();
const distributionVersion = DISTRIBUTION_VERSION;
const imageName = IMAGE_NAME;

// Each tree says its own range (package.json engines.node, written by bundle.mjs).
const trees = readdirSync(treesDir)
  .map((name) => /^node(\d+)$/.exec(name))
  .filter(Boolean)
  .map((match) => {
    const manifest = join(treesDir, match[0], 'package.json');
    if (!existsSync(manifest)) {
      console.error(`${manifest} is missing: ${join(treesDir, match[0])} is not a staged tree`);
      process.exit(2);
    }
    return { major: Number(match[1]), nodeRange: JSON.parse(readFileSync(manifest, 'utf8')).engines.node };
  })
  .sort((a, b) => a.major - b.major);
if (trees.length === 0) {
  console.error(`${treesDir} holds no node<major>/ tree`);
  process.exit(2);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const started = Date.now();

/** Files under dir, relative, in a stable order. */
function filesUnder(dir, prefix = '') {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return filesUnder(dir, path);
      if (entry.isFile()) return [path];
      throw new Error(`${join(dir, path)}: only files and directories are expected in a staged tree`);
    });
}

const placed = new Map(); // content hash + mode -> first path holding it
let files = 0;
let linked = 0;
let bytes = 0;
for (const { major } of trees) {
  const from = join(treesDir, `node${major}`);
  for (const path of filesUnder(from)) {
    const source = join(from, path);
    const target = join(outDir, `node${major}`, path);
    mkdirSync(dirname(target), { recursive: true });
    const mode = statSync(source).mode & 0o7777;
    const key = `${createHash('sha256').update(readFileSync(source)).digest('hex')}:${mode.toString(8)}`;
    const first = placed.get(key);
    files++;
    if (first) {
      linkSync(first, target);
      linked++;
    } else {
      copyFileSync(source, target);
      placed.set(key, target);
      bytes += statSync(source).size;
    }
  }
}

const info = {
  distributionVersion,
  imageName,
  trees,
  images: versions.map((v) => ({ major: v.major, nodeRange: v.nodeRange })),
};
await build({
  entryPoints: [join(repo, 'src/entry/universal-autoinstrumentation.ts')],
  outfile: join(outDir, 'autoinstrumentation.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The one file every Node with this NODE_OPTIONS parses, whatever its version.
  target: 'node8',
  minify: !process.env.CUSTOM_OTEL_BUNDLE_READABLE,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __CUSTOM_OTEL_UNIVERSAL__: JSON.stringify(info) },
});
writeFileSync(
  join(outDir, 'package.json'),
  JSON.stringify(
    {
      name: imageName,
      version: distributionVersion,
      private: true,
      type: 'commonjs',
      engines: { node: trees.map((t) => t.nodeRange).join(' || ') },
      trees: Object.fromEntries(trees.map((t) => [`node${t.major}`, t.nodeRange])),
    },
    null,
    2,
  ) + '\n',
);
if (values.sbom) {
  const treeSboms = trees.map(({ major, nodeRange }) => {
    const file = join(treesDir, `node${major}.cdx.json`);
    if (!existsSync(file)) {
      console.error(`${file} is missing: the SBOM of the node${major} tree must lie beside it for --sbom`);
      process.exit(2);
    }
    return { major, nodeRange, sbom: JSON.parse(readFileSync(file, 'utf8')) };
  });
  const sbom = mergeTreeSboms({ trees: treeSboms, subject: { name: imageName, version: distributionVersion }, treeRoot: '/autoinstrumentation' });
  mkdirSync(dirname(resolve(values.sbom)), { recursive: true });
  writeFileSync(resolve(values.sbom), JSON.stringify(sbom, null, 2) + '\n');
  console.log(`SBOM of the universal tree: ${sbom.components.length} packages of ${trees.length} trees in ${values.sbom}`);
}
console.log(
  `assembled the universal tree of node ${trees.map((t) => t.major).join(', ')} into ${outDir} in ${Date.now() - started} ms: ` +
    `${files} tree files, ${linked} of them hard links to an identical file, ${bytes} bytes stored`,
);
