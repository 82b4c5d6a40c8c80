/**
 * Which spans each instrumented variant exports for one request to a bench
 * app: name, kind and scope per request, and the server span's route and
 * status. The throughput tables count spans per request; this says what they
 * are. Not part of `npm run bench`:
 *
 *   npx tsx bench/span-census.ts [--major 20] [--app nest] [--requests 20]
 */
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { OtlpReceiver, type ReceivedSpan } from '../test/support/otlp-receiver';
import { APP_NAMES, APPS, APPS_DIR, type AppName } from './apps';
import { processEnv, type MajorContext } from './major-context';
import { prepareMajor } from './prepare-major';
import { startServer } from './server-process';
import { serviceNameOf, type Variant } from './variants';

const INSTRUMENTED: Variant[] = ['ours', 'upstream'];

function get(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`GET / answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

function censusRows(app: AppName, variant: Variant, spans: ReceivedSpan[], requests: number): string[] {
  const counts = new Map<string, number>();
  for (const span of spans) {
    const key = `${span.name} | ${span.kind} | ${span.scope}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const rows = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => `| ${app} | ${variant} | ${key} | ${(count / requests).toFixed(2)} |`);
  const server = spans.find((span) => span.kind === 'SERVER');
  const status = server?.attributes['http.response.status_code'] ?? server?.attributes['http.status_code'];
  rows.push(`| ${app} | ${variant} | server span: http.route=${String(server?.attributes['http.route'] ?? '(none)')}, status ${String(status ?? '(none)')} | | |`);
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { major: { type: 'string', default: '20' }, app: { type: 'string', multiple: true }, requests: { type: 'string', default: '20' } } });
  const apps = (values.app ?? APP_NAMES) as AppName[];
  const unknown = apps.filter((app) => !APP_NAMES.includes(app));
  if (unknown.length > 0) throw new Error(`--app ${unknown.join(', ')}: not a bench app (${APP_NAMES.join(', ')})`);
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests <= 0) throw new Error('--requests must be a positive integer');
  const log = (line: string) => process.stderr.write(`[span-census] ${line}\n`);
  const prepared = await prepareMajor(Number(values.major), log);
  const receiver = await OtlpReceiver.start();
  const context: MajorContext = { prepared, receiver, log };
  const rows: string[] = [];
  try {
    for (const app of apps) {
      for (const variant of INSTRUMENTED) {
        const service = serviceNameOf(variant, app);
        const env = { ...processEnv(context, variant, app), OTEL_BSP_SCHEDULE_DELAY: '200' };
        const server = await startServer({ node: prepared.node, script: APPS[app].script, cwd: APPS_DIR, env, timeoutMs: 30_000 });
        try {
          // The start-up request's spans are not counted.
          await receiver.waitForSpans((spans) => spans.some((s) => s.resource['service.name'] === service && s.kind === 'SERVER'), 15_000, `${service}'s first server span`);
          await new Promise((r) => setTimeout(r, 500));
          receiver.clear();
          for (let i = 0; i < requests; i++) await get(server.port);
          const mine = () => receiver.spans.filter((s) => s.resource['service.name'] === service);
          await receiver.waitForSpans(() => mine().filter((s) => s.kind === 'SERVER').length >= requests, 15_000, `${requests} server spans from ${service}`);
          await new Promise((r) => setTimeout(r, 500));
          rows.push(...censusRows(app, variant, mine(), requests));
          receiver.clear();
        } finally {
          await server.kill();
        }
      }
    }
  } finally {
    await receiver.close();
  }
  process.stdout.write(`Spans per request, Node ${prepared.nodeVersion}, ${requests} sequential GET / after the first:\n\n| app | variant | span name, kind, scope | per request |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`span-census: ${error.message}\n`);
  process.exitCode = 1;
});
