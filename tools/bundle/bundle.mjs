#!/usr/bin/env node
// Bundles the distribution for one Node major from that major's installed
// dependency set into the tree the image carries under /autoinstrumentation:
//   autoinstrumentation.js       tiny entry: guards, then loads lib/distribution.js
//   instrument.js                launcher: runs a command instrumented, settings as flags
//   doctor.js                    checks the installation from inside a pod
//   lib/distribution.js          the core: our code and the SDK of this major's line
//   lib/instrumentations/*.js    one chunk per instrumentation package
//   lib/otlp-grpc.js, lib/otlp-http.js, lib/prometheus.js
//                                exporter chunks
//   lib/node_modules/import-in-the-middle/
//                                kept a package of its own: the wrappers its ESM loader
//                                generates import its lib/register.js by URL, and that
//                                module's state must be the one the instrumentations use
//   package.json                 name, version, Node range
// Chunks are read only when required, so start-up compiles just the core
// (V8 reads every byte of a file it loads). A module a chunk shares with the
// core (the API, the instrumentation base class, ...) is not copied into the
// chunk: it is taken from the core through a registry, so there is one instance.
// With --sbom FILE it also writes the tree's SBOM (sbom.mjs) there, outside the tree;
// with --metafiles DIR, esbuild's own metafile of each build (what the tests check the SBOM against).
// Usage: node tools/bundle/bundle.mjs --major 20 --deps DIR --out DIR [--sbom FILE] [--metafiles DIR]
import { build, version as esbuildVersion } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { DISTRIBUTION_VERSION, IMAGE_NAME, readVersions, REPO_ROOT as repo } from './repository.mjs';
import { contributingInputs, makeSbom } from './sbom.mjs';
import { CORE_ATTRIBUTES_FILE, cycleSetOnObjectsOnly } from './attribute-cycle-check.mjs';

const { values } = parseArgs({ options: { major: { type: 'string' }, deps: { type: 'string' }, out: { type: 'string' }, sbom: { type: 'string' }, metafiles: { type: 'string' } } });
if (!values.major || !values.deps || !values.out) {
  console.error('usage: node tools/bundle/bundle.mjs --major <major> --deps <dir holding node_modules> --out <dir>');
  process.exit(2);
}
const major = Number(values.major);
const depsDir = resolve(values.deps);
const outDir = resolve(values.out);
const versions = readVersions();
const entry = versions.find((v) => v.major === major);
if (!entry) {
  console.error(`unknown major ${major}; supported: ${versions.map((v) => v.major).join(', ')}`);
  process.exit(2);
}
if (!existsSync(join(depsDir, 'node_modules'))) {
  console.error(`${depsDir}/node_modules is missing: install node-versions/${major} there first (npm ci --omit=dev)`);
  process.exit(2);
}
const distributionVersion = DISTRIBUTION_VERSION;
const lineFile = { '1.x': 'v1.ts', '2.x': 'v2.ts', '3.x': 'v3.ts' }[entry.sdkLine];
const buildInfo = {
  distributionVersion,
  imageName: IMAGE_NAME,
  major,
  nodeRange: entry.nodeRange,
  sdkLine: entry.sdkLine,
  images: versions.map((v) => ({ major: v.major, nodeRange: v.nodeRange })),
};
const srcDir = join(repo, 'src');
const metaDir = join(depsDir, 'node_modules/@opentelemetry/auto-instrumentations-node');
const SHARED_REGISTRY = "globalThis[Symbol.for('custom-otel.nodejs.shared')]";

// ---------------------------------------------------------------- what goes where

const EXPORTER_CHUNKS = {
  // grpc-js too: our code builds gRPC metadata for OTLP headers with it; and
  // the exporter parts our gRPC trace exporter is assembled from (src/traces/grpc-trace-exporter.ts).
  'otlp-grpc': [
    '@opentelemetry/exporter-trace-otlp-grpc',
    '@opentelemetry/exporter-metrics-otlp-grpc',
    '@opentelemetry/exporter-logs-otlp-grpc',
    '@grpc/grpc-js',
    '@opentelemetry/otlp-grpc-exporter-base',
    '@opentelemetry/otlp-exporter-base',
    '@opentelemetry/otlp-transformer',
  ],
  'otlp-http': ['@opentelemetry/exporter-trace-otlp-proto', '@opentelemetry/exporter-metrics-otlp-proto', '@opentelemetry/exporter-logs-otlp-proto'],
  prometheus: ['@opentelemetry/exporter-prometheus'],
};
const chunkOfExporter = new Map(Object.entries(EXPORTER_CHUNKS).flatMap(([chunk, packages]) => packages.map((p) => [p, chunk])));

const INSTRUMENTATION_PREFIX = '@opentelemetry/instrumentation-';
const instrumentationPackages = Object.keys(JSON.parse(readFileSync(join(metaDir, 'package.json'), 'utf8')).dependencies).filter((name) =>
  name.startsWith(INSTRUMENTATION_PREFIX),
);
// The modules each instrumentation patches, asked of it in a child process:
// it is created at run time when one of them is first required.
const patchedModules = JSON.parse(
  execFileSync(process.execPath, [join(repo, 'tools/bundle/instrumentation-modules.cjs'), depsDir, ...instrumentationPackages], { encoding: 'utf8', maxBuffer: 16 << 20 }),
);
const shortName = (pkg) => pkg.slice(INSTRUMENTATION_PREFIX.length);

// ---------------------------------------------------------------- plugins

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
  legalComments: 'eof',
  // Smaller source is less for V8 to scan at every start.
  minify: !process.env.CUSTOM_OTEL_BUNDLE_READABLE,
  target: `node${entry.oldestNode}`,
  mainFields: ['main', 'module'],
  // Without esbuild's default `module` condition a package resolves to the files
  // Node's require would load. With it, @opentelemetry/api 1.9 came as its ES
  // build, and each of the SDK's reads of api_1.trace went through a getter.
  conditions: [],
  define: { __CUSTOM_OTEL_BUILD__: JSON.stringify(buildInfo) },
  metafile: true,
};

/** require-in-the-middle logs through `debug`, whose set-up costs start-up time for output nobody enables in a pod. */
const debugStub = {
  name: 'debug-stub',
  setup(b) {
    b.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'debug-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'debug-stub' }, () => ({
      contents: 'function noop() {} module.exports = () => Object.assign(noop, { enabled: false, extend: module.exports });',
      loader: 'js',
    }));
    b.onResolve({ filter: /^import-in-the-middle$/ }, () => ({ path: 'import-in-the-middle', external: true }));
  },
};

/**
 * Our bundled gRPC client (only our exporters use this copy) never holds the
 * app's event loop: its require('http2') gets sessions that stay unref'd
 * (src/unreffed-http2.ts), and its timers (call deadlines, keepalive, idle,
 * back-off, and the one it refs on purpose while calls are active) stay unref'd. The app's work alone decides when the loop ends;
 * what an export had not delivered by then goes with the exit delivery.
 */
const GRPC_JS_FILE = /[\\/]@grpc[\\/]grpc-js[\\/].*\.js$/;
const UNREFFED_TIMERS =
  'const unreffed = (t) => { if (t && t.unref) { t.unref(); t.ref = () => t; } return t; };' +
  'const setTimeout = (...a) => unreffed(globalThis.setTimeout(...a));' +
  'const setInterval = (...a) => unreffed(globalThis.setInterval(...a));\n';
const ourGrpcLetsTheLoopEnd = {
  name: 'our-grpc-lets-the-loop-end',
  setup(b) {
    b.onResolve({ filter: /^(node:)?http2$/ }, (args) =>
      /[\\/]@grpc[\\/]grpc-js[\\/]/.test(args.importer) ? { path: join(repo, 'src/unreffed-http2.ts') } : undefined,
    );
    b.onLoad({ filter: GRPC_JS_FILE }, (args) => ({ contents: UNREFFED_TIMERS + readFileSync(args.path, 'utf8'), loader: 'js', resolveDir: dirname(args.path) }));
  },
};

/** core's attribute check makes its set against cycles only for values of type object (attribute-cycle-check.mjs); another core is bundled as it is, said. */
const attributeCycleCheck = {
  name: 'attribute-cycle-check',
  setup(b) {
    b.onLoad({ filter: CORE_ATTRIBUTES_FILE }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const patched = cycleSetOnObjectsOnly(source);
      return patched === undefined
        ? { contents: source, loader: 'js', warnings: [{ text: `${args.path}: isAnyValue is not the one attribute-cycle-check.mjs was written against; bundled as it is (a WeakSet per attribute value)` }] }
        : { contents: patched, loader: 'js' };
    });
  },
};

/** The metrics SDK's utils module, required by path: the module the SDK loads itself (src/metrics/sdk-metrics-utils.ts). */
function metricsUtilsByPath(b) {
  b.onResolve({ filter: /\/sdk-metrics-utils$/ }, (args) =>
    args.importer.startsWith(srcDir + '/') ? { path: 'sdk-metrics-utils', namespace: 'sdk-metrics-utils' } : undefined,
  );
  b.onLoad({ filter: /.*/, namespace: 'sdk-metrics-utils' }, () => {
    const main = createRequire(join(depsDir, 'package.json')).resolve('@opentelemetry/sdk-metrics');
    const utils = join(dirname(main), `utils${extname(main)}`);
    return { contents: `exports.loadMetricsUtils = () => require(${JSON.stringify(utils)});\n`, loader: 'js', resolveDir: depsDir };
  });
}

/** The core: src/, with this major's SDK line, chunk references instead of chunk contents, and the shared-module registry. */
function corePlugin(registryKeys) {
  return {
    name: 'core',
    setup(b) {
      b.onResolve({ filter: /^custom-otel:core$/ }, () => ({ path: 'core', namespace: 'core-entry' }));
      b.onLoad({ filter: /.*/, namespace: 'core-entry' }, () => {
        const entries = registryKeys.map((key) => `${JSON.stringify(key)}: () => require(${JSON.stringify(join(depsDir, key))})`);
        return {
          contents: `const shared = {\n${entries.join(',\n')}\n};\n${SHARED_REGISTRY} = (key) => shared[key]();\nmodule.exports = require(${JSON.stringify(join(srcDir, 'distribution.ts'))});\n`,
          loader: 'js',
          resolveDir: depsDir,
        };
      });
      // Chunks stay files of their own, required by path at run time.
      b.onResolve({ filter: /^\.\/(instrumentations\/[^/]+|otlp-grpc|otlp-http|prometheus)\.js$/ }, (args) => ({ path: args.path, external: true }));
      b.onResolve({ filter: /^(@opentelemetry\/(exporter-|otlp-)|@grpc\/grpc-js$)/ }, (args) => {
        const chunk = chunkOfExporter.get(args.path);
        return chunk ? { path: args.path, namespace: 'exporter-ref', pluginData: chunk } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'exporter-ref' }, (args) => ({
        contents: `module.exports = require('./${args.pluginData}.js')[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
      // src/sdk-line/index.ts stands for the line of this major.
      b.onResolve({ filter: /\/sdk-line$/ }, () => ({ path: join(srcDir, 'sdk-line', lineFile) }));
      metricsUtilsByPath(b);
      // The catalog: each instrumentation, the modules it patches, and its chunk.
      b.onResolve({ filter: /^\.\/catalog$/ }, (args) =>
        args.importer.startsWith(join(srcDir, 'instrumentations')) ? { path: 'catalog', namespace: 'catalog' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'catalog' }, () => {
        const list = instrumentationPackages.map(
          (pkg) =>
            `{ name: ${JSON.stringify(shortName(pkg))}, modules: ${JSON.stringify(patchedModules[pkg])}, load: () => require('./instrumentations/${shortName(pkg)}.js') }`,
        );
        return { contents: `export const catalog = [\n${list.join(',\n')}\n];\n`, loader: 'js' };
      });
      // Bare imports from src/ resolve in this major's dependency set (never in
      // the repository's own node_modules), and as `require`, so that dual
      // ESM/CJS packages load once, in the CommonJS form the instrumentations use.
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'resolved' || args.path.startsWith('node:')) return undefined;
        const fromSrc = args.importer.startsWith(srcDir + '/');
        if (!fromSrc && args.kind !== 'import-statement') return undefined;
        const result = await b.resolve(args.path, { kind: 'require-call', resolveDir: fromSrc ? depsDir : args.resolveDir, pluginData: 'resolved' });
        return result.errors.length ? { errors: result.errors } : { path: result.path, external: result.external, sideEffects: result.sideEffects };
      });
    },
  };
}

/** In a chunk, a module the core already holds is taken from the core's registry. */
function sharedFromCore(coreFiles, usedKeys) {
  return {
    name: 'shared-from-core',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'resolved' || args.path.startsWith('node:') || args.path === 'debug' || args.path === 'import-in-the-middle') return undefined;
        const kind = args.kind === 'import-statement' ? 'require-call' : args.kind;
        const result = await b.resolve(args.path, { kind, resolveDir: args.resolveDir, pluginData: 'resolved' });
        // Not resolvable here (optional peers) or not in the core: esbuild's own handling applies.
        if (result.errors.length || result.external || !coreFiles.has(result.path)) return undefined;
        const key = relative(depsDir, result.path);
        usedKeys.add(key);
        return { path: key, namespace: 'shared' };
      });
      b.onLoad({ filter: /.*/, namespace: 'shared' }, (args) => ({ contents: `module.exports = ${SHARED_REGISTRY}(${JSON.stringify(args.path)});`, loader: 'js' }));
    },
  };
}

/** The tools resolve src/sdk-line to this major's line, like the core. */
const toolPlugin = {
  name: 'tool',
  setup(b) {
    b.onResolve({ filter: /\/sdk-line$/ }, () => ({ path: join(srcDir, 'sdk-line', lineFile) }));
    metricsUtilsByPath(b);
    // Bare imports from src/ (the doctor reads the configuration file with
    // yaml) resolve in this major's dependency set, as the core's do: the image
    // build has no repository node_modules to fall back on.
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'resolved' || args.path.startsWith('node:') || !args.importer.startsWith(srcDir + '/')) return undefined;
      const result = await b.resolve(args.path, { kind: args.kind, resolveDir: depsDir, pluginData: 'resolved' });
      return result.errors.length ? { errors: result.errors } : { path: result.path, external: result.external, sideEffects: result.sideEffects };
    });
  },
};

// ---------------------------------------------------------------- build

function inputFiles(metafile) {
  return new Set(Object.keys(metafile.inputs).filter((p) => !p.includes(':')).map((p) => resolve(p)));
}

function writeEntry(dir, name, contents) {
  const file = join(dir, `${name}.js`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, contents);
  return file;
}

/** Every input file that put bytes into the tree, for the SBOM. */
const treeInputs = new Set();
let metafileCount = 0;
const collect = (metafile) => {
  if (values.metafiles) {
    mkdirSync(values.metafiles, { recursive: true });
    writeFileSync(join(values.metafiles, `build-${++metafileCount}.json`), JSON.stringify(metafile));
  }
  // The chunk entry files written into the dependency set are ours, not the package's.
  for (const file of contributingInputs(metafile)) if (!file.includes('.custom-otel-entries')) treeInputs.add(file);
  return metafile;
};

async function buildCore(registryKeys) {
  const result = await build({
    ...common,
    entryPoints: [{ in: 'custom-otel:core', out: 'distribution' }],
    outdir: join(outDir, 'lib'),
    plugins: [debugStub, ourGrpcLetsTheLoopEnd, attributeCycleCheck, corePlugin(registryKeys)],
  });
  return result.metafile;
}

async function bundleImportInTheMiddle(from, to) {
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  mkdirSync(join(to, 'lib'), { recursive: true });
  copyFileSync(join(from, 'lib/register.js'), join(to, 'lib/register.js'));
  treeInputs.add(join(from, 'lib/register.js'));
  for (const license of ['LICENSE', 'NOTICE']) if (existsSync(join(from, license))) copyFileSync(join(from, license), join(to, license));
  collect((await build({ ...common, entryPoints: [join(from, 'index.js')], outfile: join(to, 'index.js'), external: ['./lib/register', './lib/register.js'] })).metafile);
  if (entry.esm) {
    // hook.mjs: the loader-thread hooks for module.register; register-hooks.mjs
    // (when this IITM has it): the same hooks run in-thread by
    // module.registerHooks. Both stay at the package root, since the code
    // they generate imports lib/register.js relative to their own URL.
    const hookFiles = ['hook.mjs', 'register-hooks.mjs'].filter((file) => existsSync(join(from, file)));
    for (const file of hookFiles) {
      const hook = await build({
        ...common,
        entryPoints: [join(from, file)],
        outfile: join(to, file),
        format: 'esm',
        banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      });
      collect(hook.metafile);
    }
  }
  writeFileSync(join(to, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version, license: manifest.license, main: 'index.js' }, null, 2) + '\n');
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'lib'), { recursive: true });
const started = Date.now();

// The entry must parse on any runtime a pod might have, so it targets old Node.
await build({
  ...common,
  metafile: false,
  entryPoints: [join(srcDir, 'entry/autoinstrumentation.ts')],
  outfile: join(outDir, 'autoinstrumentation.js'),
  target: 'node12',
  external: ['./lib/distribution.js'],
  legalComments: 'none',
});

// The tools a person runs in a pod or next to an app: the launcher
// (instrument.js) and the doctor (doctor.js). Self-contained, old-runtime
// syntax like the entry: they may be run by any Node.
for (const tool of ['instrument', 'doctor']) {
  const source = join(srcDir, tool === 'instrument' ? 'launcher/instrument.ts' : 'doctor/doctor.ts');
  if (!existsSync(source)) continue;
  await build({
    ...common,
    metafile: false,
    entryPoints: [source],
    outfile: join(outDir, `${tool}.js`),
    target: 'node12',
    external: ['./lib/distribution.js'],
    legalComments: 'none',
    plugins: [toolPlugin],
  });
}

// 1. The core, to learn which files it holds.
const coreFiles = inputFiles(await buildCore([]));

/**
 * An instrumentation chunk's source: the package's exports, and for the HTTP
 * instrumentation its utils module too (its attribute builders, which
 * src/instrumentations/http-server-channels.ts calls; the catalog's
 * development form adds them the same way).
 */
function instrumentationEntry(pkg) {
  if (pkg !== `${INSTRUMENTATION_PREFIX}http`) return `module.exports = require(${JSON.stringify(pkg)});\n`;
  const main = createRequire(join(metaDir, 'package.json')).resolve(pkg);
  const utils = join(dirname(main), `utils${extname(main)}`);
  return `module.exports = Object.assign({}, require(${JSON.stringify(pkg)}), { utils: require(${JSON.stringify(utils)}) });\n`;
}

// 2. The chunks, taking those files from the core. Entry files are written
//    inside the dependency set so that its node_modules resolve from them.
const entriesDir = join(metaDir, '.custom-otel-entries');
rmSync(entriesDir, { recursive: true, force: true });
const chunkEntries = [
  ...instrumentationPackages.map((pkg) => ({ in: writeEntry(entriesDir, `instrumentations/${shortName(pkg)}`, instrumentationEntry(pkg)), out: `instrumentations/${shortName(pkg)}` })),
  ...Object.entries(EXPORTER_CHUNKS).map(([chunk, packages]) => ({
    in: writeEntry(
      entriesDir,
      chunk,
      packages.map((p) => `Object.defineProperty(exports, ${JSON.stringify(p)}, { enumerable: true, get: () => require(${JSON.stringify(p)}) });`).join('\n') + '\n',
    ),
    out: chunk,
  })),
];
const registryKeys = new Set();
collect((await build({ ...common, entryPoints: chunkEntries, outdir: join(outDir, 'lib'), plugins: [debugStub, ourGrpcLetsTheLoopEnd, attributeCycleCheck, sharedFromCore(coreFiles, registryKeys)] })).metafile);
rmSync(entriesDir, { recursive: true, force: true });

// 3. The core again, now with the registry of what the chunks take from it.
collect(await buildCore([...registryKeys].sort()));
await bundleImportInTheMiddle(join(depsDir, 'node_modules/import-in-the-middle'), join(outDir, 'lib/node_modules/import-in-the-middle'));

writeFileSync(
  join(outDir, 'package.json'),
  JSON.stringify({ name: buildInfo.imageName, version: distributionVersion, private: true, type: 'commonjs', engines: { node: entry.nodeRange }, sdkLine: entry.sdkLine }, null, 2) + '\n',
);
if (values.sbom) {
  const sbom = makeSbom({
    inputs: treeInputs,
    depsDir,
    lock: JSON.parse(readFileSync(join(depsDir, 'package-lock.json'), 'utf8')),
    subject: { name: buildInfo.imageName, version: distributionVersion, major, nodeRange: entry.nodeRange, sdkLine: entry.sdkLine },
    tool: { name: 'esbuild', version: esbuildVersion },
  });
  mkdirSync(dirname(resolve(values.sbom)), { recursive: true });
  writeFileSync(resolve(values.sbom), JSON.stringify(sbom, null, 2) + '\n');
  console.log(`SBOM of node${major}: ${sbom.components.length} packages in ${values.sbom}`);
}
const unknown = instrumentationPackages.filter((pkg) => patchedModules[pkg] === null);
if (unknown.length) console.log(`note: created at start-up, their patched modules could not be read at build time: ${unknown.map(shortName).join(', ')}`);
console.log(`bundled node${major} (SDK ${entry.sdkLine}) into ${outDir} in ${Date.now() - started} ms; ${registryKeys.size} modules shared between core and chunks`);
