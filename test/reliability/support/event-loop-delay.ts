/** Reads the event-loop delay an app measured itself (test/fixtures/reliability/event-loop-monitor.cjs). */
import { join } from 'node:path';
import type { AppProcess } from '../../support/app-process';
import { timeWhen } from './polling';

export const EVENT_LOOP_MONITOR = join(__dirname, '../../fixtures/reliability/event-loop-monitor.cjs');

export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

const LINE = /^EVENT-LOOP (\{.*\})$/gm;

/** The delay since the previous call (or since start), in ms; the app starts measuring afresh. */
export async function takeEventLoopDelay(app: AppProcess): Promise<EventLoopDelay> {
  const before = app.stderr().match(LINE)?.length ?? 0;
  app.child.kill('SIGUSR2');
  await timeWhen(() => (app.stderr().match(LINE)?.length ?? 0) > before, 5_000, 'the app to report its event-loop delay (SIGUSR2)');
  const lines = [...app.stderr().matchAll(LINE)];
  return JSON.parse(lines[lines.length - 1]![1]!) as EventLoopDelay;
}
