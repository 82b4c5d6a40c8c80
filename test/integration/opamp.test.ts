/**
 * OpAMP in a real app under the staged tree: against @elastic/mockopampserver
 * (remote config applied live, refused keys, its bad modes), with the server
 * down, and against a hostile server. Heartbeat 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockOpAMPServer } from '@elastic/mockopampserver';
import { freePort } from '../support/free-port';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { get, operatorEnv, startApp, type AppProcess } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { HostileOpampServer } from '../support/hostile-opamp-server';
import { makeTestCertificates } from '../support/test-certificates';
import { APPLIED, FAILED, flatAttributes, lastEffectiveConfig, notedRequests, offerConfig, waitFor } from '../support/opamp-agent-status';

const FIXTURE = join(__dirname, '../fixtures/express-app');
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterAll(async () => {
  await receiver?.close();
});

const serverSpans = (spans: ReceivedSpan[], route: string) => spans.filter((s) => s.kind === 'SERVER' && s.attributes['http.route'] === route);

function appEnv(endpoint: string): Record<string, string> {
  return operatorEnv(stagedEntry(), receiver.grpcUrl, {
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    OTEL_METRICS_EXPORTER: 'none',
    CUSTOM_OTEL_OPAMP_ENDPOINT: endpoint,
    CUSTOM_OTEL_OPAMP_HEARTBEAT_SECONDS: '1',
  });
}

describe('OpAMP against the mock server', () => {
  let server: MockOpAMPServer;
  let app: AppProcess;

  beforeAll(async () => {
    server = new MockOpAMPServer({ hostname: '127.0.0.1', port: 0, testMode: true, logLevel: 'error' });
    await server.start();
    receiver.clear();
    app = await startApp(join(FIXTURE, 'server.cjs'), appEnv(server.endpoint), { cwd: FIXTURE });
  });
  afterAll(async () => {
    await app?.stop();
    await server?.close();
  });

  const requests = () => notedRequests(server);
  const statusFor = (config: Record<string, unknown>) => offerConfig(server, config);
  const lastEffective = () => lastEffectiveConfig(server);

  it('identifies the app: service, versions, runtime, pod and node', async () => {
    const described = await waitFor('an agent description', () => requests().find((r) => r.a2s?.agentDescription)?.a2s);
    expect(flatAttributes(described.agentDescription!.identifyingAttributes)).toMatchObject({ 'service.name': 'fixture-app', 'service.namespace': 'demo', 'service.version': '1.2.3' });
    expect(flatAttributes(described.agentDescription!.nonIdentifyingAttributes)).toMatchObject({
      'telemetry.distro.name': 'custom-otel-nodejs',
      'telemetry.sdk.language': 'nodejs',
      'process.runtime.version': process.versions.node,
      'k8s.pod.name': 'fixture-app-5d8f-abcde',
      'k8s.node.name': 'node-1',
    });
    expect(described.health?.healthy).toBe(true);
    expect(lastEffective()).toMatchObject({ sampler: 'parentbased_always_on', traces_exporter: 'otlp grpc', heartbeat_seconds: 1, sampling_rate: 1, send_traces: true });
    expect(JSON.stringify(lastEffective())).not.toContain('127.0.0.1');
    expect(app.stderr()).not.toContain('] error:');
  });

  it('sampling_rate 0 stops new root spans, 1 brings them back, and the server sees APPLIED', async () => {
    expect((await get(app.port, '/slow?ms=1')).status).toBe(200);
    await receiver.waitForSpans((all) => serverSpans(all, '/slow').length > 0, 15_000, 'a span before any remote config');

    expect((await statusFor({ sampling_rate: 0 })).status).toBe(APPLIED);
    expect(lastEffective()).toMatchObject({ sampling_rate: 0 });
    receiver.clear();
    for (let i = 0; i < 5; i++) expect((await get(app.port, '/hello')).status).toBe(200);

    expect((await statusFor({ sampling_rate: '1' })).status).toBe(APPLIED);
    expect((await get(app.port, '/error')).status).toBe(500);
    // Spans leave in the order they end: once /error's arrived, a /hello span would have too.
    const spans = await receiver.waitForSpans((all) => serverSpans(all, '/error').length > 0, 15_000, 'the /error span after sampling_rate 1');
    expect(serverSpans(spans, '/hello')).toEqual([]);
    expect(serverSpans(spans, '/error')[0]!.traceState).toBe('ot=th:0');
  });

  it('send_traces false drops spans, deactivate_instrumentations unpatches http and express; leaving them out restores both', async () => {
    for (const config of [{ send_traces: 'false' }, { deactivate_instrumentations: 'http,express' }]) {
      expect((await statusFor(config)).status).toBe(APPLIED);
      receiver.clear();
      for (let i = 0; i < 3; i++) expect((await get(app.port, '/hello')).status).toBe(200);
      expect((await statusFor({})).status).toBe(APPLIED);
      expect((await get(app.port, '/error')).status).toBe(500);
      const spans = await receiver.waitForSpans((all) => serverSpans(all, '/error').length > 0, 15_000, `the /error span after ${JSON.stringify(config)} was withdrawn`);
      expect(serverSpans(spans, '/hello'), JSON.stringify(config)).toEqual([]);
    }
    expect(lastEffective()).toMatchObject({ send_traces: true, deactivate_instrumentations: '' });
  });

  it('a key remote config may not set gives FAILED and changes nothing', async () => {
    const status = await statusFor({ sampling_rate: 0, otel_exporter_otlp_endpoint: 'http://127.0.0.1:1' });
    expect(status.status).toBe(FAILED);
    expect(status.errorMessage).toContain('otel_exporter_otlp_endpoint');
    receiver.clear();
    expect((await get(app.port, '/hello')).status).toBe(200);
    await receiver.waitForSpans((all) => serverSpans(all, '/hello').length > 0, 15_000, 'a /hello span: the refused config left sampling at 1');
    expect(lastEffective()).toMatchObject({ sampling_rate: 1 });
    expect(app.stderr()).toContain('OpAMP remote config refused');
  });
});

describe('OpAMP server down or hostile: the app serves', () => {
  it('with nothing listening at the endpoint, the app starts and serves, telling it once', async () => {
    const port = await freePort();
    receiver.clear();
    const app = await startApp(join(FIXTURE, 'server.cjs'), appEnv(`http://127.0.0.1:${port}/v1/opamp`), { cwd: FIXTURE });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await get(app.port, '/hello')).status).toBe(200);
      await receiver.waitForSpans((all) => serverSpans(all, '/hello').length > 0, 15_000, 'a /hello span with the OpAMP server down');
      expect(app.stderr().match(/OpAMP server/g)).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });

  it('answers that are malformed, oversized, endless or missing: the app serves, one line each', async () => {
    const hostile = await HostileOpampServer.start();
    receiver.clear();
    const app = await startApp(join(FIXTURE, 'server.cjs'), appEnv(hostile.endpoint), { cwd: FIXTURE });
    try {
      await waitFor('the hostile server to try each bad answer', () => (hostile.served.length >= 4 ? true : undefined), 40_000);
      expect((await get(app.port, '/hello')).status).toBe(200);
      await receiver.waitForSpans((all) => serverSpans(all, '/hello').length > 0, 15_000, 'a /hello span next to a hostile OpAMP server');
      const lines = app.stderr().split('\n').filter((line) => line.includes('OpAMP'));
      expect(lines.some((line) => line.includes('malformed'))).toBe(true);
      expect(lines.some((line) => /bytes/.test(line))).toBe(true);
      expect(new Set(lines).size).toBe(lines.length);
    } finally {
      await app.stop();
      await hostile.close();
    }
  });

  it("the mock server's bad modes (error answers) leave the app serving", async () => {
    for (const badMode of ['server_error_response_unknown', 'server_error_response_unavailable']) {
      const server = new MockOpAMPServer({ hostname: '127.0.0.1', port: 0, testMode: true, logLevel: 'error', badMode });
      await server.start();
      const app = await startApp(join(FIXTURE, 'server.cjs'), appEnv(server.endpoint), { cwd: FIXTURE });
      try {
        await waitFor('a call to the server', () => (server.testGetRequests().length > 0 ? true : undefined));
        expect((await get(app.port, '/hello')).status).toBe(200);
        await waitFor('the error answer told', () => (app.stderr().includes('answered an error') ? true : undefined));
      } finally {
        await app.stop();
        await server.close();
      }
    }
  });

  it('never keeps a process alive: a script that is done exits while its OpAMP call is still unanswered', async () => {
    const hostile = await HostileOpampServer.start();
    hostile.served.push('garbage', 'oversized', 'endless'); // the next answer is silence
    const dir = mkdtempSync(join(tmpdir(), 'opamp-exit-'));
    const flag = join(dir, 'called');
    // The script is done once the OpAMP call is open (the test creates the flag then).
    writeFileSync(join(dir, 'done.cjs'), `const fs = require('fs'); const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(flag)})) { clearInterval(t); console.log('LISTENING 0'); } }, 20);\n`);
    const starting = startApp(join(dir, 'done.cjs'), appEnv(hostile.endpoint), { timeoutMs: 30_000 });
    await waitFor('the OpAMP call', () => (hostile.served.includes('silent') ? true : undefined));
    writeFileSync(flag, '');
    const app = await starting;
    try {
      const exit = await app.exited;
      expect(exit.code).toBe(0);
      expect(hostile.served).toContain('silent');
      // Had the call held the process, it would have lived until the call's deadline and said so.
      expect(app.stderr()).not.toContain('no complete answer');
    } finally {
      await app.stop();
      await hostile.close();
    }
  });
});

describe('OpAMP over TLS with a client certificate (mutual TLS)', () => {
  it('with the CA and the client certificate, the agent reaches the server and applies its config; without them it is refused and the app serves', async () => {
    const certs = makeTestCertificates();
    const server = new MockOpAMPServer({
      hostname: '127.0.0.1',
      port: 0,
      testMode: true,
      logLevel: 'error',
      ca: certs.read(certs.caFile),
      cert: certs.read(certs.serverCertFile),
      key: certs.read(certs.serverKeyFile),
      requestCert: true,
    });
    await server.start();
    expect(server.endpoint).toMatch(/^https:/);
    const withoutClientCert = await startApp(join(FIXTURE, 'server.cjs'), { ...appEnv(server.endpoint), CUSTOM_OTEL_OPAMP_CERTIFICATE: certs.caFile }, { cwd: FIXTURE });
    let app: AppProcess | undefined;
    try {
      await waitFor('the refused handshake told', () => (/OpAMP server https:/.test(withoutClientCert.stderr()) ? true : undefined));
      expect((await get(withoutClientCert.port, '/hello')).status).toBe(200);
      expect(notedRequests(server)).toEqual([]);

      app = await startApp(
        join(FIXTURE, 'server.cjs'),
        {
          ...appEnv(server.endpoint),
          CUSTOM_OTEL_OPAMP_CERTIFICATE: certs.caFile,
          CUSTOM_OTEL_OPAMP_CLIENT_CERTIFICATE: certs.clientCertFile,
          CUSTOM_OTEL_OPAMP_CLIENT_KEY: certs.clientKeyFile,
        },
        { cwd: FIXTURE },
      );
      expect((await offerConfig(server, { logging_level: 'warn' })).status).toBe(APPLIED);
      expect(lastEffectiveConfig(server)).toMatchObject({ logging_level: 'warn' });
    } finally {
      await withoutClientCert.stop();
      await app?.stop();
      await server.close();
    }
  });
});

describe('OpAMP with TLS files that are not what they say', () => {
  it('a client key that is not a key: the app serves, one line, no crash', async () => {
    const certs = makeTestCertificates();
    const hostile = await HostileOpampServer.start();
    const app = await startApp(
      join(FIXTURE, 'server.cjs'),
      { ...appEnv(`https://127.0.0.1:${hostile.port}/v1/opamp`), CUSTOM_OTEL_OPAMP_CLIENT_CERTIFICATE: certs.clientCertFile, CUSTOM_OTEL_OPAMP_CLIENT_KEY: certs.caFile },
      { cwd: FIXTURE },
    );
    try {
      await waitFor('the bad key told', () => (/OpAMP server https:.*the request could not be made/.test(app.stderr()) ? true : undefined));
      expect((await get(app.port, '/hello')).status).toBe(200);
      expect(app.child.exitCode).toBeNull();
    } finally {
      await app.stop();
      await hostile.close();
    }
  });
});
