/**
 * Do spans from worker threads belong in the trace? A server that runs one
 * query per request in a piscina pool of 4 worker threads, under our staged
 * tree as it is (the entry skips worker threads) and with the distribution
 * started inside each worker too (what instrumenting them would mean), with
 * a real OTLP receiver (piscina's default pool, and one whose idle workers
 * wait on their message port instead of in Atomics.wait). Reports per variant: resident memory after the pool
 * started, the server and mysql2 spans received, and how many mysql2 spans
 * share a trace with a server span (are part of the request's trace).
 *
 *   npx tsx bench/worker-threads.ts [--major 24] [--requests 20]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureNodeRuntime, resolveNodeVersion } from '../scripts/node-runtimes';
import { REPO, stageMajor } from '../scripts/stage';
import { OtlpReceiver } from '../test/support/otlp-receiver';
import { get, operatorEnv, startApp } from '../test/support/app-process';
import { ensureLockedDependencies } from '../test/support/test-app-prerequisites';
import { readProcMemory } from './proc-status';

const { values } = parseArgs({ options: { major: { type: 'string', default: '24' }, requests: { type: 'string', default: '20' } } });
const major = Number(values.major);
const requests = Number(values.requests);
const FIXTURE = join(REPO, 'test/fixtures/module-loading');

async function main(): Promise<void> {
  await ensureLockedDependencies(FIXTURE);
  const runtime = await ensureNodeRuntime(await resolveNodeVersion(major, 'newest'));
  const tree = await stageMajor({ major, outDir: join(REPO, '.stage', 'bench-workers', `node${major}`), runtimeDir: runtime }).then(() => join(REPO, '.stage', 'bench-workers', `node${major}`));
  const receiver = await OtlpReceiver.start();
  const rows: string[] = [];
  const variants = [
    { workers: 'skipped (as shipped)', sdk: '0', atomics: '1' },
    { workers: 'instrumented, piscina default (idle workers in Atomics.wait)', sdk: '1', atomics: '1' },
    { workers: 'instrumented, useAtomics: false', sdk: '1', atomics: '0' },
  ];
  for (const [index, { workers, sdk, atomics }] of variants.entries()) {
    const service = `workers-${index}`;
    const app = await startApp(
      join(FIXTURE, 'worker-pool/server.cjs'),
      operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, {
        OTEL_SERVICE_NAME: service,
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
        WORKER_SDK: sdk,
        POOL_ATOMICS: atomics,
        WORKER_SDK_TREE: tree,
      }),
      { node: join(runtime, 'bin', 'node'), cwd: FIXTURE, timeoutMs: 60_000 },
    );
    // The pool starts its 4 threads at once; the first request waits for them.
    await get(app.port, '/warm-up');
    const rssMiB = readProcMemory(app.child.pid!).rssBytes / 2 ** 20;
    for (let i = 0; i < requests; i++) await get(app.port, `/query/${i}`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await app.stop();
    const spans = receiver.spans.filter((span) => span.resource['service.name'] === service && span.name !== 'GET /warm-up');
    const servers = spans.filter((span) => span.kind === 'SERVER' && String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').startsWith('/query'));
    const serverTraces = new Set(servers.map((span) => span.traceId));
    const queries = spans.filter((span) => span.scope === '@opentelemetry/instrumentation-mysql2');
    const inRequestTrace = queries.filter((span) => serverTraces.has(span.traceId)).length;
    rows.push(`| ${workers} | ${rssMiB.toFixed(1)} | ${servers.length} | ${queries.length} | ${inRequestTrace} | ${queries.filter((span) => span.parentSpanId === '').length} |`);
  }
  await receiver.close();
  console.log(`Node ${major} (newest), ${requests} requests, each one mysql2 query in a piscina pool of 4 worker threads:\n`);
  console.log('| worker threads | RSS after start (MiB) | server spans | mysql2 spans | mysql2 spans in the request\'s trace | mysql2 spans that are trace roots |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
