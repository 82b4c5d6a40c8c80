#!/usr/bin/env -S npx --no-install tsx
/**
 * Builds one auto-instrumentation image per Node major (or only stages the
 * trees), then writes k8s/generated/instrumentations.yaml for what it built.
 * Run `./build-multi-version.ts --help` for the flags.
 */
import { $, chalk, fs, path } from 'zx';
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { readVersions, type VersionEntry } from './scripts/versions';
import { REPO, stageMajor, withRetries } from './scripts/stage';
import { renderInstrumentations } from './tools/k8s/generate-instrumentations';
import { UNIVERSAL, assembleUniversalTree, buildUniversalImage, universalTag } from './scripts/universal';

const HELP = `Usage: ./build-multi-version.ts [options]

Builds custom-otel-autoinstrumentation-nodejs images, one per Node major, from
the Dockerfile and node-versions/<major>/, then writes one Instrumentation per
built image to k8s/generated/instrumentations.yaml.

Options:
  --versions 18,20,22     Node majors to build (default: every major in node-versions/)
  --image NAME            image repository (default: custom-otel-autoinstrumentation-nodejs)
  --tag TAG               image tag; "{major}" in it is replaced by the major, and with
                          several majors and no "{major}", "-node<major>" is appended
                          (default: <distribution version>-node<major>, e.g. 1.0.0-node20)
  --registry HOST[/PATH]  pull base images from this mirror instead of Docker Hub
                          (node:<major>-bookworm-slim, busybox:stable)
  --offline               no network at all: base images must be local (docker image
                          inspect) and npm installs only from the local npm cache
  --retries N             retries of every network step: pulls, npm, push (default: 2)
  --retry-delay SECONDS   wait between retries (default: 5)
  --push                  push each built image (to the registry its name names)
  --parallel N            majors built at the same time (default: 1)
  --ca-file FILE          CA bundle npm must trust inside the build (default: $NODE_EXTRA_CA_CERTS)
  --dry-run               print every command, run none
  --no-universal          skip the universal image (<image>:<version>, every chosen major's
                          tree, picked at start-up), built by default after the per-major ones
  --stage-only            only stage the trees (no Docker): DIR/node<major>/ holds exactly
                          what the image holds under /autoinstrumentation
  --out DIR               with --stage-only: where the trees go (required)
  -h, --help              this text

Examples:
  ./build-multi-version.ts --versions 18,20,22
  ./build-multi-version.ts --offline
  ./build-multi-version.ts --registry mirror.example.com/dockerhub --push --image registry.example.com/otel/nodejs
  ./build-multi-version.ts --versions 20 --stage-only --out /tmp/stage`;

export interface BuildOptions {
  majors: VersionEntry[];
  image: string;
  tag: string | undefined;
  registry: string | undefined;
  offline: boolean;
  retries: number;
  retryDelay: number;
  push: boolean;
  parallel: number;
  caFile: string | undefined;
  dryRun: boolean;
  stageOnly: boolean;
  out: string | undefined;
  universal: boolean;
}

export class UsageError extends Error {}

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${name} takes a whole number >= ${min}, not "${value}"`);
  return Number(value);
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, versions: VersionEntry[]): BuildOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      versions: { type: 'string' },
      image: { type: 'string' },
      tag: { type: 'string' },
      registry: { type: 'string' },
      offline: { type: 'boolean' },
      retries: { type: 'string' },
      'retry-delay': { type: 'string' },
      push: { type: 'boolean' },
      parallel: { type: 'string' },
      'ca-file': { type: 'string' },
      'dry-run': { type: 'boolean' },
      'stage-only': { type: 'boolean' },
      out: { type: 'string' },
      'no-universal': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const supported = versions.map((v) => v.major);
  const requested = values.versions === undefined ? supported : values.versions.split(',').map((v) => v.trim()).filter(Boolean).map(Number);
  const unknown = (values.versions ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '' && !supported.includes(Number(v)));
  if (unknown.length > 0 || requested.length === 0) {
    throw new UsageError(`unsupported Node major ${unknown.join(', ') || '(none given)'} in --versions; supported: ${supported.join(', ')}`);
  }
  if (values['stage-only'] && !values.out) throw new UsageError('--stage-only needs --out DIR');
  if (values.out && !values['stage-only']) throw new UsageError('--out goes with --stage-only');
  if (values.offline && values.registry) throw new UsageError('--offline and --registry exclude each other: --offline pulls nothing');
  const caFile = values['ca-file'] ?? env.NODE_EXTRA_CA_CERTS;
  if (values['ca-file'] !== undefined && !fs.existsSync(values['ca-file'])) throw new UsageError(`--ca-file ${values['ca-file']} does not exist`);
  return {
    majors: versions.filter((v) => requested.includes(v.major)),
    image: values.image ?? 'custom-otel-autoinstrumentation-nodejs',
    tag: values.tag,
    registry: values.registry ? values.registry.replace(/\/+$/, '') + '/' : undefined,
    offline: values.offline ?? false,
    retries: wholeNumber('--retries', values.retries, 2, 0),
    retryDelay: wholeNumber('--retry-delay', values['retry-delay'], 5, 0),
    push: values.push ?? false,
    parallel: wholeNumber('--parallel', values.parallel, 1, 1),
    caFile: caFile && fs.existsSync(caFile) ? caFile : undefined,
    dryRun: values['dry-run'] ?? false,
    stageOnly: values['stage-only'] ?? false,
    out: values.out,
    universal: !values['no-universal'],
  };
}

export function imageTag(options: Pick<BuildOptions, 'tag' | 'majors'>, version: string, major: number): string {
  if (options.tag === undefined) return `${version}-node${major}`;
  if (options.tag.includes('{major}')) return options.tag.replaceAll('{major}', String(major));
  return options.majors.length > 1 ? `${options.tag}-node${major}` : options.tag;
}

const BUILDER_NODE_MAJOR = 20;
const BUSYBOX = 'busybox:stable';

export function baseImages(entry: VersionEntry, registry = ''): string[] {
  return [...new Set([`${registry}${entry.baseImage}`, `${registry}node:${BUILDER_NODE_MAJOR}-bookworm-slim`, `${registry}${BUSYBOX}`])];
}

interface Outcome {
  major: number;
  /** The summary's first column when not the major (the universal image). */
  name?: string;
  reference: string;
  ok: boolean;
  seconds: number;
  sizeBytes?: number;
  files?: number;
  error?: string;
}

type Runner = (command: string[], options?: { quiet?: boolean }) => Promise<string>;

function makeRunner(dryRun: boolean, log: (line: string) => void): Runner {
  return async (command, options = {}) => {
    if (dryRun) {
      console.log(`$ ${command.map(quote).join(' ')}`);
      return '';
    }
    if (!options.quiet) log(`$ ${command.map(quote).join(' ')}`);
    const result = await $({ quiet: true, nothrow: true })`${command}`;
    if (result.exitCode !== 0) throw new Error(`${command.slice(0, 3).join(' ')} failed (exit ${result.exitCode}):\n${(result.stdout + result.stderr).trim().split('\n').slice(-25).join('\n')}`);
    return result.stdout;
  };
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function imageExists(image: string): Promise<boolean> {
  return (await $({ quiet: true, nothrow: true })`docker image inspect ${image}`).exitCode === 0;
}

async function ensureBaseImages(entry: VersionEntry, options: BuildOptions, run: Runner, log: (line: string) => void): Promise<void> {
  for (const image of baseImages(entry, options.registry ?? '')) {
    if (options.offline) {
      if (options.dryRun) {
        console.log(`$ docker image inspect ${image}`);
      } else if (!(await imageExists(image))) {
        throw new Error(`--offline: base image ${image} is not in the local Docker image store; get it with \`docker pull ${image}\` (or, with no registry at hand, \`scripts/docker/base-images.sh ${entry.major}\`)`);
      }
      continue;
    }
    try {
      await withRetries(`pull ${image}`, options.retries, options.retryDelay, log, () => run(['docker', 'pull', image]));
    } catch (error) {
      if (options.registry || options.dryRun || !(await imageExists(image))) throw error;
      log(`${chalk.yellow('warning')}: could not pull ${image}; using the local image of that name`);
    }
  }
}

async function npmCacheDir(): Promise<string> {
  return (await $({ quiet: true })`npm config get cache`).stdout.trim();
}

async function buildImage(entry: VersionEntry, reference: string, options: BuildOptions, run: Runner, log: (line: string) => void): Promise<void> {
  const version = (await fs.readJson(path.join(REPO, 'package.json'))).version as string;
  const revision = options.dryRun ? 'HEAD' : (await $({ quiet: true, nothrow: true })`git -C ${REPO} rev-parse HEAD`).stdout.trim() || 'unknown';
  const args = ['docker', 'build', '--network', 'host', '--file', path.join(REPO, 'Dockerfile'), '--tag', reference];
  const buildArgs: Record<string, string> = {
    NODE_MAJOR: String(entry.major),
    REGISTRY: options.registry ?? '',
    BUILDER_NODE_MAJOR: String(BUILDER_NODE_MAJOR),
    NPM_OFFLINE: String(options.offline),
    VERSION: version,
    REVISION: revision,
    CREATED: new Date().toISOString(),
    NODE_RANGE: entry.nodeRange,
    SDK_LINE: entry.sdkLine,
    SDK_VERSION: entry.sdkNodeVersion,
    AUTO_INSTRUMENTATIONS_VERSION: entry.autoInstrumentationsVersion,
  };
  for (const [key, value] of Object.entries(buildArgs)) args.push('--build-arg', `${key}=${value}`);
  if (options.caFile) args.push('--secret', `id=npm_ca,src=${options.caFile}`);
  if (options.offline) args.push('--build-context', `npm-cache=${await npmCacheDir()}`);
  args.push(REPO);
  // A build without --offline reaches npm: retry it as a whole.
  await withRetries(`build ${reference}`, options.offline ? 0 : options.retries, options.retryDelay, log, () => run(args));
}

/** Size of the image and the number of files under /autoinstrumentation, read from the image itself. */
async function measureImage(reference: string): Promise<{ sizeBytes: number; files: number }> {
  const size = Number((await $({ quiet: true })`docker image inspect --format {{.Size}} ${reference}`).stdout.trim());
  // The image has no CMD (the operator gives the command): name one, or `docker create` refuses. It never runs.
  const container = (await $({ quiet: true })`docker create ${reference} /bin/cp`).stdout.trim();
  try {
    const listing = (await $({ quiet: true })`docker export ${container} | tar -t`).stdout;
    const files = listing.split('\n').filter((line) => line.startsWith('autoinstrumentation/') && !line.endsWith('/')).length;
    return { sizeBytes: size, files };
  } finally {
    await $({ quiet: true, nothrow: true })`docker rm ${container}`;
  }
}

async function processMajor(entry: VersionEntry, options: BuildOptions, version: string): Promise<Outcome> {
  const started = Date.now();
  const label = chalk.cyan(`[node${entry.major}]`);
  const log = (line: string) => console.log(`${label} ${line}`);
  const reference = options.stageOnly ? path.join(options.out!, `node${entry.major}`) : `${options.image}:${imageTag(options, version, entry.major)}`;
  const run = makeRunner(options.dryRun, log);
  try {
    if (options.stageOnly) {
      if (options.dryRun) {
        console.log(`$ stage node${entry.major}: npm ci --omit=dev --engine-strict (node-versions/${entry.major}, under Node ${entry.newestNode}) && node tools/bundle/bundle.mjs --major ${entry.major} --out ${reference}`);
      } else {
        log('staging: npm ci under the real Node of this major, then bundling');
        await stageMajor({ major: entry.major, outDir: reference, offline: options.offline, caFile: options.caFile, retries: options.retries, retryDelaySeconds: options.retryDelay, log });
      }
      const files = options.dryRun ? undefined : (await $({ quiet: true })`find ${reference} -type f`).stdout.trim().split('\n').length;
      const sizeBytes = options.dryRun ? undefined : Number((await $({ quiet: true })`du -sb ${reference}`).stdout.split('\t')[0]);
      return { major: entry.major, reference, ok: true, seconds: (Date.now() - started) / 1000, files, sizeBytes };
    }
    log(`base images: ${baseImages(entry, options.registry ?? '').join(', ')}`);
    await ensureBaseImages(entry, options, run, log);
    log(`building ${reference}`);
    await buildImage(entry, reference, options, run, log);
    if (options.push) {
      log(`pushing ${reference}`);
      await withRetries(`push ${reference}`, options.retries, options.retryDelay, log, () => run(['docker', 'push', reference]));
    }
    const measured = options.dryRun ? {} : await measureImage(reference);
    log(chalk.green('done'));
    return { major: entry.major, reference, ok: true, seconds: (Date.now() - started) / 1000, ...measured };
  } catch (error) {
    const message = (error as Error).message;
    log(`${chalk.red('failed')}: ${message}`);
    return { major: entry.major, reference, ok: false, seconds: (Date.now() - started) / 1000, error: message.split('\n')[0] };
  }
}

function summary(outcomes: Outcome[], stageOnly: boolean): string {
  const mb = (bytes?: number) => (bytes === undefined ? '-' : `${(bytes / 1e6).toFixed(1)} MB`);
  const rows = [
    ['major', stageOnly ? 'tree' : 'image:tag', 'size', 'files', 'seconds', 'result'],
    ...outcomes.map((o) => [o.name ?? String(o.major), o.reference, mb(o.sizeBytes), o.files === undefined ? '-' : String(o.files), o.seconds.toFixed(1), o.ok ? 'ok' : `FAILED: ${o.error}`]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  // A Markdown table, so it can be pasted into a README as it is.
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/** The universal image (or tree, with --stage-only) of the majors just built. */
async function processUniversal(outcomes: Outcome[], options: BuildOptions, version: string): Promise<Outcome> {
  const started = Date.now();
  const log = (line: string) => console.log(`${chalk.cyan(`[${UNIVERSAL}]`)} ${line}`);
  const reference = options.stageOnly ? path.join(options.out!, UNIVERSAL) : `${options.image}:${universalTag(options.tag, version)}`;
  const run = makeRunner(options.dryRun, log);
  const done = (measured: { sizeBytes?: number; files?: number } = {}): Outcome => ({ major: 0, name: UNIVERSAL, reference, ok: true, seconds: (Date.now() - started) / 1000, ...measured });
  try {
    if (options.stageOnly) {
      if (options.dryRun) {
        console.log(`$ node tools/bundle/universal.mjs --trees ${options.out} --out ${reference}`);
        return done();
      }
      log((await assembleUniversalTree(options.out!, options.majors.map((e) => e.major), reference)));
      const files = (await $({ quiet: true })`find ${reference} -type f`).stdout.trim().split('\n').length;
      return done({ files, sizeBytes: Number((await $({ quiet: true })`du -sb ${reference}`).stdout.split('\t')[0]) });
    }
    log(`building ${reference} from the trees of ${outcomes.map((o) => o.reference).join(', ')}`);
    const revision = options.dryRun ? 'HEAD' : (await $({ quiet: true, nothrow: true })`git -C ${REPO} rev-parse HEAD`).stdout.trim() || 'unknown';
    const extraArgs = [...(options.caFile ? ['--secret', `id=npm_ca,src=${options.caFile}`] : []), ...(options.offline ? ['--build-context', `npm-cache=${await npmCacheDir()}`] : [])];
    const buildArgs = { REGISTRY: options.registry ?? '', BUILDER_NODE_MAJOR: String(BUILDER_NODE_MAJOR), NPM_OFFLINE: String(options.offline), VERSION: version, REVISION: revision, CREATED: new Date().toISOString() };
    const images = Object.fromEntries(outcomes.map((o) => [o.major, o.reference]));
    if (options.dryRun) for (const o of outcomes) console.log(`$ docker cp <container of ${o.reference}>:/autoinstrumentation <trees>/node${o.major}`);
    await buildUniversalImage({ dryRun: options.dryRun, reference, majors: options.majors, images, buildArgs, extraArgs, runDocker: (args) => (options.dryRun ? run(args) : withRetries(`build ${reference}`, options.offline ? 0 : options.retries, options.retryDelay, log, () => run(args))) });
    if (options.push) await withRetries(`push ${reference}`, options.retries, options.retryDelay, log, () => run(['docker', 'push', reference]));
    const measured = options.dryRun ? {} : await measureImage(reference);
    log(chalk.green('done'));
    return done(measured);
  } catch (error) {
    const message = (error as Error).message;
    log(`${chalk.red('failed')}: ${message}`);
    return { major: 0, name: UNIVERSAL, reference, ok: false, seconds: (Date.now() - started) / 1000, error: message.split('\n')[0] };
  }
}

async function runPool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

async function main(): Promise<number> {
  let options: BuildOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2), process.env, readVersions());
  } catch (error) {
    console.error(`build-multi-version: ${(error as Error).message}\nRun ./build-multi-version.ts --help for the flags.`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  if (options.parallel > cpus().length) console.log(`note: --parallel ${options.parallel} on ${cpus().length} cores`);
  if (!options.stageOnly && !options.dryRun && (await $({ quiet: true, nothrow: true })`docker version --format {{.Server.Version}}`).exitCode !== 0) {
    console.error('build-multi-version: no Docker engine answers (docker version failed); start one (scripts/docker/ensure-engine.sh here) or use --stage-only');
    return 2;
  }
  const version = (await fs.readJson(path.join(REPO, 'package.json'))).version as string;
  const chosen = options;
  const outcomes = await runPool(chosen.majors, chosen.parallel, (entry) => processMajor(entry, chosen, version));
  if (chosen.universal && outcomes.every((o) => o.ok)) outcomes.push(await processUniversal(outcomes, chosen, version));

  console.log(`\n${summary(outcomes, chosen.stageOnly)}\n`);
  const built = outcomes.filter((o) => o.ok);
  if (!chosen.stageOnly && !chosen.dryRun && built.length > 0) {
    const file = path.join(REPO, 'k8s/generated/instrumentations.yaml');
    await fs.outputFile(file, renderInstrumentations(built.map((o) => ({ major: o.name === UNIVERSAL ? UNIVERSAL : o.major, image: o.reference }))));
    console.log(`wrote ${path.relative(process.cwd(), file)} (${built.length} Instrumentation${built.length === 1 ? '' : 's'})`);
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    console.error(`build-multi-version: failed for ${failed.map((o) => o.name ?? o.major).join(', ')}`);
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('build-multi-version.ts')) {
  main().then((code) => process.exit(code), (error) => {
    console.error(`build-multi-version: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  });
}
