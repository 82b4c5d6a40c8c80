/**
 * mysql2 connection-pool metrics from the test app (its mysql2/promise pool,
 * connectionLimit 10) on a real MariaDB, under the staged tree, as a real
 * OTLP receiver gets them: used and idle move under load, requests wait
 * when every connection is used, and all go back to idle afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp, type AppProcess } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { ensureMariaDb, ensureTestAppDependencies, MARIADB_PORT, TEST_APP_DIR } from '../support/test-app-prerequisites';

const POOL = `127.0.0.1:${MARIADB_PORT}/testapp`;

describe.each(['server.cjs', 'server.mjs'])('mysql2 pool metrics of the test app (%s)', (entry) => {
  let receiver: OtlpReceiver;
  let app: AppProcess;

  /** The latest value of each series of a pool metric, by its state attribute (or 'value'). */
  const latest = (name: string) => {
    const values: Record<string, number> = {};
    for (const point of receiver.metricPoints(name)) {
      if (point.attributes['db.client.connection.pool.name'] !== POOL) continue;
      values[String(point.attributes['db.client.connection.state'] ?? 'value')] = point.value;
    }
    return values;
  };
  const waitForPool = (predicate: (count: Record<string, number>, pending: number) => boolean, what: string) =>
    receiver.waitFor(() => predicate(latest('db.client.connection.count'), latest('db.client.connection.pending_requests').value ?? -1), 30_000, `${what}; last seen count ${JSON.stringify(latest('db.client.connection.count'))}, pending ${JSON.stringify(latest('db.client.connection.pending_requests'))}`);

  beforeAll(async () => {
    await ensureTestAppDependencies();
    await ensureMariaDb();
    receiver = await OtlpReceiver.start();
    app = await startApp(
      join(TEST_APP_DIR, entry),
      operatorEnv(stagedEntry(), receiver.grpcUrl, {
        OTEL_METRIC_EXPORT_INTERVAL: '200',
        OTEL_TRACES_EXPORTER: 'none',
        PORT: '0',
        HOST: '127.0.0.1',
        DB_HOST: '127.0.0.1',
        DB_PORT: String(MARIADB_PORT),
      }),
      { cwd: TEST_APP_DIR, ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs: 60_000 },
    );
  }, 15 * 60_000);
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('reports the pool idle at rest, with its maximum, named host:port/database', async () => {
    // Start-up made one connection (CREATE TABLE) and gave it back.
    await waitForPool((count) => (count.idle ?? 0) >= 1 && count.used === 0, 'the idle connection after start-up');
    expect(latest('db.client.connection.max')).toEqual({ value: 10 });
    const names = new Set(receiver.metricPoints('db.client.connection.count').map((p) => p.attributes['db.client.connection.pool.name']));
    expect([...names]).toEqual([POOL]);
  });

  it('shows every connection used and requests pending under load, then all idle again', async () => {
    // 14 requests each holding a connection for 3 s: 10 run, 4 wait.
    const load = Promise.all(Array.from({ length: 14 }, () => get(app.port, '/db/wait?ms=3000')));
    await waitForPool((count, pending) => count.used === 10 && count.idle === 0 && pending > 0, 'all 10 connections used and requests pending');
    const answers = await load;
    expect(answers.map((a) => a.status)).toEqual(Array(14).fill(200));
    await waitForPool((count, pending) => count.used === 0 && count.idle === 10 && pending === 0, 'the 10 connections back to idle');
  }, 60_000);

  it('come from our own instrumentation scope (the upstream mysql2 instrumentation has none)', () => {
    const scopes = new Set<string>();
    for (const request of receiver.metricRequests as Array<{ resourceMetrics?: Array<{ scopeMetrics?: Array<{ scope?: { name?: string }; metrics?: Array<{ name: string }> }> }> }>) {
      for (const rm of request.resourceMetrics ?? []) {
        for (const sm of rm.scopeMetrics ?? []) if (sm.metrics?.some((m) => m.name === 'db.client.connection.count')) scopes.add(sm.scope?.name ?? '');
      }
    }
    expect([...scopes]).toEqual(['custom-otel-mysql2-pool-metrics']);
  });
});

describe('mysql2 PoolCluster pools', () => {
  it('are reported per cluster node, named by the node id and address', async () => {
    await ensureTestAppDependencies();
    await ensureMariaDb();
    const receiver = await OtlpReceiver.start();
    const app = await startApp(
      join(__dirname, '../fixtures/mysql2-cluster/server.cjs'),
      operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_METRIC_EXPORT_INTERVAL: '200', OTEL_TRACES_EXPORTER: 'none', DB_PORT: String(MARIADB_PORT) }),
    );
    try {
      expect((await get(app.port, '/query')).status).toBe(200);
      const name = `primary 127.0.0.1:${MARIADB_PORT}/testapp`;
      await receiver.waitFor(
        () => receiver.metricPoints('db.client.connection.count').some((p) => p.attributes['db.client.connection.pool.name'] === name && p.attributes['db.client.connection.state'] === 'idle' && p.value === 1),
        20_000,
        `one idle connection in pool "${name}"`,
      );
      expect(receiver.metricPoints('db.client.connection.max').filter((p) => p.attributes['db.client.connection.pool.name'] === name).at(-1)?.value).toBe(3);
    } finally {
      await app.stop();
      await receiver.close();
    }
  });
});
