/**
 * doctor.js of the staged tree, as a person runs it in a pod: against a real
 * OTLP receiver, a refused port and a socket that accepts and never answers,
 * and with the entry missing from NODE_OPTIONS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { operatorEnv } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';

const doctor = () => join(dirname(stagedEntry()), 'doctor.js');

function runDoctor(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [doctor(), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Only catches a hang: the doctor's own limit is a few seconds.
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

let receiver: OtlpReceiver;
let silent: Server;
const silentSockets: Socket[] = [];
let silentPort: number;
let refusedPort: number;
beforeAll(async () => {
  receiver = await OtlpReceiver.start({ http: true });
  silent = createServer((socket) => void silentSockets.push(socket));
  silentPort = await listen(silent);
  const closed = createServer();
  refusedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await receiver.close();
});

describe('doctor.js', () => {
  it('collector up: exit 0, every check ok, the test span arrives', async () => {
    receiver.clear();
    const result = await runDoctor(operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_SERVICE_NAME: 'doctor-up' }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`ok    NODE_OPTIONS requires this tree's autoinstrumentation.js`);
    expect(result.stdout).toContain(`OTLP endpoint ${receiver.grpcUrl} (grpc) accepted a test span`);
    expect(result.stdout).toContain('service "doctor-up"');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('=> telemetry would flow');
    expect(result.stdout).not.toContain('FAIL');
    // The entry in NODE_OPTIONS did not start an SDK inside the doctor.
    expect(result.stderr).toBe('');
    expect(receiver.spans.map((s) => [s.name, s.resource['service.name']])).toEqual([['custom-otel doctor test span', 'doctor-up']]);
  });

  it('collector up over http/protobuf too', async () => {
    const result = await runDoctor(operatorEnv(stagedEntry(), receiver.httpUrl, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }));
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(`OTLP endpoint ${receiver.httpUrl}/v1/traces (http/protobuf) accepted a test span`);
  });

  it('collector refused: non-zero, naming the endpoint and the error', async () => {
    const endpoint = `http://127.0.0.1:${refusedPort}`;
    const result = await runDoctor(operatorEnv(stagedEntry(), endpoint), ['--timeout-ms', '2000']);
    expect(result.code).toBe(1);
    const line = result.stdout.split('\n').find((l) => l.startsWith('FAIL'));
    expect(line).toContain(`FAIL  OTLP endpoint ${endpoint} (grpc) did not accept a test span`);
    expect(line).toContain(`ECONNREFUSED 127.0.0.1:${refusedPort}`);
    expect(result.stdout).toContain('=> telemetry would NOT flow (1 problem marked FAIL)');
  });

  it('collector hanging (accepts, never answers): non-zero after its timeout, naming the endpoint and the error', async () => {
    const endpoint = `http://127.0.0.1:${silentPort}`;
    const result = await runDoctor(operatorEnv(stagedEntry(), endpoint), ['--timeout-ms', '1500']);
    // Exit code 1, not null: the doctor ended by itself, so the hanging answer did not hold it until the hang guard's kill.
    expect(result.code).toBe(1);
    const line = result.stdout.split('\n').find((l) => l.startsWith('FAIL'))!;
    expect(line).toContain(`FAIL  OTLP endpoint ${endpoint} (grpc) did not accept a test span`);
    expect(line).toMatch(/DEADLINE_EXCEEDED|no answer within 1500 ms/);
    expect(silentSockets.length).toBeGreaterThan(0);
  });

  it('entry missing from NODE_OPTIONS: says so, non-zero', async () => {
    const env = operatorEnv(stagedEntry(), receiver.grpcUrl, { NODE_OPTIONS: '--max-old-space-size=256' });
    const result = await runDoctor(env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL  NODE_OPTIONS does not require autoinstrumentation.js (NODE_OPTIONS="--max-old-space-size=256")');
  });

  it('--json: the same verdict for machines, with the effective configuration and warnings', async () => {
    const result = await runDoctor(operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_TRACES_SAMPLER: 'sometimes' }), ['--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, node: { version: process.versions.node, supported: true }, nodeOptions: { entry: 'this-tree' }, endpoint: { ok: true, url: receiver.grpcUrl } });
    expect(report.warnings).toEqual([expect.stringContaining('OTEL_TRACES_SAMPLER="sometimes" is invalid')]);
    expect(report.instrumentations.active).toContain('http');
    expect(report.instrumentations.off).toEqual(expect.arrayContaining(['fs', 'dns', 'net']));
    expect(report.config.traces.otlp.url).toBe(receiver.grpcUrl);
  });

  it('with OTEL_CONFIG_FILE: tests the file\'s endpoint, not the environment\'s, and says where each setting came from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-config-'));
    try {
      const path = join(dir, 'otel.yaml');
      writeFileSync(path, `file_format: "1.1"\nresource:\n  attributes:\n    - name: service.name\n      value: \${DOCTOR_SERVICE:-doctor-file}\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_grpc:\n            endpoint: ${receiver.grpcUrl}\n`);
      receiver.clear();
      const env = operatorEnv(stagedEntry(), `http://127.0.0.1:${refusedPort}`, { OTEL_CONFIG_FILE: path, CUSTOM_OTEL_SLOW_THRESHOLD_MS: '50' });
      const result = await runDoctor(env);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`OTLP endpoint ${receiver.grpcUrl} (grpc) accepted a test span`);
      expect(result.stdout).toMatch(new RegExp(`settings from the file ${path.replace(/[.]/g, '\\.')}: .*OTEL_EXPORTER_OTLP_ENDPOINT.*; from the environment: OTEL_CONFIG_FILE, CUSTOM_OTEL_SLOW_THRESHOLD_MS; the other \\d+ settings at their defaults`));
      expect(receiver.spans.map((s) => s.resource['service.name'])).toEqual(['doctor-file']);

      writeFileSync(path, 'file_format: "1.1"\ntracer_provider:\n  sampler:\n    sometimes:\n');
      const invalid = await runDoctor(env);
      expect(invalid.code).toBe(1);
      expect(invalid.stdout).toContain(`FAIL  OTEL_CONFIG_FILE=${JSON.stringify(path)} is invalid at tracer_provider.sampler.sometimes: unknown or unsupported kind`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown option with exit 2', async () => {
    const result = await runDoctor({}, ['--verbose']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown option --verbose');
  });
});
