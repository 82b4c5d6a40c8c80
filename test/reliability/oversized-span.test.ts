/**
 * One 6 MB span among 50 ordinary ones, sent to a real OTLP/gRPC receiver
 * that takes at most 4 MiB per request (a collector's default): the 50 always
 * arrive.
 * - defaults: the 64 KiB attribute value limit cuts the statement, all 51 arrive;
 * - the user raised the limit: the span is too large for any request
 *   (CUSTOM_OTEL_EXPORT_MAX_BYTES, 3 MiB) and is dropped before sending, counted;
 * - the request limit raised too: the collector rejects the batch
 *   (RESOURCE_EXHAUSTED), which is halved and sent again down to the one span.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { operatorEnv } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { summaryCounts } from './support/diagnostics-lines';
import { recordFigures } from './support/figures';

const JOB = join(__dirname, '../fixtures/size/oversized-span.cjs');
const FOUR_MIB = 4 * 1024 * 1024;
// The job is short-lived: it sends at exit, and must not give up on a busy receiver.
const PATIENT = { OTEL_METRICS_EXPORTER: 'none', CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS: '30000' };

function runJob(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [JOB], { cwd: join(__dirname, '../..'), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('an oversized span among ordinary ones', () => {
  let receiver: OtlpReceiver;
  const rows: Array<{ name: string; value: string; bound: string }> = [];
  beforeAll(async () => {
    receiver = await OtlpReceiver.start({ maxReceiveMessageBytes: FOUR_MIB });
  });
  afterAll(async () => {
    recordFigures('oversized-span', 'One 6 MB span among 50 ordinary ones, receiver limited to 4 MiB per request', rows);
    await receiver?.close();
  });

  const cases: Array<{ name: string; env: Record<string, string>; bigArrives: boolean }> = [
    { name: 'defaults (attribute values cut at 64 KiB)', env: {}, bigArrives: true },
    { name: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=10000000 (dropped before sending)', env: { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '10000000' }, bigArrives: false },
    {
      name: 'and CUSTOM_OTEL_EXPORT_MAX_BYTES=67108864 (rejected by the receiver, split and sent again)',
      env: { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '10000000', CUSTOM_OTEL_EXPORT_MAX_BYTES: '67108864' },
      bigArrives: false,
    },
  ];

  it.each(cases)('$name: the 50 ordinary spans arrive', async ({ name, env, bigArrives }) => {
    receiver.clear();
    const requestsBefore = receiver.requests.traces;
    const service = `oversized-${rows.length}`;
    const run = await runJob(operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_SERVICE_NAME: service, ...PATIENT, ...env }));
    const spans = receiver.spans.filter((s) => s.resource['service.name'] === service);
    const ordinary = spans.filter((s) => s.name.startsWith('ordinary ')).length;
    const big = spans.find((s) => s.name === 'bulk insert');
    const tooLarge = summaryCounts(run.stderr)['spans too large to export'] ?? 0;
    const requests = receiver.requests.traces - requestsBefore;
    rows.push({
      name,
      value: `ordinary spans received ${ordinary}; the big one ${big ? `received, statement of ${String(big.attributes['db.statement']).length} characters` : 'dropped'}; counted too large ${tooLarge}; trace requests accepted ${requests}`,
      bound: `50 received; ${bigArrives ? 'the big one cut to 65536' : 'the big one dropped and counted once'}`,
    });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('done\n');
    expect(ordinary, run.stderr).toBe(50);
    if (bigArrives) {
      expect(String(big?.attributes['db.statement']).length).toBe(64 * 1024);
      expect(tooLarge).toBe(0);
    } else {
      expect(big).toBeUndefined();
      expect(tooLarge, run.stderr).toBe(1);
      expect(run.stderr.match(/is too large to export/g), 'one warning line').toHaveLength(1);
    }
    if (env.CUSTOM_OTEL_EXPORT_MAX_BYTES) expect(requests, 'the rejected batch was split').toBeGreaterThanOrEqual(2);
  });

  it('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT wins over OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', async () => {
    receiver.clear();
    const run = await runJob(
      operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_SERVICE_NAME: 'oversized-span-limit', ...PATIENT, OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '10000000', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '1000' }),
    );
    expect(run.code, run.stderr).toBe(0);
    const big = receiver.spans.find((s) => s.name === 'bulk insert');
    expect(String(big?.attributes['db.statement']).length).toBe(1000);
    expect(receiver.spans.filter((s) => s.name.startsWith('ordinary '))).toHaveLength(50);
  });
});
