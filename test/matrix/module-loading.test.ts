/**
 * Whatever upstream instruments, ours instruments too, however the app loads
 * the module. Real packages from npm (test/fixtures/module-loading, its own
 * lockfile) are loaded in each way an app can name them (eleven), under our staged
 * tree and under upstream's register (@opentelemetry/auto-instrumentations-node
 * of the same SDK line, from the same lockfile), on a real runtime; the
 * instrumentation scopes of the spans that reach a real OTLP receiver are
 * compared. Representative packages: mysql2, pg, express (with node:http
 * server and client). Ours runs with CUSTOM_OTEL_EXPRESS_SPANS=handlers, so
 * that express is instrumented by the same upstream instrumentation and the
 * scopes compare one to one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { operatorEnv, startApp } from '../support/app-process';
import { ensureLockedDependencies } from '../support/test-app-prerequisites';
import { nodeOf, runtimeOf, stagedTreeOf } from './support/staged-majors';

const FIXTURE = join(__dirname, '../fixtures/module-loading');
const WAYS = join(FIXTURE, 'ways');
const PACKAGES = ['mysql2', 'pg', 'express'] as const;
type Package = (typeof PACKAGES)[number];
/** The 3.x line (Node 22 and later): upstream's register in the fixture is of that line. */
const MAJORS = (process.env.MATRIX_MAJORS?.split(',').map(Number) ?? [24, 22]).filter((major) => major >= 22);

const WAYS_OF_LOADING: Record<string, (pkg: Package) => { script: string; cwd: string }> = {
  'a bare specifier': () => ({ script: join(WAYS, 'bare.cjs'), cwd: FIXTURE }),
  'an absolute path': () => ({ script: join(WAYS, 'absolute-path.cjs'), cwd: FIXTURE }),
  'require.resolve with paths': () => ({ script: join(WAYS, 'resolve-paths.cjs'), cwd: FIXTURE }),
  'a package.json "imports" alias': () => ({ script: join(WAYS, 'imports-alias.cjs'), cwd: FIXTURE }),
  'Module._load': () => ({ script: join(WAYS, 'module-load.cjs'), cwd: FIXTURE }),
  'a pnpm layout (symlinks into .pnpm)': () => ({ script: join(pnpmApp, 'bare.cjs'), cwd: pnpmApp }),
  'createRequire from an ES module': () => ({ script: join(WAYS, 'create-require.mjs'), cwd: FIXTURE }),
  'import() from a CommonJS entry': () => ({ script: join(WAYS, 'dynamic-import.cjs'), cwd: FIXTURE }),
  'import from an ES module': (pkg) => ({ script: join(WAYS, `esm-import-${pkg}.mjs`), cwd: FIXTURE }),
  'import by file URL from an ES module': () => ({ script: join(WAYS, 'esm-import-path.mjs'), cwd: FIXTURE }),
  'import of an "imports" alias from an ES module': () => ({ script: join(WAYS, 'esm-imports-alias.mjs'), cwd: FIXTURE }),
};

/** The scopes that say the package was instrumented. */
const relevant = (pkg: Package) => (scope: string) => scope === `@opentelemetry/instrumentation-${pkg}` || (pkg === 'express' && scope === '@opentelemetry/instrumentation-http');

let receiver: OtlpReceiver;
let register: string;
let pnpmApp: string;
const table: string[] = [];

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  await ensureLockedDependencies(FIXTURE);
  register = require.resolve('@opentelemetry/auto-instrumentations-node/register', { paths: [FIXTURE] });
  pnpmApp = pnpmLayout();
});
afterAll(async () => {
  await receiver?.close();
  if (table.length > 0) console.log(['| runtime | package | way | upstream | ours |', '|---|---|---|---|---|', ...table.sort()].join('\n'));
});

/**
 * An app whose node_modules is laid out as pnpm lays it out: each package of
 * the test a copy at node_modules/.pnpm/<name>@<version>/node_modules/<name>,
 * its dependencies symlinked beside it, and node_modules/<name> a symlink.
 */
function pnpmLayout(): string {
  const app = mkdtempSync(join(tmpdir(), 'pnpm-app-'));
  const installed = join(FIXTURE, 'node_modules');
  for (const pkg of PACKAGES) {
    const version = JSON.parse(readFileSync(join(installed, pkg, 'package.json'), 'utf8')).version;
    const store = join(app, 'node_modules', '.pnpm', `${pkg}@${version}`, 'node_modules');
    mkdirSync(store, { recursive: true });
    cpSync(join(installed, pkg), join(store, pkg), { recursive: true });
    for (const other of readdirSync(installed)) {
      if (other !== pkg && !other.startsWith('.')) symlinkSync(join(installed, other), join(store, other));
    }
    symlinkSync(join(store, pkg), join(app, 'node_modules', pkg));
  }
  for (const file of ['bare.cjs', 'use.cjs']) cpSync(join(WAYS, file), join(app, file));
  return app;
}

/** The relevant scopes of the spans one run exported. */
async function scopesOf(node: string, nodeOptions: string, pkg: Package, way: { script: string; cwd: string }, service: string, extra: Record<string, string>): Promise<string[]> {
  const env = {
    ...operatorEnv('unused', receiver.grpcUrl, { OTEL_SERVICE_NAME: service, PKG: pkg, ...extra }),
    NODE_OPTIONS: nodeOptions,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    // Local detectors only: upstream's defaults would probe cloud metadata addresses.
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  const app = await startApp(way.script, env, { node, cwd: way.cwd, ready: /(DONE)/, timeoutMs: 60_000 });
  const mine = () => receiver.spans.filter((span) => span.resource['service.name'] === service);
  try {
    // A span of the package's scope, if any comes: then a moment for the rest of the batch.
    // Generous: several runs share 2 cores; only a run that records nothing waits it out.
    await receiver.waitFor(() => mine().some((span) => relevant(pkg)(span.scope)), 20_000, `${service}: a span of ${pkg}`).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  } finally {
    await app.stop();
  }
  return [...new Set(mine().map((span) => span.scope).filter(relevant(pkg)))].sort();
}

describe.each(MAJORS)('node%i: instrumented however the module is loaded', (major) => {
  let node: string;
  let tree: string;
  beforeAll(async () => {
    const [treeDir, runtime] = await Promise.all([stagedTreeOf('module-loading', major), runtimeOf(major, 'newest')]);
    tree = treeDir;
    node = nodeOf(runtime);
  });

  describe.each(PACKAGES)('%s', (pkg) => {
    // Concurrently: each run mostly waits for its process and its export.
    it.concurrent.each(Object.keys(WAYS_OF_LOADING))('by %s: the scopes upstream records, ours records too', async (wayName) => {
      const way = WAYS_OF_LOADING[wayName]!(pkg);
      const id = `${major}-${pkg}-${wayName.replace(/\W+/g, '-')}`;
      const [upstream, ours] = await Promise.all([
        scopesOf(node, ` --require ${register}`, pkg, way, `upstream-${id}`, {}),
        scopesOf(node, ` --require ${join(tree, 'autoinstrumentation.js')}`, pkg, way, `ours-${id}`, { CUSTOM_OTEL_EXPRESS_SPANS: 'handlers' }),
      ]);
      table.push(`| ${major} | ${pkg} | ${wayName} | ${upstream.join(', ') || '—'} | ${ours.join(', ') || '—'} |`);
      expect(ours).toEqual(expect.arrayContaining(upstream));
      expect(ours, `ours records no span of ${pkg} loaded by ${wayName}`).not.toEqual([]);
    });
  });
});
