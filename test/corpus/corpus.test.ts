/**
 * The corpus of real programs from npm (test/corpus/programs.ts), each run
 * bare and under our tree (NODE_OPTIONS=--require, as the operator sets it)
 * on the oldest and the newest Node major it supports, with the same
 * requests, ended by SIGTERM and by SIGINT right after the last answer:
 *   - identical answers (status and body, modulo times and ids);
 *   - identical exit (code or signal), without being killed after a hang;
 *   - at most one start-up line of ours per process that loads our tree, and no warning;
 *   - at the collector, one server span with our custom.* attributes per request.
 */
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { operatorEnv } from '../support/app-process';
import { PROGRAMS, type CorpusProgram } from './programs';
import { runProgram, HANG_GUARD_MS } from './support/program-run';
import { addedWarnings, normaliseAnswers, ourLines } from './support/comparison';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterAll(async () => {
  await receiver?.close();
});

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** CORPUS_PROGRAMS=id,id runs only those (for working on one program); the suite runs them all. */
const chosen = process.env.CORPUS_PROGRAMS?.split(',');
const programs = chosen ? PROGRAMS.filter((p) => chosen.includes(p.id)) : PROGRAMS;

function casesOf(program: CorpusProgram) {
  return program.majors.flatMap((major) => SIGNALS.map((signal) => ({ major, signal })));
}

const isOurServerSpan = (service: string) => (s: ReceivedSpan) =>
  s.resource['service.name'] === service && s.kind === 'SERVER' && Object.keys(s.attributes).some((k) => k.startsWith('custom.'));

describe.each(programs)('$id: $covers', (program) => {
  const test = program.fixedPort ? it : it.concurrent;
  test.for(casesOf(program))('Node $major, $signal: bare and under our tree alike', async ({ major, signal }, { expect }) => {
    const { runtimeDir, entry } = inject('corpusMajors')[major]!;
    const service = `corpus-${program.id}-${major}-${signal}`;
    const { NODE_OPTIONS, ...otelEnv } = operatorEnv(entry, receiver.grpcUrl, { OTEL_SERVICE_NAME: service });
    const bare = await runProgram(program, { runtimeDir, env: otelEnv, signal });
    const ours = await runProgram(program, { runtimeDir, env: { ...otelEnv, NODE_OPTIONS: NODE_OPTIONS! }, signal });
    const output = `bare:\n${bare.stdout}${bare.stderr}\nours:\n${ours.stdout}${ours.stderr}`;

    // Each requirement is judged on its own (soft), so that a failing case names all it breaks.
    expect.soft(normaliseAnswers(ours.answers), 'answers under our tree').toEqual(normaliseAnswers(bare.answers));
    // A program that outlives the signal bare (npm as the parent, some
    // versions) must do so under our tree too, and the other way round.
    const outcome = (run: typeof bare) => (run.killedAfterHang ? `still running ${HANG_GUARD_MS} ms after ${signal}` : run.exit);
    expect.soft(outcome(ours), `exit under our tree vs bare\n${output}`).toEqual(outcome(bare));

    const lines = ourLines(ours.stdout + ours.stderr);
    expect.soft(lines.some((l) => l.includes('started custom-otel-autoinstrumentation-nodejs')), `our tree loaded (its start-up line)\n${output}`).toBe(true);
    const warnings = lines.filter((l) => / (warn|error):/.test(l));
    expect.soft(warnings, 'warnings or errors of ours').toEqual([]);
    expect.soft(lines.length - warnings.length, `start-up lines of ours (one per process that loads our tree at most)\n${lines.join('\n')}`).toBeLessThanOrEqual(program.processes ?? 1);
    expect.soft(addedWarnings(bare.stdout + bare.stderr, ours.stdout + ours.stderr), 'warnings only under our tree').toEqual([]);

    const unreachable = program.signalNeverReachesApp;
    if (unreachable?.major === major && unreachable.signal === signal) {
      console.log(`${service}: span requirement not asserted: ${unreachable.why}`);
      return;
    }
    const expected = program.requests.filter((r) => !r.websocket).length;
    const spans = () => receiver.spans.filter(isOurServerSpan(service));
    await receiver.waitFor(() => spans().length >= expected, 10_000, `${expected} server spans with custom.* from ${service}`).catch(() => undefined);
    const received = spans().map((s) => `${s.name} ${String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '')}`);
    const all = receiver.spans.filter((s) => s.resource['service.name'] === service).map((s) => `${s.kind} ${s.name}`);
    expect.soft(received, `server spans with custom.* at the collector, one per request (${expected}); all spans of ${service}: ${all.join(', ') || 'none'}`).toHaveLength(expected);
  });
});
