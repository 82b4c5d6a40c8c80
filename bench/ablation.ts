/**
 * Where ours spends its per-request time: one bench app under load with parts
 * of our pipeline switched off through its own environment variables,
 * reporting the server's CPU time per request (robust on a shared machine)
 * next to bare and upstream. With --rate every case gets the same offered
 * load (autocannon -R), so batching under saturation does not blur the
 * comparison. --env adds a case of ours with extra variables. Not part of
 * `npm run bench`:
 *
 *   npx tsx bench/ablation.ts [--major 20] [--app http] [--rate 4000] [--seconds 4] [--rounds 2] [--env 'A=1,B=2' ...]
 */
import { parseArgs } from 'node:util';
import { OtlpReceiver } from '../test/support/otlp-receiver';
import { APP_NAMES, APPS, APPS_DIR, type AppName } from './apps';
import { runAutocannon } from './autocannon';
import { processEnv, type MajorContext } from './major-context';
import { prepareMajor } from './prepare-major';
import { readProcCpuSeconds } from './proc-status';
import { startServer } from './server-process';
import { median } from './statistics';
import type { Variant } from './variants';

interface Case {
  name: string;
  variant: Variant;
  extraEnv: Record<string, string>;
}

const CASES: Case[] = [
  { name: 'bare', variant: 'bare', extraEnv: {} },
  { name: 'ours, as deployed', variant: 'ours', extraEnv: {} },
  { name: 'ours, CUSTOM_OTEL_REQUEST_METRICS=false', variant: 'ours', extraEnv: { CUSTOM_OTEL_REQUEST_METRICS: 'false' } },
  { name: 'ours, OTEL_METRICS_EXPORTER=none', variant: 'ours', extraEnv: { OTEL_METRICS_EXPORTER: 'none' } },
  { name: 'ours, OTEL_TRACES_EXPORTER=none (processor still runs)', variant: 'ours', extraEnv: { OTEL_TRACES_EXPORTER: 'none' } },
  { name: 'ours, OTEL_TRACES_SAMPLER=always_off (no span recorded)', variant: 'ours', extraEnv: { OTEL_TRACES_SAMPLER: 'always_off' } },
  { name: 'upstream, as deployed', variant: 'upstream', extraEnv: {} },
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      major: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '2' },
      app: { type: 'string', default: 'http' },
      rate: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  if (!APP_NAMES.includes(values.app as AppName)) throw new Error(`--app must be one of ${APP_NAMES.join(', ')}`);
  const app = APPS[values.app as AppName];
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(Number.isInteger(rate) && rate > 0)) throw new Error('--rate must be a positive integer (requests per second)');
  const cases: Case[] = [
    ...CASES,
    ...values.env.map((spec): Case => ({
      name: `ours, ${spec}`,
      variant: 'ours',
      extraEnv: Object.fromEntries(spec.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
    })),
  ];
  const major = Number(values.major);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  for (const [name, value] of [['--major', major], ['--seconds', seconds], ['--rounds', rounds]] as const) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  }
  const log = (line: string) => process.stderr.write(`[ablation] ${line}\n`);
  const prepared = await prepareMajor(major, log);
  const receiver = await OtlpReceiver.start();
  const context: MajorContext = { prepared, receiver, log };
  const cpuPerRequest = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const test of cases) {
        const env = { ...processEnv(context, test.variant, 'ablation'), ...test.extraEnv };
        const server = await startServer({ node: prepared.node, script: app.script, cwd: APPS_DIR, env, timeoutMs: 30_000 });
        try {
          const url = `http://127.0.0.1:${server.port}/`;
          await runAutocannon(url, 20, 1, `${test.name} (warm-up)`, rate);
          const before = readProcCpuSeconds(server.pid);
          const load = await runAutocannon(url, 20, seconds, test.name, rate);
          cpuPerRequest.get(test.name)!.push(((readProcCpuSeconds(server.pid) - before) * 1e6) / load.requests);
          receiver.clear();
        } finally {
          await server.kill();
        }
      }
    }
  } finally {
    await receiver.close();
  }
  process.stdout.write(`${app.title}, Node ${prepared.nodeVersion}, server CPU µs per request (median of ${rounds}, autocannon -c 20 -d ${seconds}${rate === undefined ? '' : ` -R ${rate}`}):\n\n| case | µs/request |\n| --- | --- |\n`);
  for (const test of cases) process.stdout.write(`| ${test.name} | ${median(cpuPerRequest.get(test.name)!).toFixed(1)} |\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`ablation: ${error.message}\n`);
  process.exitCode = 1;
});
