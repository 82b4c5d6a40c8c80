/** The Markdown report: tables per major, target verdicts, and how the figures were made (pure). */
import { homedir } from 'node:os';
import { REPO_ROOT } from '../scripts/repository';
import { summarizeApp, type AppSummary } from './app-summary';
import { APPS, APP_NAMES, type AppName } from './apps';
import type { Machine } from './machine';
import type { BenchProfile } from './options';
import type { MajorResult } from './run-major';
import { ALWAYS_OFF_UPSTREAM_HTTP, describeCase, EXTRA_CASES, UPSTREAM_HTTP } from './fixed-load-cases';
import { EXPORT_VARIANTS } from './span-pipeline-bench';
import { median } from './statistics';
import { compare, pick, type Comparison } from './summary';
import {
  alwaysOffCpuTarget,
  cpuAddedShareTarget,
  cpuOverBareTarget,
  httpCpuTarget,
  LIMITS,
  memoryTarget,
  p99Target,
  pipelineTarget,
  startupTarget,
  throughputOverUpstreamTarget,
  treeTargets,
  type TargetVerdict,
} from './targets';
import { TREE_VARIANTS } from './tree-bench';
import { RESOURCE_DETECTORS } from './variants';

export interface ReportInput {
  command: string;
  date: Date;
  /** The commit measured, and whether src/ differed from it. */
  revision: string;
  machine: Machine;
  profile: BenchProfile;
  loadBefore: number;
  loadAfter: number;
  seconds: number;
  majors: Array<{ major: number; result?: MajorResult; error?: string }>;
}

const MIB = 1048576;
const number = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');
const percent = (share: number) => (Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : 'n/a');

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const COMPARISON_HEADER = ['app', 'figure', 'bare', 'ours', 'upstream', 'ours/bare', 'upstream/bare', "ours' added as % of upstream's"];

function comparisonRow(app: string, figure: string, c: Comparison, scale = 1, digits = 0): string[] {
  return [app, figure, number(c.bare / scale, digits), number(c.ours / scale, digits), number(c.upstream / scale, digits), times(c.oursOverBare), times(c.upstreamOverBare), percent(c.addedShare)];
}

export function startupTable(result: MajorResult): string {
  const rows: string[][] = [];
  for (const app of APP_NAMES) {
    const runs = result.startup[app];
    rows.push(comparisonRow(APPS[app].title, 'spawn → first response (ms)', compare(pick(runs, (s) => s.firstResponseMs)), 1, 1));
    rows.push(comparisonRow(APPS[app].title, 'peak RSS, VmHWM (MiB)', compare(pick(runs, (s) => s.peakRssBytes)), MIB, 1));
  }
  return table(COMPARISON_HEADER, rows);
}

export function throughputTable(result: MajorResult): string {
  const rows: string[][] = [];
  for (const app of APP_NAMES) {
    const runs = result.throughput[app].saturated;
    const title = APPS[app].title;
    rows.push(comparisonRow(title, 'requests/s', compare(pick(runs, (s) => s.requestsPerSecond), true)));
    rows.push(comparisonRow(title, 'latency p50 (ms)', compare(pick(runs, (s) => s.p50Ms)), 1, 0));
    rows.push(comparisonRow(title, 'latency p99 (ms)', compare(pick(runs, (s) => s.p99Ms)), 1, 0));
    rows.push(comparisonRow(title, 'latency mean (ms)', compare(pick(runs, (s) => s.meanMs)), 1, 2));
    rows.push(comparisonRow(title, 'server CPU per request, saturated (µs)', compare(pick(runs, (s) => s.serverCpuMicrosPerRequest)), 1, 1));
    rows.push(comparisonRow(title, 'RSS under load, max (MiB)', compare(pick(runs, (s) => s.rssUnderLoadBytes)), MIB, 1));
    const spans = pick(runs, (s) => s.spansPerRequest);
    const cpu = pick(runs, (s) => s.receiverCpuSeconds);
    rows.push([title, 'spans received per request', number(median(spans.bare), 2), number(median(spans.ours), 2), number(median(spans.upstream), 2), '', '', '']);
    rows.push([title, 'runner (receiver) CPU s during the run', number(median(cpu.bare), 2), number(median(cpu.ours), 2), number(median(cpu.upstream), 2), '', '', '']);
  }
  return table(COMPARISON_HEADER, rows);
}

/** The same apps at one offered load per app, the same for every variant: CPU per request without saturation's batching. */
export function fixedLoadTable(result: MajorResult): string {
  const rows: string[][] = [];
  for (const app of APP_NAMES) {
    const throughput = result.throughput[app];
    const { runs, ratePerSecond } = throughput.fixedLoad;
    const summary = summarizeApp(APPS[app].title, throughput);
    const title = `${APPS[app].title}, ${ratePerSecond} req/s offered`;
    // Every variant is offered the same rate, so a share of upstream's loss means nothing here.
    const short = summary.shortOfRate;
    const served = short.length > 0 ? `requests/s served (short of the rate, partly saturated: ${short.join(', ')})` : 'requests/s served';
    rows.push([...comparisonRow(title, served, compare(pick(runs, (s) => s.requestsPerSecond), true)).slice(0, -1), '']);
    rows.push(comparisonRow(title, '**server CPU per request (µs)**', summary.cpu, 1, 1));
    for (const extra of summary.extras) {
      rows.push([title, `server CPU per request, ${extra.description} (µs)`, '', number(extra.cpuMicros, 1), '', times(extra.overBare), '', percent(extra.addedShare)]);
    }
    const spans = pick(runs, (s) => s.spansPerRequest);
    rows.push([title, 'spans received per request', number(median(spans.bare), 2), number(median(spans.ours), 2), number(median(spans.upstream), 2), '', '', '']);
    rows.push(comparisonRow(title, 'latency p99 (ms)', compare(pick(runs, (s) => s.p99Ms)), 1, 0));
  }
  return table(COMPARISON_HEADER, rows);
}

/** Ratios only: they compare across runs and machines where µs do not. */
export const APP_SUMMARY_HEADER = [
  'Node',
  'app',
  'fixed load (req/s)',
  'bare CPU µs/request',
  'ours/bare',
  'upstream/bare',
  'ours added ÷ upstream added',
  'ours/upstream saturated req/s',
  ...EXTRA_CASES.map((extra) => `${extra.name}/bare`),
];

export function appSummaryRow(major: number, summary: AppSummary): string[] {
  const { cpu } = summary;
  const short = summary.shortOfRate.length > 0 ? ` (short: ${summary.shortOfRate.join(', ')})` : '';
  return [
    String(major),
    summary.title,
    `${summary.ratePerSecond}${short}`,
    number(cpu.bare, 1),
    times(cpu.oursOverBare),
    times(cpu.upstreamOverBare),
    Number.isFinite(cpu.addedShare) ? cpu.addedShare.toFixed(2) : 'n/a',
    times(summary.saturatedOursOverUpstream),
    ...EXTRA_CASES.map((extra) => {
      const found = summary.extras.find((e) => e.name === extra.name);
      return found ? times(found.overBare) : '';
    }),
  ];
}

export function appSummaries(result: MajorResult): Record<AppName, AppSummary> {
  return Object.fromEntries(APP_NAMES.map((app) => [app, summarizeApp(APPS[app].title, result.throughput[app])])) as Record<AppName, AppSummary>;
}

/** Every app of every major measured, one row each. */
export function summaryTable(majors: ReportInput['majors']): string {
  const rows: string[][] = [];
  for (const { major, result } of majors) {
    if (!result) continue;
    const summaries = appSummaries(result);
    for (const app of APP_NAMES) rows.push(appSummaryRow(major, summaries[app]));
  }
  return table(APP_SUMMARY_HEADER, rows);
}

export function treeTable(result: MajorResult): string {
  const rows = TREE_VARIANTS.map((variant) => {
    const tree = result.tree[variant];
    return [variant, `\`${tree.path}\``, String(tree.bytes), number(tree.bytes / 1e6, 2), String(tree.files), number(median(tree.copyMs), 1)];
  });
  const ours = result.tree.ours;
  const upstream = result.tree.upstream;
  rows.push(['ours/upstream', '', '', times(ours.bytes / upstream.bytes), times(ours.files / upstream.files), times(median(ours.copyMs) / median(upstream.copyMs))]);
  return table(['tree', 'path', 'bytes', 'MB', 'files', 'cp -r median (ms)'], rows);
}

export function pipelineTables(result: MajorResult): string {
  const m = result.spanPipeline.micro;
  const micro = table(
    ['per span (median of rounds)', 'wall ns', 'CPU ns'],
    [
      ['CustomSampler.shouldSample', number(m.samplerNs), number(m.samplerCpuNs)],
      ['CustomSpanProcessor.onEnd, no-op next', number(m.processorNs), number(m.processorCpuNs)],
      ['**processor + sampler**', `**${number(m.processorNs + m.samplerNs)}**`, `**${number(m.processorCpuNs + m.samplerCpuNs)}**`],
      ['processor with the request-metrics observer (default deployment)', number(m.processorWithMetricsNs), number(m.processorWithMetricsCpuNs)],
      ['for scale: the SDK itself, start + 15 attributes + end (2.x from the repository)', number(m.sdkSpanNs), ''],
    ],
  );
  const exportRows = EXPORT_VARIANTS.map((variant) => {
    const runs = result.spanPipeline.exportLoop[variant];
    const med = (f: (s: (typeof runs)[number]) => number) => median(runs.map(f));
    return [variant, number(med((s) => s.createdPerSecond)), number(med((s) => s.exportedPerSecond)), number(med((s) => s.received / s.created * 100), 1) + '%', number(med((s) => s.flushMs))];
  });
  const exportTable = table(['under --require', 'spans created/s', 'spans exported/s (received ÷ (loop + flush))', 'received of created', 'final flush (ms)'], exportRows);
  return `${micro}\n\nEnd to end through the batch processor and OTLP/gRPC to the receiver (median of ${result.spanPipeline.exportLoop.ours.length} runs):\n\n${exportTable}`;
}

/** The express apps, held to the express figure. */
const EXPRESS_APPS: readonly AppName[] = ['express', 'express-esm'];

export function majorVerdicts(result: MajorResult): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const { major } = result.prepared;
  const summaries = appSummaries(result);
  // Issue 21 item 7, at the fixed load of this run.
  verdicts.push(httpCpuTarget(major, APPS.http.title, summaries.http));
  const alwaysOff = alwaysOffCpuTarget(APPS.http.title, summaries.http);
  if (alwaysOff) verdicts.push(alwaysOff);
  for (const app of EXPRESS_APPS) verdicts.push(cpuOverBareTarget(APPS[app].title, summaries[app], LIMITS.expressCpuOverBare));
  for (const app of APP_NAMES) verdicts.push(cpuAddedShareTarget(APPS[app].title, summaries[app]));
  for (const app of APP_NAMES) verdicts.push(throughputOverUpstreamTarget(APPS[app].title, summaries[app]));
  for (const app of APP_NAMES) verdicts.push(startupTarget(APPS[app].title, compare(pick(result.startup[app], (s) => s.firstResponseMs))));
  for (const app of APP_NAMES) verdicts.push(memoryTarget(APPS[app].title, compare(pick(result.startup[app], (s) => s.peakRssBytes))));
  verdicts.push(p99Target(APPS.express.title, compare(pick(result.throughput.express.saturated, (s) => s.p99Ms))));
  const { ours, upstream } = result.tree;
  verdicts.push(...treeTargets({ bytes: ours.bytes, files: ours.files, copyMs: median(ours.copyMs) }, { copyMs: median(upstream.copyMs) }));
  const m = result.spanPipeline.micro;
  if (major === LIMITS.pipelineMajor) verdicts.push(pipelineTarget(m.processorNs + m.samplerNs, m.processorCpuNs + m.samplerCpuNs));
  return verdicts;
}

export function verdictTable(verdicts: TargetVerdict[]): string {
  return table(['target', 'measured', 'verdict'], verdicts.map((v) => [v.target, v.measured, v.met ? 'met' : `**not met** by ${v.missedBy ?? '?'}`]));
}

function majorSection(result: MajorResult, profile: BenchProfile): string {
  const p = result.prepared;
  return [
    `## Node ${p.major}: v${p.nodeVersion}`,
    '',
    `- ours: staged tree \`${p.tree}\` (SDK ${p.sdkLine} line), loaded as \`NODE_OPTIONS=" --require ${p.oursEntry}"\``,
    `- upstream: @opentelemetry/auto-instrumentations-node ${p.upstream.autoInstrumentationsVersion} (sdk-node ${p.upstream.sdkNodeVersion}), \`npm install\`ed under this Node into \`${p.upstream.dir}\`, loaded as \`NODE_OPTIONS=" --require .../register.js"\``,
    `- this major took ${result.seconds.toFixed(0)} s`,
    '',
    '### Targets',
    '',
    verdictTable(majorVerdicts(result)),
    '',
    `### 1. Start-up (median of ${profile.startup.rounds} runs per variant after ${profile.startup.warmupRounds} warm-up round)`,
    '',
    startupTable(result),
    '',
    `### 2. Throughput and latency (autocannon -c ${profile.throughput.connections} -d ${profile.throughput.durationSeconds}, median of ${profile.throughput.rounds} runs, each after a ${profile.throughput.warmupSeconds} s warm-up load)`,
    '',
    throughputTable(result),
    '',
    `Server CPU per request at a fixed offered load (autocannon -c ${profile.throughput.connections} -R <rate> -d ${profile.throughput.fixedLoadSeconds}, median of ${profile.throughput.fixedLoadRounds} runs, each after a ${profile.throughput.fixedLoadWarmupSeconds} s warm-up at that rate). The rate of each app is half of its slowest variant's saturated requests/s above, rounded down, so no variant is saturated; the CPU-per-request targets are judged on these figures. Further rows of ours with settings changed: ${EXTRA_CASES.map((extra) => `\`${extra.name}\` (${describeCase(extra)})`).join(', ')}, on some apps; their last column is their added CPU as a share of upstream's.`,
    '',
    fixedLoadTable(result),
    '',
    `### 3. The image's tree (cp -r median of ${profile.tree.rounds} after ${profile.tree.warmupRounds} warm-up)`,
    '',
    treeTable(result),
    '',
    `### 4. The span pipeline (${result.spanPipeline.micro.rounds} rounds of ${result.spanPipeline.micro.spansPerRound} spans, ${result.spanPipeline.micro.node})`,
    '',
    pipelineTables(result),
    '',
  ].join('\n');
}

export const METHOD = [
  '## How the figures were made',
  '',
  '- Every benchmark runs bare, ours and upstream on the same Node binary and the same app file, interleaved (bare ours upstream bare ours upstream ...), warm-up runs discarded; tables show medians.',
  `- Both instrumented variants get the operator's environment: OTLP endpoint of a real OTLP/gRPC receiver on 127.0.0.1 (test/support/otlp-receiver.ts, in the runner process), \`OTEL_TRACES_EXPORTER=otlp\`, \`OTEL_METRICS_EXPORTER=otlp\`, \`OTEL_LOGS_EXPORTER=otlp\`, \`OTEL_PROPAGATORS=tracecontext,baggage\`, \`OTEL_TRACES_SAMPLER=parentbased_always_on\`; upstream also \`OTEL_EXPORTER_OTLP_PROTOCOL=grpc\` (ours defaults to gRPC). Instrumentations are each one's defaults (ours leaves fs, dns, net off and makes no express middleware spans; upstream's register enables its default set).`,
  `- \`OTEL_NODE_RESOURCE_DETECTORS=${RESOURCE_DETECTORS}\` for both: upstream's default also runs the cloud detectors, which query metadata addresses off the machine; benchmark traffic stays on 127.0.0.1.`,
  '- Start-up: spawn → end of the first `GET /` (the app prints `LISTENING <port>`, the runner then requests). Peak RSS is VmHWM from /proc/<pid>/status 300 ms after that response; then SIGKILL (the same for every variant; upstream ignores SIGTERM without an app handler).',
  '- Throughput: a fresh server per run, a short warm-up load, then the measured autocannon run in its own process (the runner\'s Node, whatever major is under test). RSS is sampled every 200 ms. Server CPU per request is the server\'s utime + stime (/proc/<pid>/stat, 10 ms ticks) over the measured run divided by the requests served: on a shared machine it measures the cost of a request better than requests/s, which also counts waiting for a core. autocannon records latency in whole milliseconds, so p50 of a fast server reads 0 or 1. Spans per request counts what reached the receiver during the run; the runner CPU row is mostly the receiver taking OTLP requests, which shares the 2 cores with server and load generator (it decodes the spans after the run, as a collector elsewhere would not cost this machine).',
  `- Fixed load: after the saturated runs of an app, every variant runs again in fresh servers at one offered rate (autocannon -R: each connection sends its share of the rate per second, then waits for the next second): half of the slowest variant's median saturated requests/s, rounded down to two significant digits (bench/fixed-load.ts). Saturated, an instrumented server batches and queues differently from an idle-ish one, which inflates its CPU per request; a pod rarely runs saturated. The targets on server CPU per request are judged at this fixed load; the saturated figure stays in the table for comparison. A case that served less than 95 % of the offered rate (a busy machine) is named in the tables and in the verdicts: its figure is partly a saturated one. At the same rate, on the apps bench/fixed-load-cases.ts names, ours runs with settings changed: \`OTEL_TRACES_SAMPLER=always_off\` (what an unsampled request costs, node:http), \`CUSTOM_OTEL_HTTP_INSTRUMENTATION=upstream\` ("${UPSTREAM_HTTP}": HTTP server spans from upstream's instrumentation-http instead of our diagnostics_channel path; node:http and express), and both ("${ALWAYS_OFF_UPSTREAM_HTTP}", node:http), so the tables show what our own path gains, sampled and not.`,
  "- Summary: per major and app, ratios of one run only: ours/bare and upstream/bare of server CPU per request at the fixed load, ours' added CPU ÷ upstream's added ((ours − bare) ÷ (upstream − bare)), ours' saturated requests/s ÷ upstream's, and each further case of ours over bare. `npx tsx bench/unseen-framework.ts` prints the same rows for an app the bench's tuning never looked at.",
  `- Targets (bench/targets.ts), judged per major on this run's figures: issue 21 item 7 at the fixed load: node:http ours ≤ ${LIMITS.httpCpuOverBare(20)}x bare up to Node 22 and ≤ ${LIMITS.httpCpuOverBare(24)}x from Node 24 (AsyncContextFrame), ours with always_off ≤ ${LIMITS.alwaysOffCpuOverBare}x bare, the express apps ≤ ${LIMITS.expressCpuOverBare}x bare, on every app ours adds ≤ ${LIMITS.cpuAddedShareOfUpstream} × what upstream adds and serves ≥ ${LIMITS.throughputOverUpstream}x upstream's saturated requests/s; processor + sampler < ${LIMITS.pipelineNs} ns per span on Node ${LIMITS.pipelineMajor}; start-up, memory, express p99 and the tree as before. A target not met says by how much, in the figure's own unit.`,
  '- Tree: ours is the staged tree (`scripts/stage.ts`, what the image holds under /autoinstrumentation); upstream\'s is the node_modules of its installed set. Bytes are the sum of regular files\' sizes. `cp -r` into an empty directory, page cache warm after the warm-up copy.',
  '- Span pipeline: `bench/span-pipeline-micro.ts` under the measured Node, bundled as the distribution is (bench/bundled-script.ts), rounds of 2,048 real ended SDK spans (the batch processor\'s default queue size) of an HTTP server request with 15 attributes (query strings in http.url and http.target), configuration from `parseConfig` with the operator\'s environment; wall clock and process CPU time (CPU time leaves out waiting for a core on a busy machine; it includes GC threads). The export loop makes such spans with 100-span bursts and a `setImmediate` between them, then `forceFlush`es.',
  '- "ours\' added as % of upstream\'s" is (ours − bare) / (upstream − bare); for requests/s it is the loss against bare, (bare − ours) / (bare − upstream). n/a when upstream adds nothing.',
].join('\n');

export function renderReport(input: ReportInput): string {
  const m = input.machine;
  const lines = [
    '# Benchmarks: ours vs bare Node vs the upstream register',
    '',
    `- date: ${input.date.toISOString()}`,
    `- command: \`${input.command}\` (profile: ${input.profile.name}), took ${input.seconds.toFixed(0)} s`,
    `- source: ${input.revision}`,
    `- machine: ${m.nproc} CPUs (nproc), ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB memory, ${m.cpuModel}, Linux ${m.kernel}`,
    `- 1-minute load average: ${input.loadBefore.toFixed(2)} before, ${input.loadAfter.toFixed(2)} after (other work shares this machine; a load above ${m.nproc} means runs waited for a core)`,
    `- Node versions: ${input.majors.map((entry) => (entry.result ? `v${entry.result.prepared.nodeVersion}` : `${entry.major}: not run`)).join(', ')}; load generator and runner: ${process.version}`,
    '',
  ];
  if (input.majors.some((entry) => entry.result)) {
    lines.push('## Summary: server CPU per request at a fixed load, and throughput', '', summaryTable(input.majors), '');
  }
  for (const entry of input.majors) {
    if (entry.result) lines.push(majorSection(entry.result, input.profile));
    else lines.push(`## Node ${entry.major}: FAILED`, '', 'No figures: the benchmark could not run.', '', '```', entry.error ?? 'unknown error', '```', '');
  }
  lines.push(METHOD, '');
  return withPortablePaths(lines.join('\n'));
}

/** The report is committed: paths of the run's machine become repo-relative (or ~/...). */
export function withPortablePaths(text: string): string {
  return text.split(`${REPO_ROOT}/`).join('').split(`${homedir()}/`).join('~/');
}
