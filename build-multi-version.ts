#!/usr/bin/env -S npx --no-install tsx
/**
 * Builds one auto-instrumentation image per Node major (or only stages the
 * trees), then writes k8s/generated/instrumentations.yaml for what it built.
 * Users run ./build-multi-version (which installs the tooling first on a
 * fresh clone); `--help` lists the flags. The parts live in scripts/build/:
 *   options.ts   command line → BuildOptions       platforms.ts  target platforms
 *   prepare.ts   prerequisites checked / prefetched base-images.ts  where base images come from
 *   image.ts     docker build per platform, push, index, digest
 *   copy-tool.ts /bin/cp of other platforms       npm-packages.ts  lockfiles vs the npm cache
 *   summary.ts   the closing table                run.ts        running commands
 *   universal.ts the image of every chosen major's tree, built after them
 *   engine.ts    the Docker engine, started when none answers
 *   source-date.ts  the one time every image holds (reproducible digests)
 */
import { chalk, fs, path } from 'zx';
import { cpus } from 'node:os';
import { readVersions, type VersionEntry } from './scripts/versions';
import { REPO, stageMajor } from './scripts/stage';
import { renderInstrumentations } from './tools/k8s/generate-instrumentations';
import { baseImages } from './scripts/build/base-images';
import { buildFacts, buildMajorImage, type BuildFacts } from './scripts/build/image';
import { imageFacts, measureTree } from './scripts/build/measure';
import { HELP, imageTag, parseOptions, UsageError, type BuildOptions } from './scripts/build/options';
import { checkPrerequisites, prefetch } from './scripts/build/prepare';
import { makeRunner, runPool } from './scripts/build/run';
import { summary, type Outcome } from './scripts/build/summary';
import { processUniversal, UNIVERSAL } from './scripts/build/universal';
import { ensureEngine } from './scripts/build/engine';

export { imageTag, parseOptions, UsageError, type BuildOptions };

async function stageOne(entry: VersionEntry, options: BuildOptions, started: number, log: (line: string) => void): Promise<Outcome> {
  const reference = path.join(options.out!, `node${entry.major}`);
  const sbom = `${reference}.cdx.json`;
  if (options.dryRun) {
    console.log(`$ stage node${entry.major}: npm ci --omit=dev --engine-strict (node-versions/${entry.major}, under Node ${entry.newestNode}) && node tools/bundle/bundle.mjs --major ${entry.major} --out ${reference} --sbom ${sbom}`);
    return { major: entry.major, reference, ok: true, seconds: (Date.now() - started) / 1000 };
  }
  log('staging: npm ci under the real Node of this major, then bundling');
  await stageMajor({ major: entry.major, outDir: reference, sbomFile: sbom, offline: options.offline, npmRegistry: options.npmRegistry, caFile: options.caFile, retries: options.retries, retryDelaySeconds: options.retryDelay, log });
  return { major: entry.major, reference, ok: true, seconds: (Date.now() - started) / 1000, ...(await measureTree(reference)), sbom };
}

async function buildOne(entry: VersionEntry, options: BuildOptions, versions: VersionEntry[], facts: BuildFacts, started: number, log: (line: string) => void): Promise<Outcome> {
  const reference = `${options.image}:${imageTag(options, facts.version, entry.major)}`;
  const run = makeRunner(options.dryRun, log);
  const { pinned } = await buildMajorImage(entry, baseImages(entry, versions, options.registry), reference, options, facts, run, log);
  const measured = await imageFacts(reference, options);
  log(chalk.green('done'));
  return { major: entry.major, reference, ok: true, seconds: (Date.now() - started) / 1000, ...measured, pinned };
}

async function processMajor(entry: VersionEntry, options: BuildOptions, versions: VersionEntry[], facts: BuildFacts): Promise<Outcome> {
  const started = Date.now();
  const log = (line: string) => console.log(`${chalk.cyan(`[node${entry.major}]`)} ${line}`);
  try {
    return options.stageOnly ? await stageOne(entry, options, started, log) : await buildOne(entry, options, versions, facts, started, log);
  } catch (error) {
    const message = (error as Error).message;
    log(`${chalk.red('failed')}: ${message}`);
    const reference = options.stageOnly ? path.join(options.out!, `node${entry.major}`) : `${options.image}:${imageTag(options, facts.version, entry.major)}`;
    return { major: entry.major, reference, ok: false, seconds: (Date.now() - started) / 1000, error: message.split('\n')[0] };
  }
}

/** The Instrumentations of what was built: by digest after --push, else by tag, and the file says which. */
function instrumentationsFile(built: Outcome[]): string {
  const pinned = built.every((o) => o.pinned);
  const note = pinned
    ? '# Images pinned by digest (name:tag@sha256:...), as pushed: rebuilding a tag does not change what pods get.\n'
    : '# Images by tag: they were not pushed, so there is no registry digest to pin; a rebuilt tag changes what pods get.\n# Build with --push to pin them by digest.\n';
  return note + renderInstrumentations(built.map((o) => ({ major: o.name === UNIVERSAL ? UNIVERSAL : o.major, image: (pinned && o.pinned) || o.reference })));
}

async function main(): Promise<number> {
  const versions = readVersions();
  let options: BuildOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2), process.env, versions);
  } catch (error) {
    console.error(`build-multi-version: ${(error as Error).message}\nRun ./build-multi-version --help for the flags.`);
    return 2;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  if (options.parallel > cpus().length) console.log(`note: --parallel ${options.parallel} on ${cpus().length} cores`);
  if (!options.stageOnly && !options.dryRun && !(await ensureEngine((line) => console.log(line)))) return 2;
  const chosen = options;
  const log = (line: string) => console.log(line);
  if (chosen.prefetch) {
    await prefetch(chosen, versions, makeRunner(chosen.dryRun, log), log);
    return 0;
  }
  if (!chosen.stageOnly) {
    log(`platforms: ${chosen.platforms.map((p) => p.name).join(', ')}; base images from ${chosen.registry ? `the mirror ${chosen.registry.replace(/\/$/, '')} (or this engine)` : chosen.offline ? 'this engine only' : 'Docker Hub (or this engine)'}; npm packages from ${chosen.npmRegistry ?? (chosen.offline ? 'the local npm cache only' : "npm's registry")}`);
    const problems = await checkPrerequisites(chosen, versions, makeRunner(chosen.dryRun, log), log);
    if (problems.length > 0) {
      for (const problem of problems) console.log(`${chalk.red('missing')}: ${problem}`);
      console.error(`build-multi-version: ${problems.length} prerequisite${problems.length === 1 ? '' : 's'} missing (above); nothing was built`);
      return 1;
    }
  }
  const facts = await buildFacts(chosen);
  if (!chosen.stageOnly) log(`source date ${facts.created} (${facts.sourceDateOrigin}): every time in the images is this one, so a rebuild of the same commit gives the same digest`);
  const outcomes = await runPool(chosen.majors, chosen.parallel, (entry) => processMajor(entry, chosen, versions, facts));
  if (chosen.universal && outcomes.every((o) => o.ok)) outcomes.push(await processUniversal(outcomes, chosen, versions, facts));

  console.log(`\n${summary(outcomes, chosen.stageOnly)}\n`);
  const built = outcomes.filter((o) => o.ok);
  if (!chosen.stageOnly && !chosen.dryRun && built.length > 0) {
    const file = path.join(REPO, 'k8s/generated/instrumentations.yaml');
    await fs.outputFile(file, instrumentationsFile(built));
    const how = built.every((o) => o.pinned) ? 'by digest' : 'by tag, not pushed';
    console.log(`wrote ${path.relative(process.cwd(), file)} (${built.length} Instrumentation${built.length === 1 ? '' : 's'}, ${how})`);
  }
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) {
    console.error(`build-multi-version: failed for ${failed.map((o) => o.name ?? `node ${o.major}`).join(', ')}`);
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
