/**
 * Apps whose only other signal listeners come from signal-exit, the real
 * package as npm serves it (3.0.7 and 4.1.0, and proper-lockfile 4.1.2,
 * which loads signal-exit 3 through its own dependencies next to 4.1.0):
 * signal-exit raises the signal again only when its listeners are the last
 * ones, so ours must flush and step aside, or nobody exits. For SIGTERM,
 * SIGINT and SIGHUP, with the collector up, refused and hanging, on the
 * newest Node of 14 (SDK 1.x), 18 (2.x), 22 and 26 (3.x):
 * - the process ends exactly as the same app bare (exit code or signal);
 * - signal-exit's exit callbacks run once, as bare (and proper-lockfile's
 *   removes its lock);
 * - collector up: the request's span was flushed before the end.
 * The hanging collector never answers and the export timeout is a minute: an
 * end by the signal proves the 1-s shutdown timeout bounded the flush.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { ensureLockedDependencies } from '../support/test-app-prerequisites';
import { looksLikeSignalExit, signalOutcome } from '../../src/signal-listeners';
import { EXIT_MAJORS, entryOf, nodeOf } from './support/major-trees';
import { recordFigures } from './support/figures';

const APP_DIR = join(__dirname, '../fixtures/signal-exit-app');
const APP = join(APP_DIR, 'server.cjs');
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
const VARIANTS = ['v3', 'v4', 'lockfile+v4'] as const;
const COLLECTORS = ['up', 'refused', 'hanging'] as const;
const SHUTDOWN_TIMEOUT_MS = 1000;

type Variant = (typeof VARIANTS)[number];
interface Ending {
  code: number | null;
  signal: string | null;
  callbacks: string[];
  lockLeft: boolean;
}

const scratch = mkdtempSync(join(tmpdir(), 'signal-exit-'));
let runs = 0;

/** The app on `node`, one request, then `signal`: how it ended, which exit callbacks ran, whether a lock is left. */
async function runOnce(node: string, variant: Variant, signal: NodeJS.Signals, env: Record<string, string>, marker: string): Promise<Ending & { stderr: string }> {
  const lock = join(scratch, `target-${++runs}`);
  const app = await startApp(APP, { ...env, APP_SIGNAL_EXIT: variant, APP_LOCK_TARGET: lock }, { node, cwd: APP_DIR });
  expect((await get(app.port, `/work?case=${marker}`)).status).toBe(200);
  const result = await app.stop(signal);
  const callbacks = app.stdout().split('\n').filter((line) => line.startsWith('EXIT CALLBACK'));
  return { code: result.code, signal: result.signal, callbacks, lockLeft: existsSync(`${lock}.lock`), stderr: app.stderr() };
}

beforeAll(async () => {
  await ensureLockedDependencies(APP_DIR);
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the real signal-exit listeners', () => {
  it.each(EXIT_MAJORS)('are recognised as such on Node %i (3.0.7, 4.1.0, and both loaded together)', async (major) => {
    const node = await nodeOf(major);
    const script = `
      require('signal-exit-3')(() => {});
      require('signal-exit-4').onExit(() => {});
      const v3 = process.__signal_exit_emitter__.count, v4 = globalThis[Symbol.for('signal-exit emitter')].count;
      console.log(JSON.stringify({ sources: process.listeners('SIGTERM').map(String), v3, v4 }));`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(node, ['-e', script], { cwd: APP_DIR, env: { PATH: process.env.PATH ?? '' } }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    const { sources, v3, v4 } = JSON.parse(out) as { sources: string[]; v3: number; v4: number };
    expect(sources).toHaveLength(2);
    expect(sources.map(looksLikeSignalExit)).toEqual([true, true]);
    expect(signalOutcome({ others: sources, signalExitCopies: v3 + v4 })).toBe('passes on');
    // With an app handler among them, the app decides.
    expect(signalOutcome({ others: [...sources, '() => server.close()'], signalExitCopies: v3 + v4 })).toBe('app decides');
  });
});

describe.each(EXIT_MAJORS)('signal-exit apps on Node %i', (major) => {
  let up: OtlpReceiver;
  let hanging: OtlpReceiver;
  let node: string;
  let entry: string;
  const bare = new Map<string, Ending>();
  const rows: Array<{ name: string; value: string; bound: string }> = [];

  beforeAll(async () => {
    [node, entry] = await Promise.all([nodeOf(major), entryOf(major)]);
    up = await OtlpReceiver.start();
    hanging = await OtlpReceiver.start();
    hanging.behaviour = { kind: 'hang' };
    for (const variant of VARIANTS) {
      for (const signal of SIGNALS) bare.set(`${variant} ${signal}`, await runOnce(node, variant, signal, {}, 'bare'));
    }
  }, 600_000);
  afterAll(async () => {
    recordFigures(`signal-exit-node${major}`, `signal-exit apps on Node ${major} (CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}; hanging: never answers)`, rows);
    await up?.close();
    await hanging?.close();
  });

  const cases = VARIANTS.flatMap((variant) => SIGNALS.flatMap((signal) => COLLECTORS.map((collector) => ({ variant, signal, collector }))));
  it.each(cases)('$variant, $signal, collector $collector: ends as bare, exit callbacks once', async ({ variant, signal, collector }) => {
    const endpoint = collector === 'up' ? up.grpcUrl : collector === 'hanging' ? hanging.grpcUrl : 'http://127.0.0.1:1';
    const marker = `${major}-${variant}-${signal}-${collector}`;
    const env = operatorEnv(entry, endpoint, { CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), OTEL_EXPORTER_OTLP_TIMEOUT: '60000', OTEL_LOGS_EXPORTER: 'none' });
    const ours = await runOnce(node, variant, signal, env, marker);
    const expected = bare.get(`${variant} ${signal}`)!;
    const flushed = up.spans.some((s) => s.kind === 'SERVER' && String(s.attributes['url.query'] ?? s.attributes['http.target'] ?? '').includes(marker));
    rows.push({
      name: `${variant}, ${signal}, collector ${collector}`,
      value: `ended by ${ours.signal ?? `code ${ours.code}`}, ${ours.callbacks.length} exit callback(s)${collector === 'up' ? `, span ${flushed ? 'flushed' : 'LOST'}` : ''}`,
      bound: `as bare: ${expected.signal ?? `code ${expected.code}`}, ${expected.callbacks.length} callback(s)`,
    });

    expect(expected.signal, 'bare, signal-exit ends the process by the signal').toBe(signal);
    expect({ code: ours.code, signal: ours.signal }, ours.stderr).toEqual({ code: expected.code, signal: expected.signal });
    expect(ours.callbacks).toEqual(expected.callbacks);
    expect(ours.callbacks).toEqual([`EXIT CALLBACK signal-exit ${variant === 'v3' ? 3 : 4} ${signal}`]);
    expect(ours.lockLeft, "proper-lockfile's own exit callback removed its lock").toBe(expected.lockLeft);
    if (collector === 'up') expect(flushed, 'the span of the request before the signal').toBe(true);
    expect(ours.stderr).not.toMatch(/\[custom-otel\] error/);
  });
});
