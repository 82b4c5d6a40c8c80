/**
 * TLS to the collector, as the operator configures it (spec.exporter.tls):
 * an https:// endpoint with OTEL_EXPORTER_OTLP_CERTIFICATE and a client
 * certificate and key, against a gRPC receiver that checks client
 * certificates. With the right CA spans arrive; with a wrong CA, or without
 * the client certificate, export fails with one clear error while the app
 * serves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { distributionLines } from './support/diagnostics-lines';
import { makeTlsMaterial, type TlsMaterial } from './support/tls-material';
import { recordFigures } from './support/figures';

const FIXTURE = join(__dirname, '../fixtures/express-app');
const TITLE = 'TLS to the collector (gRPC, client certificates required)';

describe('TLS to the collector', () => {
  let tls: TlsMaterial;
  let receiver: OtlpReceiver;
  let endpoint: string;
  beforeAll(async () => {
    tls = makeTlsMaterial();
    const credentials = grpc.ServerCredentials.createSsl(tls.read(tls.caCert), [{ private_key: tls.read(tls.serverKey), cert_chain: tls.read(tls.serverCert) }], true);
    receiver = await OtlpReceiver.start({ credentials });
    endpoint = `https://localhost:${receiver.grpcPort}`;
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('exports over TLS with the CA and client certificate from the environment', async () => {
    receiver.clear();
    const app = await startApp(
      join(FIXTURE, 'server.cjs'),
      operatorEnv(stagedEntry(), endpoint, {
        OTEL_EXPORTER_OTLP_CERTIFICATE: tls.caCert,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: tls.clientCert,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: tls.clientKey,
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
      }),
      { cwd: FIXTURE },
    );
    expect((await get(app.port, '/hello?over=tls')).status).toBe(200);
    await receiver.waitForSpans((spans) => spans.some((s) => s.kind === 'SERVER' && s.attributes['url.query'] === 'over=tls'), 15_000, 'the span over TLS');
    await receiver.waitFor(() => receiver.metricNames.size > 0, 15_000, 'metrics over TLS');
    await app.stop();
    const failures = distributionLines(app.stderr()).filter((l) => / failed|error/.test(l));
    recordFigures('tls-collector', TITLE, [
      { name: 'right CA + client certificate: spans / metric names received', value: `${receiver.spans.length} / ${receiver.metricNames.size}`, bound: '> 0 / > 0' },
      { name: 'right CA + client certificate: failure lines', value: String(failures.length), bound: '0' },
    ]);
    expect(failures).toEqual([]);
  });

  // The exit delivery's own TLS: a job that ends on its own sends its span from
  // the worker thread at 'exit', with the same certificate variables.
  it('a short job delivers its span at exit over TLS (the exit thread, client certificate)', async () => {
    receiver.clear();
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const env = operatorEnv(stagedEntry(), endpoint, {
        OTEL_EXPORTER_OTLP_CERTIFICATE: tls.caCert,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: tls.clientCert,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: tls.clientKey,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      });
      // One client span (a call that is refused), then the job ends on its own.
      const script = "require('http').get('http://127.0.0.1:1/tls-exit-job').on('error', () => undefined)";
      const child = spawn(process.execPath, ['-e', script], { cwd: FIXTURE, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(run.code, run.stderr).toBe(0);
    expect(receiver.spans.some((s) => s.kind === 'CLIENT' && String(s.attributes['url.full'] ?? '').endsWith('/tls-exit-job')), run.stderr).toBe(true);
  });

  const BROKEN = [
    { name: 'wrong CA', env: (t: TlsMaterial) => ({ OTEL_EXPORTER_OTLP_CERTIFICATE: t.wrongCaCert, OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: t.clientCert, OTEL_EXPORTER_OTLP_CLIENT_KEY: t.clientKey }) },
    { name: 'no client certificate', env: (t: TlsMaterial) => ({ OTEL_EXPORTER_OTLP_CERTIFICATE: t.caCert }) },
  ];
  it.each(BROKEN)('$name: export fails with one clear error, the app serves', async ({ name, env }) => {
    receiver.clear();
    const app = await startApp(join(FIXTURE, 'server.cjs'), operatorEnv(stagedEntry(), endpoint, { ...env(tls), OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }), { cwd: FIXTURE });
    // Requests over 4 s: several export rounds fail meanwhile.
    for (let i = 0; i < 20; i++) {
      expect((await get(app.port, `/hello?round=${i}`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
    }
    await app.stop();
    const lines = distributionLines(app.stderr());
    const spanFailures = lines.filter((l) => l.includes('exporting spans to'));
    recordFigures('tls-collector', TITLE, [
      { name: `${name}: requests served`, value: '20 of 20', bound: 'all' },
      { name: `${name}: span export failure lines / spans received`, value: `${spanFailures.length} / ${receiver.spans.length}`, bound: '1 / 0' },
      { name: `${name}: the error`, value: `\`${spanFailures[0] ?? 'none'}\``, bound: 'names the endpoint' },
      { name: `${name}: all [custom-otel] warning and error lines`, value: String(lines.filter((l) => / (warn|error): /.test(l)).length), bound: 'reported' },
    ]);
    expect(receiver.spans).toEqual([]);
    expect(spanFailures).toHaveLength(1);
    expect(spanFailures[0]).toContain(`exporting spans to ${endpoint} (grpc) failed`);
  });
});
