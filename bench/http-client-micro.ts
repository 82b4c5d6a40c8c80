/**
 * What an outbound node:http request costs the calling process, by how its
 * client span is made (`npx tsx bench/http-client-micro.ts [--major 22]`, not
 * in `npm run bench`): bare Node; our tree without the HTTP instrumentation
 * (what the rest of the distribution costs here: the context manager, the
 * other instrumentations); our tree with client spans from
 * diagnostics_channel (the default); and with
 * CUSTOM_OTEL_HTTP_INSTRUMENTATION=upstream (instrumentation-http's patched
 * http.request); each sampled (parentbased_always_on, root spans) and not
 * (always_off). What the client span costs is the difference to the tree
 * without the HTTP instrumentation. One process per run, the runs interleaved; the server
 * answering is another process, uninstrumented. Traces are made but not
 * exported (OTEL_TRACES_EXPORTER=none: export costs both alike); the duration
 * metric is recorded (an OTLP reader that never comes due). Prints medians
 * of CPU µs per request.
 *
 * Env: BENCH_REQUESTS (per run, after as many warm-up ones), BENCH_ROUNDS.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureNodeRuntime, resolveNodeVersion } from '../scripts/node-runtimes';
import { REPO, stageMajor } from '../scripts/stage';
import { runInterleaved } from './interleave';
import { median } from './statistics';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const VARIANTS = ['bare', 'no-http', 'channels', 'upstream', 'no-http (unsampled)', 'channels (unsampled)', 'upstream (unsampled)'] as const;
type Variant = (typeof VARIANTS)[number];

const SERVER = `
process.on('disconnect', () => process.exit(0));
const server = require('node:http').createServer((req, res) => res.end('ok'));
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { major: { type: 'string', default: '22' } } });
  const major = Number(values.major);
  const runtimeDir = await ensureNodeRuntime(await resolveNodeVersion(major, 'newest'));
  const node = join(runtimeDir, 'bin', 'node');
  const tree = await stageMajor({ major, outDir: join(REPO, '.stage', 'bench-http-client', `node${major}`), runtimeDir });
  const server = spawn(node, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => server.stdout!.on('data', (data) => resolve(Number(/PORT (\d+)/.exec(String(data))![1]))));
  try {
    const results = await runInterleaved(VARIANTS, 1, ROUNDS, async (variant) => {
      const mode = variant.split(' ')[0]!;
      const env: Record<string, string> = { PATH: process.env.PATH ?? '', BENCH_PORT: String(port), BENCH_REQUESTS: String(REQUESTS) };
      if (mode !== 'bare') {
        Object.assign(env, {
          NODE_OPTIONS: ` --require ${join(tree, 'autoinstrumentation.js')}`,
          OTEL_TRACES_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
          OTEL_METRICS_EXPORTER: 'otlp',
          OTEL_METRIC_EXPORT_INTERVAL: '3600000',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
          OTEL_NODE_RESOURCE_DETECTORS: 'env',
          OTEL_TRACES_SAMPLER: variant.endsWith('(unsampled)') ? 'always_off' : 'parentbased_always_on',
          ...(mode === 'no-http' ? { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' } : { CUSTOM_OTEL_HTTP_INSTRUMENTATION: mode }),
        });
      }
      const output = execFileSync(node, [join(__dirname, 'apps', 'http-client-loop.cjs')], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return (JSON.parse(output.trim().split('\n').pop()!) as { cpuNsPerRequest: number }).cpuNsPerRequest;
    });
    console.log(`node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}, ${REQUESTS} requests per run, ${ROUNDS} runs per variant (medians, CPU µs per request of the calling process)`);
    console.log('| variant | µs/request | added by the HTTP client span |');
    console.log('|---|---|---|');
    for (const variant of VARIANTS) {
      const mine = median(results[variant]);
      const base = variant === 'bare' || variant.startsWith('no-http') ? undefined : median(results[variant.endsWith('(unsampled)') ? 'no-http (unsampled)' : 'no-http']);
      console.log(`| ${variant} | ${(mine / 1000).toFixed(1)} | ${base === undefined ? '' : ((mine - base) / 1000).toFixed(1)} |`);
    }
  } finally {
    server.kill();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
