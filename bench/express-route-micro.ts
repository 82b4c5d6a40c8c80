/**
 * What taking http.route costs per Express request, in-process and without
 * sockets (`npx tsx bench/express-route-micro.ts`, not in `npm run bench`):
 * app.handle on requests whose route handler answers at once, inside a
 * server span's context (as the HTTP instrumentation leaves it), with no
 * express instrumentation, with ours, and with the upstream one ignoring every
 * layer type (what CUSTOM_OTEL_EXPRESS_SPANS=none used before). Each case runs
 * in its own child process (instrumentations patch express for good). Two
 * apps: a root route behind express.json(), and a route two routers deep.
 * Prints medians in ns per request, and checks each case found the route.
 *
 * Env: BENCH_REQUESTS_PER_ROUND, BENCH_ROUNDS.
 */
import { execFileSync } from 'node:child_process';
import { median } from './statistics';

const CASES = ['none', 'ours', 'upstream'] as const;
type Case = (typeof CASES)[number];
const REQUESTS = Number(process.env.BENCH_REQUESTS_PER_ROUND ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

async function child(which: Case): Promise<void> {
  const api = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { setRPCMetadata, RPCType } = await import('@opentelemetry/core');
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (which === 'ours') {
    const { ExpressRouteInstrumentation } = await import('../src/instrumentations/express-route');
    new ExpressRouteInstrumentation({});
  } else if (which === 'upstream') {
    const { ExpressInstrumentation } = await import('@opentelemetry/instrumentation-express');
    new ExpressInstrumentation({ ignoreLayersType: ['middleware', 'router', 'request_handler'] as never });
  }
  // Required after the instrumentation exists, as under our require hook.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const express = require('express');
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  const done = (req: unknown, res: { done?: boolean }) => void (res.done = true);
  app.get('/', done);
  const users = express.Router();
  users.get('/:id', done);
  const apiRouter = express.Router();
  apiRouter.use('/users', users);
  app.use('/api', apiRouter);

  const serve = (url: string): string | undefined => {
    const metadata: { type: unknown; span: unknown; route?: string } = { type: RPCType.HTTP, span: api.trace.wrapSpanContext(api.INVALID_SPAN_CONTEXT) };
    const req = { method: 'GET', url, headers: {} };
    const res: { done?: boolean } = {};
    api.context.with(setRPCMetadata(api.ROOT_CONTEXT, metadata as never), () => app.handle(req, res, (error: unknown) => { throw error ?? new Error(`${url} not handled`); }));
    if (!res.done) throw new Error(`${url} not answered`);
    return metadata.route;
  };
  const result: Record<string, { route: string | undefined; ns: number[] }> = {};
  for (const url of ['/', '/api/users/42']) {
    const ns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < REQUESTS; i++) serve(url);
      ns.push(Number(process.hrtime.bigint() - start) / REQUESTS);
    }
    result[url] = { route: serve(url), ns };
  }
  process.stdout.write(JSON.stringify(result));
}

function main(): void {
  const rows: string[] = [];
  for (const which of CASES) {
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, which], { encoding: 'utf8', env: process.env });
    const result = JSON.parse(out) as Record<string, { route: string | undefined; ns: number[] }>;
    for (const [url, { route, ns }] of Object.entries(result)) rows.push(`| ${which} | ${url} | ${route ?? '(none)'} | ${median(ns).toFixed(0)} |`);
  }
  process.stdout.write(`express ${require('express/package.json').version}, Node ${process.versions.node}, ns per app.handle (median of ${ROUNDS} rounds of ${REQUESTS}):\n\n| express instrumentation | URL | route found | ns/request |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`);
}

const which = process.argv[2] as Case | undefined;
if (which === undefined) main();
else child(which).catch((error: Error) => {
  process.stderr.write(`express-route-micro ${which}: ${error.stack}\n`);
  process.exitCode = 1;
});
