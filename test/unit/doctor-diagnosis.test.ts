/** The doctor's verdict (src/doctor/diagnosis.ts) and its reading of NODE_OPTIONS (src/doctor/node-options.ts), as pure functions. */
import { describe, expect, it } from 'vitest';
import { diagnose, renderReport, type DoctorFacts } from '../../src/doctor/diagnosis';
import { entryState, nodeOptionsWords } from '../../src/doctor/node-options';

const TREE = '/otel-auto-instrumentation-nodejs';
const facts = (overrides: Partial<DoctorFacts> = {}, env: Record<string, string> = {}): DoctorFacts => ({
  build: { distributionVersion: '1.2.3', imageName: 'img', major: 20, nodeRange: '>=20.6.0 <21', sdkLine: '2.x', images: [{ major: 18, nodeRange: '>=18.19.0 <19' }, { major: 20, nodeRange: '>=20.6.0 <21' }] },
  treeDir: TREE,
  nodeVersion: '20.11.0',
  env: { NODE_OPTIONS: ` --require ${TREE}/autoinstrumentation.js`, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_SERVICE_NAME: 'shop', ...env },
  appArgv: ['node', '/app/server.js'],
  instrumentationNames: ['express', 'fs', 'http', 'mysql2'],
  probe: { ok: true, ms: 12 },
  ...overrides,
});
const statuses = (report: ReturnType<typeof diagnose>) => report.checks.map((c) => `${c.status} ${c.topic}`);

describe('diagnose', () => {
  it('says where each setting came from: environment or default, or the file with OTEL_CONFIG_FILE', () => {
    const fromEnv = diagnose(facts());
    expect(fromEnv.provenance).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'environment', OTEL_SERVICE_NAME: 'environment', OTEL_TRACES_SAMPLER: 'default' });
    expect(renderReport(fromEnv)).toMatch(/settings from the environment: OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_ENDPOINT; the other \d+ settings at their defaults/);

    const file = 'file_format: "1.1"\ntracer_provider:\n  sampler:\n    always_on:\n  processors:\n    - batch:\n        exporter:\n          otlp_grpc:\n            endpoint: http://file-collector:4317\n';
    const fromFile = diagnose(facts({ readFile: () => file }, { OTEL_CONFIG_FILE: '/etc/otel.yaml', CUSTOM_OTEL_DEBUG_SPANS: 'true' }));
    expect(fromFile.ok).toBe(true);
    expect(fromFile.configFile).toEqual({ path: '/etc/otel.yaml', format: '1.1' });
    expect(fromFile.provenance).toMatchObject({ OTEL_TRACES_SAMPLER: 'file', OTEL_EXPORTER_OTLP_ENDPOINT: 'file', OTEL_SERVICE_NAME: 'default', CUSTOM_OTEL_DEBUG_SPANS: 'environment', OTEL_CONFIG_FILE: 'environment' });
    const text = renderReport(fromFile);
    // Sections the file leaves out are set too: to the schema's no-op (no detectors, no propagator, nothing exported).
    expect(text).toMatch(
      /settings from the file \/etc\/otel\.yaml: OTEL_NODE_RESOURCE_DETECTORS, OTEL_PROPAGATORS, OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_SAMPLER; from the environment: OTEL_CONFIG_FILE, CUSTOM_OTEL_DEBUG_SPANS; the other \d+ settings at their defaults/,
    );
    expect(text).toContain('OTLP endpoint http://file-collector:4317 (grpc) accepted a test span');
  });

  it('fails with the one line of the entry when the configuration file cannot be used', () => {
    const report = diagnose(facts({ readFile: () => 'file_format: "2.0"\n', probe: undefined }, { OTEL_CONFIG_FILE: '/etc/otel.yaml' }));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('OTEL_CONFIG_FILE="/etc/otel.yaml" is invalid at file_format: version 2.0 is not supported (this distribution reads 1.0 to 1.1); another major version may change what any field means; telemetry is off, the app runs uninstrumented');
  });

  it('says telemetry flows when every check passes, and lists the active instrumentations', () => {
    const report = diagnose(facts());
    expect(report.ok).toBe(true);
    expect(statuses(report)).toEqual(['ok node', 'ok node_options', 'ok start', 'info config', 'info config', 'info instrumentations', 'ok endpoint']);
    expect(report.instrumentations).toEqual({ active: ['express', 'http', 'mysql2'], off: ['fs'] });
    expect(report.serviceName).toBe('shop');
    const text = renderReport(report);
    expect(text).toContain('OTLP endpoint http://collector:4317 (grpc) accepted a test span in 12 ms');
    expect(text.split('\n').at(-1)).toBe('=> telemetry would flow');
  });

  it('fails on a Node outside the range, naming the image to use', () => {
    const report = diagnose(facts({ nodeVersion: '18.20.0' }));
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toContain('use the node18 image instead');
  });

  it('fails when NODE_OPTIONS lacks the entry, and warns when it names another tree', () => {
    const missing = diagnose(facts({}, { NODE_OPTIONS: '--max-old-space-size=256' }));
    expect(missing.ok).toBe(false);
    expect(missing.problems[0]).toContain('NODE_OPTIONS does not require autoinstrumentation.js (NODE_OPTIONS="--max-old-space-size=256")');
    const other = diagnose(facts({}, { NODE_OPTIONS: '--require /elsewhere/autoinstrumentation.js' }));
    expect(other.ok).toBe(true);
    expect(other.checks.find((c) => c.topic === 'node_options')).toMatchObject({ status: 'warn', text: expect.stringContaining('/elsewhere/autoinstrumentation.js') });
  });

  it('fails when the SDK is disabled or the app command is excluded', () => {
    expect(diagnose(facts({}, { OTEL_SDK_DISABLED: 'true' })).problems).toEqual(['OTEL_SDK_DISABLED=true: the entry loads but starts nothing']);
    const excluded = diagnose(facts({ appArgv: ['node', '--enable-source-maps', '/app/worker.js'] }, { CUSTOM_OTEL_EXCLUDE_COMMANDS: 'worker' }));
    expect(excluded.problems[0]).toContain('its command "worker" is in CUSTOM_OTEL_EXCLUDE_COMMANDS');
    // npm as pid 1 is skipped itself, but the app it starts is instrumented: no failure.
    const npm = diagnose(facts({ appArgv: ['node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'start'] }));
    expect(npm.app.excluded).toBe(true);
    expect(npm.ok).toBe(true);
    expect(npm.checks.find((c) => c.topic === 'start')?.text).toContain("pid 1 is npm (node /usr/lib/node_modules/npm/bin/npm-cli.js start), which is not instrumented itself; the app's node process it starts would be");
    // pid 1 not being node says nothing about the app.
    expect(diagnose(facts({ appArgv: ['/bin/sh', '-c', 'node app.js'] })).ok).toBe(true);
  });

  it('shows every configuration warning', () => {
    const report = diagnose(facts({}, { OTEL_TRACES_SAMPLER: 'sometimes', CUSTOM_OTEL_SPAN_NAME_RULES: 'users/:id' }));
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.status === 'warn').map((c) => c.text.split('=')[0])).toEqual(['OTEL_TRACES_SAMPLER', 'CUSTOM_OTEL_SPAN_NAME_RULES']);
  });

  it('fails when the endpoint did not take the test span, naming it and the error in one line', () => {
    const report = diagnose(facts({ probe: { ok: false, ms: 3004, error: '14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.1:4317.\nResolution note: ' } }));
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(['OTLP endpoint http://collector:4317 (grpc) did not accept a test span after 3004 ms: 14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 10.0.0.1:4317.']);
  });

  it('needs no endpoint for console traces, and fails when nothing is exported at all', () => {
    expect(diagnose(facts({ probe: undefined }, { OTEL_TRACES_EXPORTER: 'console' })).ok).toBe(true);
    const none = diagnose(facts({ probe: undefined }, { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }));
    expect(none.problems).toEqual(['nothing is exported: OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER are all none']);
  });
});

describe('NODE_OPTIONS', () => {
  it('is split into words as Node does, quotes grouping', () => {
    expect(nodeOptionsWords(' --require "/my tree/autoinstrumentation.js"  --max-old-space-size=1 ')).toEqual(['--require', '/my tree/autoinstrumentation.js', '--max-old-space-size=1']);
  });

  it('tells this tree, another tree and none apart, in every spelling of --require', () => {
    expect(entryState(` --require ${TREE}/autoinstrumentation.js`, TREE).state).toBe('this-tree');
    expect(entryState(`-r ${TREE}/autoinstrumentation.js`, TREE).state).toBe('this-tree');
    expect(entryState(`--require=${TREE}/autoinstrumentation.js`, TREE).state).toBe('this-tree');
    expect(entryState('--require /x/autoinstrumentation.js', TREE)).toEqual({ state: 'other-tree', entries: ['/x/autoinstrumentation.js'] });
    expect(entryState('--require /x/other.js', TREE).state).toBe('missing');
    expect(entryState(undefined, TREE).state).toBe('missing');
  });
});
