#!/usr/bin/env node
// Bundles the distribution for one Node major from that major's installed
// dependency set into the tree the image carries under /autoinstrumentation:
//   autoinstrumentation.js   tiny entry: guards, then loads lib/distribution.js
//   lib/distribution.js      the distribution with the SDK line of this major
//   lib/node_modules/import-in-the-middle/
//                            kept a package of its own: the wrappers its ESM loader
//                            generates import its lib/register.js by URL, and that
//                            module's state must be the one the instrumentations use
//   package.json             name, version, Node range
// Usage: node tools/bundle/bundle.mjs --major 20 --deps DIR --out DIR
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { major: { type: 'string' }, deps: { type: 'string' }, out: { type: 'string' } } });
if (!values.major || !values.deps || !values.out) {
  console.error('usage: node tools/bundle/bundle.mjs --major <major> --deps <dir holding node_modules> --out <dir>');
  process.exit(2);
}
const major = Number(values.major);
const depsDir = resolve(values.deps);
const outDir = resolve(values.out);
const versions = JSON.parse(readFileSync(join(repo, 'node-versions/versions.json'), 'utf8'));
const entry = versions.find((v) => v.major === major);
if (!entry) {
  console.error(`unknown major ${major}; supported: ${versions.map((v) => v.major).join(', ')}`);
  process.exit(2);
}
if (!existsSync(join(depsDir, 'node_modules'))) {
  console.error(`${depsDir}/node_modules is missing: install node-versions/${major} there first (npm ci --omit=dev)`);
  process.exit(2);
}
const distributionVersion = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version;
const lineFile = { '1.x': 'v1.ts', '2.x': 'v2.ts', '3.x': 'v3.ts' }[entry.sdkLine];
const buildInfo = {
  distributionVersion,
  imageName: 'custom-otel-autoinstrumentation-nodejs',
  major,
  nodeRange: entry.nodeRange,
  sdkLine: entry.sdkLine,
  images: versions.map((v) => ({ major: v.major, nodeRange: v.nodeRange })),
};
const srcDir = join(repo, 'src');

// Bare imports from src/ resolve in this major's dependency set (never in the
// repository's own node_modules), and as `require` so that dual ESM/CJS
// packages are loaded once, in their CommonJS form, like the instrumentations load them.
const resolveInDependencySet = {
  name: 'dependency-set',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'resolved' || args.path.startsWith('node:')) return undefined;
      if (args.path === 'import-in-the-middle') return { path: args.path, external: true };
      const fromSrc = args.importer.startsWith(srcDir + '/');
      if (!fromSrc && args.kind !== 'import-statement') return undefined;
      const result = await b.resolve(args.path, {
        kind: 'require-call',
        resolveDir: fromSrc ? depsDir : args.resolveDir,
        pluginData: 'resolved',
      });
      return result.errors.length ? { errors: result.errors } : { path: result.path, external: result.external, sideEffects: result.sideEffects };
    });
    // require-in-the-middle logs through `debug`, whose set-up (env, tty,
    // colours) costs start-up time for output nobody enables in a pod.
    b.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'debug-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'debug-stub' }, () => ({
      contents: 'function noop() {} module.exports = () => Object.assign(noop, { enabled: false, extend: module.exports });',
      loader: 'js',
    }));
    // src/sdk-line/index.ts stands for the line of this major.
    b.onResolve({ filter: /\/sdk-line$/ }, (args) => ({ path: join(srcDir, 'sdk-line', lineFile) }));
    // The instrumentation catalog becomes a static list of lazy requires.
    b.onResolve({ filter: /^\.\/catalog$/ }, (args) =>
      args.importer.startsWith(join(srcDir, 'instrumentations')) ? { path: 'catalog', namespace: 'catalog' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'catalog' }, () => {
      const manifest = JSON.parse(readFileSync(join(depsDir, 'node_modules/@opentelemetry/auto-instrumentations-node/package.json'), 'utf8'));
      const prefix = '@opentelemetry/instrumentation-';
      const names = Object.keys(manifest.dependencies).filter((name) => name.startsWith(prefix));
      const modules = JSON.parse(
        execFileSync(process.execPath, [join(repo, 'tools/bundle/instrumentation-modules.cjs'), depsDir, ...names], { encoding: 'utf8', maxBuffer: 16 << 20 }),
      );
      const list = names.map(
        (pkg) => `{ name: ${JSON.stringify(pkg.slice(prefix.length))}, modules: ${JSON.stringify(modules[pkg])}, load: () => require(${JSON.stringify(pkg)}) }`,
      );
      const unknown = names.filter((pkg) => modules[pkg] === null);
      if (unknown.length) console.log(`note: started eagerly, their patched modules could not be read at build time: ${unknown.join(', ')}`);
      // Resolved from the meta-package itself: some lines nest an instrumentation under it.
      return { contents: `export const catalog = [\n${list.join(',\n')}\n];\n`, loader: 'js', resolveDir: join(depsDir, 'node_modules/@opentelemetry/auto-instrumentations-node') };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  logLevel: 'warning',
  legalComments: 'linked',
  // Smaller source is less for V8 to scan at every start (measured: bench/).
  minify: true,
  define: { __CUSTOM_OTEL_BUILD__: JSON.stringify(buildInfo) },
};

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'lib'), { recursive: true });
const started = Date.now();

// The entry must parse on any runtime a pod might have, so it targets old Node.
await build({
  ...common,
  entryPoints: [join(srcDir, 'entry/autoinstrumentation.ts')],
  outfile: join(outDir, 'autoinstrumentation.js'),
  format: 'cjs',
  target: 'node12',
  external: ['./lib/distribution.js'],
  legalComments: 'none',
});
const distribution = await build({
  ...common,
  entryPoints: [join(srcDir, 'distribution.ts')],
  outfile: join(outDir, 'lib/distribution.js'),
  format: 'cjs',
  target: `node${entry.oldestNode}`,
  mainFields: ['main', 'module'],
  external: ['import-in-the-middle'],
  plugins: [resolveInDependencySet],
  metafile: Boolean(process.env.BUNDLE_METAFILE),
});
if (distribution.metafile) writeFileSync(process.env.BUNDLE_METAFILE, JSON.stringify(distribution.metafile));
await bundleImportInTheMiddle(join(depsDir, 'node_modules/import-in-the-middle'), join(outDir, 'lib/node_modules/import-in-the-middle'));

async function bundleImportInTheMiddle(from, to) {
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  mkdirSync(join(to, 'lib'), { recursive: true });
  copyFileSync(join(from, 'lib/register.js'), join(to, 'lib/register.js'));
  for (const license of ['LICENSE', 'NOTICE']) if (existsSync(join(from, license))) copyFileSync(join(from, license), join(to, license));
  await build({
    ...common,
    entryPoints: [join(from, 'index.js')],
    outfile: join(to, 'index.js'),
    format: 'cjs',
    target: `node${entry.oldestNode}`,
    external: ['./lib/register', './lib/register.js'],
  });
  if (entry.esm) {
    await build({
      ...common,
      entryPoints: [join(from, 'hook.mjs')],
      outfile: join(to, 'hook.mjs'),
      format: 'esm',
      target: `node${entry.oldestNode}`,
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    });
  }
  writeFileSync(join(to, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version, license: manifest.license, main: 'index.js' }, null, 2) + '\n');
}
writeFileSync(
  join(outDir, 'package.json'),
  JSON.stringify({ name: buildInfo.imageName, version: distributionVersion, private: true, type: 'commonjs', engines: { node: entry.nodeRange }, sdkLine: entry.sdkLine }, null, 2) + '\n',
);
console.log(`bundled node${major} (SDK ${entry.sdkLine}) into ${outDir} in ${Date.now() - started} ms`);
