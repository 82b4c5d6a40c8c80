/**
 * 200 random environments (seeded) against real app processes: whatever the
 * values, the app starts and serves /hello, and each invalid variable gets
 * exactly one warning naming it (valid ones none). The parser's own fuzzing
 * lives in test/unit; this is the whole path, process start included.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get, operatorEnv, startApp } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { distributionLines } from './support/diagnostics-lines';
import { expectedWarnings, randomEnvironment, VARIABLES, type RandomEnvironment } from './support/random-environment';
import { recordFigures } from './support/figures';

const FIXTURE = join(__dirname, '../fixtures/express-app');
const FIRST_SEED = 20_261_121;
const CASES = 200;
const CONCURRENCY = 2;

interface Outcome {
  seed: number;
  problems: string[];
  invalidCount: number;
  startMs: number;
}

const shown = (value: string) => JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
const describeEnv = (c: RandomEnvironment) => Object.entries(c.env).map(([k, v]) => `${k}=${shown(v)} (${c.validity[k]})`).join(', ');

async function runCase(seed: number, cwd: string): Promise<Outcome> {
  const random = randomEnvironment(seed);
  // Exports go to a closed local port; a Prometheus endpoint, if chosen, only on loopback.
  const env = { ...operatorEnv(stagedEntry(), 'http://127.0.0.1:1', { OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1' }), ...random.env };
  const expected = expectedWarnings(env, random.validity);
  const problems: string[] = [];
  const started = performance.now();
  let startMs = NaN;
  try {
    const app = await startApp(join(FIXTURE, 'server.cjs'), env, { cwd, timeoutMs: 30_000 });
    try {
      const answer = await get(app.port, '/hello');
      startMs = performance.now() - started;
      if (answer.status !== 200) problems.push(`/hello answered ${answer.status}`);
    } finally {
      // Only start-up is under test here; SIGKILL keeps each case short whatever the shutdown timeout.
      await app.stop('SIGKILL');
    }
    const lines = distributionLines(app.stderr());
    for (const { name } of VARIABLES) {
      const naming = lines.filter((l) => l.startsWith(`[custom-otel] warn: ${name}=`)).length;
      const want = expected.named.includes(name) ? 1 : 0;
      if (naming !== want) problems.push(`${name}: ${naming} warnings naming it, expected ${want}`);
    }
    const unknown = lines.filter((l) => l.includes('unknown instrumentation name(s)')).length;
    if (unknown !== (expected.unknownInstrumentations ? 1 : 0)) problems.push(`${unknown} warnings about unknown instrumentation names, expected ${expected.unknownInstrumentations ? 1 : 0}`);
    // The entry's own failure line; a Prometheus port taken by the other case running at the same time is only a warning.
    const failedStart = lines.filter((l) => l.includes('could not start, the app runs uninstrumented'));
    if (failedStart.length > 0) problems.push(`the distribution did not start: ${failedStart.join(' | ').slice(0, 400)}`);
    if (problems.length > 0) problems.push(`stderr lines: ${lines.map((l) => l.slice(0, 200)).join(' | ')}`);
  } catch (error) {
    problems.push(`the app did not start and serve: ${(error as Error).message.slice(0, 600)}`);
  }
  return { seed, problems: problems.map((p) => `seed ${seed} [${describeEnv(random)}]: ${p}`), invalidCount: expected.named.length, startMs };
}

describe('bad configuration in real app processes', () => {
  it(`${CASES} random environments: the app always serves, each invalid variable is warned about exactly once`, async () => {
    // A scratch working directory: whatever the settings, nothing is written into the repository.
    const cwd = mkdtempSync(join(tmpdir(), 'bad-configuration-'));
    const outcomes: Outcome[] = [];
    let next = 0;
    const began = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < CASES) outcomes.push(await runCase(FIRST_SEED + next++, cwd));
      }),
    );
    const problems = outcomes.flatMap((o) => o.problems);
    const starts = outcomes.map((o) => o.startMs).filter(Number.isFinite).sort((a, b) => a - b);
    const variablesSeen = new Set(outcomes.flatMap((o) => Object.keys(randomEnvironment(o.seed).env)));
    recordFigures('bad-configuration', `Bad configuration: ${CASES} random environments, ${CONCURRENCY} processes at a time`, [
      { name: 'environments / app processes that served /hello', value: `${CASES} / ${starts.length}`, bound: `${CASES}` },
      { name: 'invalid variables that had to be warned about', value: String(outcomes.reduce((n, o) => n + o.invalidCount, 0)), bound: 'reported' },
      { name: 'variables covered', value: `${variablesSeen.size} of ${VARIABLES.length}`, bound: 'reported' },
      { name: 'cases with a wrong, missing or repeated warning', value: String(outcomes.filter((o) => o.problems.length > 0).length), bound: '0' },
      { name: 'start to first response, median / max', value: `${starts[Math.floor(starts.length / 2)]?.toFixed(0)} / ${starts[starts.length - 1]?.toFixed(0)} ms`, bound: 'reported' },
      { name: 'whole run', value: `${((Date.now() - began) / 1000).toFixed(0)} s`, bound: 'reported' },
    ]);
    expect(variablesSeen.size, 'every variable appears in some environment').toBe(VARIABLES.length);
    expect(problems, problems.slice(0, 10).join('\n\n')).toEqual([]);
  }, 600_000);
});
