/**
 * OpAMP on the oldest and newest SDK lines (the 2.x line is the integration
 * test's): the staged tree of Node 14 (1.x) and Node 22 (3.x) under their real
 * runtimes, a plain HTTP app, @elastic/mockopampserver with a heartbeat of
 * 1 s. sampling_rate 0 stops new root spans, 1 brings them back, APPLIED.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MockOpAMPServer } from '@elastic/mockopampserver';
import { ensureNodeRuntime, resolveNodeVersion } from '../../scripts/node-runtimes';
import { REPO, stageMajor } from '../../scripts/stage';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { APPLIED, flatAttributes, notedRequests, offerConfig, waitFor } from '../support/opamp-agent-status';

const MAJORS = [14, 22];
const FIXTURE = join(__dirname, '../fixtures/opamp/http-app.cjs');
const STAGE = join(REPO, '.stage', 'opamp-lines');
const requested = process.env.MATRIX_MAJORS?.split(',').map(Number);
const RUN = requested ? MAJORS.filter((m) => requested.includes(m)) : MAJORS;

let receiver: OtlpReceiver;
const prepared = new Map<number, { node: string; entry: string }>();
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  // One after the other: each bundles on a 2-core machine.
  for (const major of RUN) {
    const runtimeDir = await ensureNodeRuntime(await resolveNodeVersion(major, 'newest'));
    const tree = await stageMajor({ major, outDir: join(STAGE, `node${major}`), runtimeDir });
    prepared.set(major, { node: join(runtimeDir, 'bin', 'node'), entry: join(tree, 'autoinstrumentation.js') });
  }
}, 900_000);
afterAll(async () => {
  await receiver?.close();
});

describe.each(RUN)('Node %i', (major) => {
  it('applies sampling_rate 0 then 1 live, and the server sees APPLIED', async () => {
    const { node, entry } = prepared.get(major)!;
    const server = new MockOpAMPServer({ hostname: '127.0.0.1', port: 0, testMode: true, logLevel: 'error' });
    await server.start();
    const service = `opamp-node${major}`;
    const app = await startApp(
      FIXTURE,
      operatorEnv(entry, receiver.grpcUrl, {
        OTEL_SERVICE_NAME: service,
        OTEL_TRACES_SAMPLER: 'parentbased_always_on',
        OTEL_METRICS_EXPORTER: 'none',
        CUSTOM_OTEL_OPAMP_ENDPOINT: server.endpoint,
        CUSTOM_OTEL_OPAMP_HEARTBEAT_SECONDS: '1',
      }),
      { node },
    );
    try {
      const spansOf = (path: string) => receiver.spans.filter((s) => s.resource['service.name'] === service && s.kind === 'SERVER' && String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '').startsWith(path));
      const described = await waitFor('an agent description', () => notedRequests(server).find((r) => r.a2s?.agentDescription)?.a2s);
      expect(flatAttributes(described.agentDescription!.identifyingAttributes)).toMatchObject({ 'service.name': service });
      expect(String(flatAttributes(described.agentDescription!.nonIdentifyingAttributes)['process.runtime.version'])).toMatch(new RegExp(`^${major}\\.`));

      expect((await offerConfig(server, { sampling_rate: 0 })).status).toBe(APPLIED);
      for (let i = 0; i < 5; i++) expect((await get(app.port, '/while-zero')).status).toBe(200);
      expect((await offerConfig(server, { sampling_rate: 1 })).status).toBe(APPLIED);
      expect((await get(app.port, '/after-one')).status).toBe(200);
      // Spans leave in the order they end: once /after-one's arrived, a /while-zero span would have too.
      await receiver.waitForSpans(() => spansOf('/after-one').length > 0, 15_000, `the /after-one span of Node ${major}`);
      expect(spansOf('/while-zero')).toEqual([]);
    } finally {
      await app.stop();
      await server.close();
    }
  });
});
