/**
 * The OTLP metric exporter as the periodic reader sees it: answered at once,
 * so the reader's export timer (not unref'd) never holds the app's event
 * loop for the whole timeout of a collector that does not answer. The real
 * export goes on (its sockets do not hold the loop either); its failure is
 * logged once per kind, and forceFlush() waits for every export sent. At
 * exit, the last collection goes out with the exit delivery instead.
 */
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describeError, type Diagnostics } from '../diagnostics';

interface ExportResult {
  code: number;
  error?: Error;
}
const SUCCESS = 0;

export function detachedMetricExporter(inner: PushMetricExporter, destination: string, diagnostics: Diagnostics): PushMetricExporter {
  let inFlight = 0;
  let whenAnswered: Array<() => void> = [];
  const answered = () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenAnswered.push(resolve)));
  const detached: PushMetricExporter = {
    export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void) {
      inFlight += 1;
      let settled = false;
      const settle = (result: ExportResult) => {
        if (settled) return;
        settled = true;
        inFlight -= 1;
        if (result.code !== SUCCESS) {
          diagnostics.markReported(result.error);
          const reason = describeError(result.error ?? 'unknown error');
          diagnostics.once(`metrics-export:${reason.slice(0, 40)}`, 'warn', `exporting metrics to ${destination} failed: ${reason} (the app is unaffected)`);
        }
        if (inFlight === 0) {
          const waiting = whenAnswered;
          whenAnswered = [];
          for (const resolve of waiting) resolve();
        }
      };
      resultCallback({ code: SUCCESS });
      try {
        inner.export(metrics, settle);
      } catch (error) {
        settle({ code: 1, error: error instanceof Error ? error : new Error(String(error)) });
      }
    },
    forceFlush: async () => {
      await answered();
      await inner.forceFlush();
    },
    shutdown: () => inner.shutdown(),
  };
  // The reader asks these once, when it is built.
  const asked = inner as Partial<PushMetricExporter>;
  if (asked.selectAggregationTemporality) detached.selectAggregationTemporality = asked.selectAggregationTemporality.bind(inner);
  if (asked.selectAggregation) detached.selectAggregation = asked.selectAggregation.bind(inner);
  return detached;
}
