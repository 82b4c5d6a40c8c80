/**
 * SIGTERM and SIGINT, with and without the app's own handler, with the
 * collector up, down (port closed) and hanging (takes the call, never answers):
 * - no handler: the process ends by the same signal as the bare app (no
 *   instrumentation). With the collector hanging, only the shutdown timeout
 *   can end the flush: the export's own deadline is set far beyond the
 *   test's SIGKILL (15 s), so an exit by the signal proves the timeout held.
 *   The time taken is reported, and bounded only to catch a hang;
 * - own handler: the app decides (its exit code, its timing);
 * - collector up: the span of the last request was flushed on the way out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { recordFigures } from './support/figures';

const APP = join(__dirname, '../fixtures/reliability/signal-app.cjs');
const SHUTDOWN_TIMEOUT_MS = 1000;
// Export deadline while the collector hangs: longer than app.stop()'s SIGKILL.
const EXPORT_TIMEOUT_MS = 60_000;
// Far above the 1-s timeout plus a busy machine's exit time; below the SIGKILL.
const HANG_CATCH_MS = 12_000;
const EXIT_CODES: Record<string, number> = { SIGTERM: 42, SIGINT: 43 };
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
const HANDLERS = ['no handler', 'own handler'] as const;
const COLLECTORS = ['up', 'down', 'hanging'] as const;

type Signal = (typeof SIGNALS)[number];
type Handler = (typeof HANDLERS)[number];

const handlerEnv = (handler: Handler, signal: Signal): Record<string, string> =>
  handler === 'own handler' ? { APP_HANDLED_SIGNALS: signal, APP_EXIT_CODE: String(EXIT_CODES[signal]), APP_EXIT_DELAY_MS: '500' } : {};

describe('shutdown on signals', () => {
  let up: OtlpReceiver;
  let hanging: OtlpReceiver;
  const bare = new Map<string, { code: number | null; signal: string | null }>();

  beforeAll(async () => {
    up = await OtlpReceiver.start();
    hanging = await OtlpReceiver.start();
    hanging.behaviour = { kind: 'hang' };
    // What Node itself does with each signal and handler, without us.
    for (const signal of SIGNALS) {
      for (const handler of HANDLERS) {
        const app = await startApp(APP, handlerEnv(handler, signal));
        await get(app.port, '/bare');
        const result = await app.stop(signal);
        bare.set(`${signal} ${handler}`, { code: result.code, signal: result.signal });
      }
    }
  });
  afterAll(async () => {
    await up?.close();
    await hanging?.close();
  });

  const rows: Array<{ name: string; value: string; bound: string }> = [];
  afterAll(() => {
    recordFigures('shutdown-signals', `Shutdown on SIGTERM/SIGINT (CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}, hanging collector never answers)`, rows);
  });

  const matrix = SIGNALS.flatMap((signal) => HANDLERS.flatMap((handler) => COLLECTORS.map((collector) => ({ signal, handler, collector }))));
  it.each(matrix)('$signal, $handler, collector $collector', async ({ signal, handler, collector }) => {
    const endpoint = collector === 'up' ? up.grpcUrl : collector === 'hanging' ? hanging.grpcUrl : 'http://127.0.0.1:1';
    const marker = `${signal}-${handler.replace(' ', '-')}-${collector}`;
    const app = await startApp(
      APP,
      operatorEnv(stagedEntry(), endpoint, { CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MS), ...handlerEnv(handler, signal) }),
    );
    // The last request before the signal: its span is still queued (the batch goes out every second).
    expect((await get(app.port, `/last?case=${marker}`)).status).toBe(200);
    const result = await app.stop(signal);
    const flushed = up.spans.some((s) => s.kind === 'SERVER' && String(s.attributes['url.query'] ?? '').includes(marker));
    const expectedExit = bare.get(`${signal} ${handler}`)!;
    rows.push({
      name: `${signal}, ${handler}, collector ${collector}`,
      value: `exit ${result.signal ?? `code ${result.code}`} after ${result.afterMs} ms${collector === 'up' ? `, last span ${flushed ? 'flushed' : 'LOST'}` : ''}`,
      bound: `${expectedExit.signal ?? `code ${expectedExit.code}`} as bare Node${handler === 'no handler' ? `, < ${HANG_CATCH_MS / 1000} s (time reported)` : ''}${collector === 'up' ? ', flushed' : ''}`,
    });

    expect({ code: result.code, signal: result.signal }).toEqual(expectedExit);
    if (handler === 'own handler') {
      expect(app.stdout()).toContain(`APP HANDLED ${signal}`);
      expect(result.code).toBe(EXIT_CODES[signal]);
    } else {
      expect(result.afterMs, 'a hang, not noise: the flush is bounded by a 1-s timeout').toBeLessThan(HANG_CATCH_MS);
    }
    if (collector === 'up') expect(flushed, 'the last span reached the collector before the process ended').toBe(true);
    expect(app.stderr()).not.toMatch(/\[custom-otel\] error/);
  });
});
