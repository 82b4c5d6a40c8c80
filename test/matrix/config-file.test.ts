/**
 * OTEL_CONFIG_FILE in a real process, under the staged tree of one major per
 * SDK line on that major's oldest Node, with real OTLP receivers: the file
 * beats the OTEL_* variables of the environment (sampler and endpoint), its
 * ${VAR:-default} references resolve, its instrumentation and distribution
 * sections reach the instrumentation and our processor, and an invalid file
 * leaves the app serving with one line of ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVersions, type VersionEntry } from '../../scripts/versions';
import { ensureNodeRuntime, resolveNodeVersion } from '../../scripts/node-runtimes';
import { REPO, stageMajor } from '../../scripts/stage';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';

const APP = join(__dirname, '../fixtures/plain-http-app');
// Its own directory: the runtime matrix stages the same majors at the same time.
const STAGE = join(REPO, '.stage', 'config-file');
/** The oldest major of each SDK line: the oldest runtimes the file's parser must load on. */
const LINES: VersionEntry[] = readVersions().filter((entry, index, all) => all.findIndex((other) => other.sdkLine === entry.sdkLine) === index);

let fileReceiver: OtlpReceiver;
let envReceiver: OtlpReceiver;
let dir: string;
beforeAll(async () => {
  fileReceiver = await OtlpReceiver.start({ http: true });
  envReceiver = await OtlpReceiver.start();
  dir = mkdtempSync(join(tmpdir(), 'otel-config-file-'));
});
afterAll(async () => {
  await fileReceiver?.close();
  await envReceiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe.each(LINES)('node$major tree (SDK $sdkLine) on Node $oldestNode', (entry) => {
  const tree = join(STAGE, `node${entry.major}`);
  let node: string;

  beforeAll(async () => {
    const runtime = await ensureNodeRuntime(await resolveNodeVersion(entry.major, 'oldest'));
    node = join(runtime, 'bin', 'node');
    await stageMajor({ major: entry.major, outDir: tree, runtimeDir: runtime });
  }, 600_000);

  it('the file (always_on, its endpoint, ${VAR:-default}) beats OTEL_TRACES_SAMPLER=always_off and another endpoint in the environment', async () => {
    const protocol = entry.major % 4 === 2 ? 'otlp_http' : 'otlp_grpc';
    const endpoint = protocol === 'otlp_http' ? '${FILE_COLLECTOR}/v1/traces' : '${FILE_COLLECTOR}';
    const path = configFile(
      `good-${entry.major}.yaml`,
      `file_format: "1.1"
resource:
  attributes_list: \${OTEL_RESOURCE_ATTRIBUTES}
  attributes:
    - name: service.name
      value: \${CONFIG_SERVICE_NAME:-config-file-${entry.major}}
propagator:
  composite: [{tracecontext: }, {baggage: }]
tracer_provider:
  sampler:
    always_on:
  processors:
    - batch:
        schedule_delay: 100
        exporter:
          ${protocol}:
            endpoint: ${endpoint}
instrumentation/development:
  general:
    http:
      server:
        request_captured_headers: [x-request-id]
  js:
    http:
      ignore_incoming_paths: [/ignored/*]
distribution:
  custom_otel:
    span_attributes:
      team: payments
`,
    );
    const collector = protocol === 'otlp_http' ? fileReceiver.httpUrl : fileReceiver.grpcUrl;
    const env = operatorEnv(join(tree, 'autoinstrumentation.js'), envReceiver.grpcUrl, {
      OTEL_CONFIG_FILE: path,
      OTEL_TRACES_SAMPLER: 'always_off',
      OTEL_SERVICE_NAME: 'from-the-environment',
      OTEL_METRICS_EXPORTER: 'otlp',
      FILE_COLLECTOR: collector,
    });
    const app = await startApp(join(APP, 'server.cjs'), env, { node, cwd: APP });
    try {
      expect((await get(app.port, '/ignored/health')).status).toBe(200);
      expect((await get(app.port, '/orders', { 'x-request-id': 'req-7' })).status).toBe(200);
      const service = `config-file-${entry.major}`;
      const spans = await fileReceiver.waitForSpans((all) => all.some((s) => s.resource['service.name'] === service && s.kind === 'SERVER'), 20_000, `the server span of ${service} at the file's endpoint`);
      const mine = spans.filter((s) => s.resource['service.name'] === service);
      // The earlier request to an ignored path made no span: exported in order, it would be here.
      expect(mine.map((s) => s.attributes['url.path'] ?? s.attributes['http.target'])).toEqual(['/orders']);
      const span = mine[0]!;
      expect(span.attributes['team']).toBe('payments');
      // The 1.x line's instrumentation writes the header's dashes as underscores.
      expect(span.attributes['http.request.header.x-request-id'] ?? span.attributes['http.request.header.x_request_id']).toEqual(['req-7']);
      // Referenced by the file: the operator's attributes still arrive.
      expect(span.resource['k8s.pod.name']).toBe('fixture-app-5d8f-abcde');
    } finally {
      await app.stop();
    }
    expect(envReceiver.spans).toEqual([]);
    expect(app.stderr()).toMatch(new RegExp(`started .*SDK ${entry.sdkLine.replace('.', '\\.')}\\) for service "config-file-${entry.major}" from ${path.replace(/[.]/g, '\\.')} \\(file_format 1\\.1\\): traces otlp`));
    expect(app.stderr()).toContain('metrics none');
  });

  it('an invalid file: the app serves, one line of ours names the field, nothing starts', async () => {
    const path = configFile(`bad-${entry.major}.yaml`, 'file_format: "1.1"\ntracer_provider:\n  sampler:\n    trace_id_ratio_based:\n      ratio: 1.5\n');
    const app = await startApp(join(APP, 'server.cjs'), operatorEnv(join(tree, 'autoinstrumentation.js'), envReceiver.grpcUrl, { OTEL_CONFIG_FILE: path }), { node, cwd: APP });
    try {
      expect((await get(app.port, '/')).body).toBe('ok');
    } finally {
      await app.stop();
    }
    const ours = app.stderr().split('\n').filter((line) => line.startsWith('[custom-otel]'));
    expect(ours).toEqual([
      `[custom-otel] error: OTEL_CONFIG_FILE=${JSON.stringify(path)} is invalid at tracer_provider.sampler.trace_id_ratio_based.ratio: expected a value from 0 to 1, got 1.5; telemetry is off, the app runs uninstrumented`,
    ]);
  });
});
