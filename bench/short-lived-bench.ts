/**
 * Short-lived processes: wall time from spawn to exit of a command that
 * prints one line (an exec probe, a CLI), bare and under ours and upstream,
 * with the collector up, refusing connections, and taking connections but
 * never answering (all on 127.0.0.1). Once without a span, once with one
 * HTTP call (one client span) first. Not in `npm run bench`:
 *
 *   npx tsx bench/short-lived-bench.ts [--major 20] [--rounds 5] [--output FILE]
 *
 * Prints a Markdown report and writes it to bench/SHORT-LIVED.md (or FILE).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { OtlpReceiver } from '../test/support/otlp-receiver';
import { SilentServer } from '../test/support/silent-server';
import { runInterleaved } from './interleave';
import { describeMachine, loadAverage } from './machine';
import { prepareMajor } from './prepare-major';
import { median } from './statistics';
import { serviceNameOf, variantEnv, VARIANTS, type Variant } from './variants';

const CLI = join(__dirname, '../test/fixtures/short-lived/cli.cjs');
const COLLECTORS = ['up', 'refused', 'silent'] as const;
type Collector = (typeof COLLECTORS)[number];
const WORKLOADS = ['no span', 'one span'] as const;
type Workload = (typeof WORKLOADS)[number];

interface Options {
  major: number;
  rounds: number;
  output: string;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { major: 20, rounds: 5, output: join(__dirname, 'SHORT-LIVED.md') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--major' && value) options.major = Number(value);
    else if (flag === '--rounds' && value) options.rounds = Number(value);
    else if (flag === '--output' && value) options.output = resolve(value);
    else throw new Error(`usage: npx tsx bench/short-lived-bench.ts [--major 20] [--rounds 5] [--output FILE]; got "${flag}"`);
    i++;
  }
  if (!Number.isInteger(options.major) || !Number.isInteger(options.rounds) || options.rounds < 1) throw new Error('--major and --rounds take whole numbers');
  return options;
}

interface Sample {
  wallMs: number;
  /** User + system CPU time of the process: what load from other work on the machine disturbs least. */
  cpuMs: number;
}

/** bash's `times`, second line: the children's user and system time, like `0m0.052s 0m0.008s`. */
function parseChildTimes(text: string): number {
  const lines = text.trim().split('\n');
  const match = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(lines[lines.length - 1] ?? '');
  if (!match) throw new Error(`no CPU times in ${JSON.stringify(text.slice(-200))}`);
  return (Number(match[1]) * 60 + Number(match[2]) + Number(match[3]) * 60 + Number(match[4])) * 1000;
}

function measure(node: string, args: string[], env: Record<string, string>): Promise<Sample> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    // Through bash, whose `times` reports the child's CPU time once it has exited.
    const child = spawn('bash', ['-c', '"$@"; status=$?; times >&2; exit $status', 'bash', node, CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0 || stdout !== 'done\n') reject(new Error(`${args.join(' ')} exited ${code} printing ${JSON.stringify(stdout)}`));
      else resolvePromise({ wallMs, cpuMs: parseChildTimes(stderr) });
    });
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`[short-lived] ${line}\n`);
  const prepared = await prepareMajor(options.major, log);
  const receiver = await OtlpReceiver.start();
  const silent = await SilentServer.start();
  const target = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}/`;
  const endpoints: Record<Collector, string> = { up: receiver.grpcUrl, refused: 'http://127.0.0.1:1', silent: silent.url };
  const loadBefore = loadAverage();
  const began = Date.now();

  type Case = `${Variant}|${Collector}|${Workload}`;
  const cases: Case[] = [];
  for (const workload of WORKLOADS) {
    cases.push(`bare|up|${workload}`);
    for (const collector of COLLECTORS) for (const variant of ['ours', 'upstream'] as const) cases.push(`${variant}|${collector}|${workload}`);
  }
  const results = await runInterleaved(cases, 1, options.rounds, async (key, run) => {
    const [variant, collector, workload] = key.split('|') as [Variant, Collector, Workload];
    const base = { PATH: [join(prepared.runtimeDir, 'bin'), process.env.PATH].filter(Boolean).join(':'), HOME: process.env.HOME ?? '/root' };
    const setup = { oursEntry: prepared.oursEntry, upstreamRegister: prepared.upstream.register, endpoint: endpoints[collector] };
    const env = variantEnv(variant, setup, serviceNameOf(variant, 'short-lived'), base);
    const sample = await measure(prepared.node, workload === 'one span' ? [targetUrl] : [], env);
    if (run.round === 0) log(`${key}: ${sample.wallMs.toFixed(0)} ms, CPU ${sample.cpuMs.toFixed(0)} ms (warm-up)`);
    return sample;
  });
  const spansDelivered = (variant: Variant) => receiver.spans.filter((s) => s.resource['service.name'] === serviceNameOf(variant, 'short-lived')).length;
  const delivered = { ours: spansDelivered('ours'), upstream: spansDelivered('upstream') };
  await receiver.close();
  await silent.close();
  target.close();

  const rounds = options.rounds + 1;
  const lines = [
    '# Short-lived processes',
    '',
    `Command: \`npx tsx bench/short-lived-bench.ts --major ${options.major} --rounds ${options.rounds}\`; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `Node ${prepared.nodeVersion}, ${describeMachine().nproc} CPUs (${describeMachine().cpuModel}), load average ${loadBefore.toFixed(1)} before, ${loadAverage().toFixed(1)} after, ${((Date.now() - began) / 1000).toFixed(0)} s.`,
    '',
    `Wall time from spawn to exit of \`node cli.cjs\` (prints one line; "one span": one HTTP call to 127.0.0.1 first), median of ${options.rounds} interleaved rounds after one warm-up. ` +
      'Collector on 127.0.0.1: up (an OTLP/gRPC receiver), refused (closed port), silent (takes the connection, never sends a byte). Defaults of each distribution otherwise (shutdown timeout: ours 2 s).',
    '',
    'Wall time is what a probe waits for; on a machine shared with other work it stretches with the load, so the CPU time (user + system) of each process is given too.',
    '',
    '| workload | collector | bare wall / CPU | ours wall (added) / CPU (added) | upstream wall (added) / CPU (added) |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const workload of WORKLOADS) {
    const of = (key: Case, field: keyof Sample) => median(results[key].map((sample) => sample[field]));
    const bare = { wallMs: of(`bare|up|${workload}`, 'wallMs'), cpuMs: of(`bare|up|${workload}`, 'cpuMs') };
    for (const collector of COLLECTORS) {
      const cell = (variant: 'ours' | 'upstream') => {
        const [wall, cpu] = [of(`${variant}|${collector}|${workload}`, 'wallMs'), of(`${variant}|${collector}|${workload}`, 'cpuMs')];
        return `${wall.toFixed(0)} ms (+${(wall - bare.wallMs).toFixed(0)}) / ${cpu.toFixed(0)} ms (+${(cpu - bare.cpuMs).toFixed(0)})`;
      };
      lines.push(`| ${workload} | ${collector} | ${bare.wallMs.toFixed(0)} / ${bare.cpuMs.toFixed(0)} ms | ${cell('ours')} | ${cell('upstream')} |`);
    }
  }
  lines.push('', `Spans received with the collector up (${rounds} runs each, warm-up included): ours ${delivered.ours}, upstream ${delivered.upstream}.`, '');
  const report = lines.join('\n');
  process.stdout.write(report);
  writeFileSync(options.output, report);
  log(`report written to ${options.output}`);
}

main().catch((error: Error) => {
  process.stderr.write(`short-lived bench: ${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
