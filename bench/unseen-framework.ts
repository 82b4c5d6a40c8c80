/**
 * Issue 21 item 7 holds every app to its figures, "including one the bench
 * does not run": this is that app. Koa with @koa/router, a framework none of
 * the bench's tuning looked at, installed with each major's npm into the
 * cache (not a root dependency), measured as `npm run bench` measures its
 * apps (saturated, then bare / ours / upstream at one fixed load), printing
 * the same per-app summary row and the every-app targets. Not part of
 * `npm run bench`:
 *
 *   npx tsx bench/unseen-framework.ts [--major 20 --major 24] [--quick] [--output FILE]
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cacheRoot } from '../scripts/node-runtimes';
import { OtlpReceiver } from '../test/support/otlp-receiver';
import { summarizeApp, type AppSummary } from './app-summary';
import type { BenchApp } from './apps';
import { ensureCachedNpmInstall, installedVersion } from './cached-npm-install';
import { fixedLoadCases } from './fixed-load-cases';
import { describeMachine, loadAverage } from './machine';
import type { MajorContext } from './major-context';
import { FULL, parseMajors, QUICK } from './options';
import { prepareMajor } from './prepare-major';
import { APP_SUMMARY_HEADER, appSummaryRow, table, verdictTable, withPortablePaths } from './report';
import { revision } from './revision';
import { median } from './statistics';
import { pick } from './summary';
import { cpuAddedShareTarget, throughputOverUpstreamTarget, type TargetVerdict } from './targets';
import { benchThroughput } from './throughput-bench';

/** Pinned, so every run measures the same framework code. */
const DEPENDENCIES = { koa: '3.3.0', '@koa/router': '15.7.0' };
const APP_SCRIPT = join(__dirname, 'unseen-apps', 'koa-hello.cjs');
const TITLE = 'Koa + @koa/router hello-world';

function installDir(major: number): string {
  return join(cacheRoot(), 'bench-unseen', `node${major}-${Object.entries(DEPENDENCIES).map(([name, version]) => `${name.replace('/', '+')}@${version}`).join('-')}`);
}

interface MajorOutcome {
  major: number;
  nodeVersion: string;
  versions: string;
  summary: AppSummary;
  spansPerRequest: { ours: number; upstream: number };
  verdicts: TargetVerdict[];
}

async function measureMajor(major: number, quick: boolean, log: (line: string) => void): Promise<MajorOutcome> {
  const prepared = await prepareMajor(major, log);
  const dir = installDir(major);
  await ensureCachedNpmInstall(dir, DEPENDENCIES, prepared.runtimeDir, log);
  // The app must sit next to the node_modules it requires; copied on every run, so it is the file in the repository.
  const script = join(dir, basename(APP_SCRIPT));
  copyFileSync(APP_SCRIPT, script);
  const app: BenchApp = { name: 'koa', title: TITLE, script, cwd: dir };
  const receiver = await OtlpReceiver.start();
  const context: MajorContext = { prepared, receiver, log };
  try {
    const throughput = await benchThroughput(context, app, (quick ? QUICK : FULL).throughput, fixedLoadCases(app.name));
    const summary = summarizeApp(TITLE, throughput);
    const spans = pick(throughput.fixedLoad.runs, (s) => s.spansPerRequest);
    return {
      major,
      nodeVersion: prepared.nodeVersion,
      versions: Object.keys(DEPENDENCIES).map((name) => `${name} ${installedVersion(dir, name)}`).join(', '),
      summary,
      spansPerRequest: { ours: median(spans.ours), upstream: median(spans.upstream) },
      verdicts: [cpuAddedShareTarget(TITLE, summary), throughputOverUpstreamTarget(TITLE, summary)],
    };
  } finally {
    await receiver.close();
  }
}

function render(outcomes: MajorOutcome[], failures: string[], header: string[]): string {
  const lines = [...header, ''];
  if (outcomes.length > 0) {
    lines.push(table(APP_SUMMARY_HEADER, outcomes.map((o) => appSummaryRow(o.major, o.summary))), '');
    const detail = outcomes.map((o) => {
      const { cpu, saturated } = o.summary;
      const triple = (c: typeof cpu, digits: number) => [c.bare, c.ours, c.upstream].map((v) => v.toFixed(digits)).join(' / ');
      return [String(o.major), `v${o.nodeVersion}`, o.versions, triple(cpu, 1), triple(saturated, 0), `${o.spansPerRequest.ours.toFixed(2)} / ${o.spansPerRequest.upstream.toFixed(2)}`];
    });
    lines.push(table(['Node', 'runtime', 'installed', 'CPU µs/request at the fixed load, bare / ours / upstream', 'saturated req/s, bare / ours / upstream', 'spans/request at the fixed load, ours / upstream'], detail), '');
    for (const o of outcomes) lines.push(`Targets, Node ${o.major}:`, '', verdictTable(o.verdicts), '');
  }
  for (const failure of failures) lines.push(failure, '');
  return withPortablePaths(lines.join('\n'));
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { major: { type: 'string', multiple: true, default: ['20', '24'] }, quick: { type: 'boolean', default: false }, output: { type: 'string' } },
  });
  const majors = parseMajors(values.major.join(','));
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[unseen ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const source = revision();
  const loadBefore = loadAverage();
  const outcomes: MajorOutcome[] = [];
  const failures: string[] = [];
  for (const major of majors) {
    try {
      outcomes.push(await measureMajor(major, values.quick, log));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`node${major} FAILED: ${message}`);
      failures.push(`Node ${major}: FAILED, no figures:\n\n\`\`\`\n${message}\n\`\`\``);
    }
  }
  const m = describeMachine();
  const profile = (values.quick ? QUICK : FULL).throughput;
  const header = [
    `# An app the bench does not run: ${TITLE}`,
    '',
    `- date: ${new Date().toISOString()}`,
    `- command: \`npx tsx bench/unseen-framework.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}\` (${values.quick ? 'quick' : 'full'} run lengths: ${profile.rounds} saturated rounds of ${profile.durationSeconds} s, ${profile.fixedLoadRounds} fixed-load rounds of ${profile.fixedLoadSeconds} s, -c ${profile.connections}), took ${((Date.now() - started) / 1000).toFixed(0)} s`,
    `- source: ${source}`,
    `- machine: ${m.nproc} CPUs (nproc), ${m.cpuModel}, Linux ${m.kernel}; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAverage().toFixed(2)} after`,
    `- bare / ours / upstream as in \`npm run bench\` (bench/variants.ts); the fixed load is half of the slowest variant's saturated requests/s; rows as in its summary (ratios of this run)`,
  ];
  const report = render(outcomes, failures, header);
  process.stdout.write(report);
  if (values.output) writeFileSync(resolve(values.output), report);
  return failures.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`unseen-framework: ${error.stack ?? error.message}\n`);
    process.exitCode = 2;
  },
);
