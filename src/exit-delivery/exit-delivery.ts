/**
 * Everything a process still holds when it exits, delivered synchronously:
 * the spans the batch processor has not sent (and those sent but not yet
 * answered, sent again), and the last metrics collection when one was taken.
 * Requests are built here, sent by deliverSync, and what did not arrive is
 * counted as lost.
 */
import { readFileSync } from 'fs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { OtlpTarget } from '../config/otlp-target';
import type { Diagnostics } from '../diagnostics';
import { deliverSync, type Delivery } from './deliver-sync';
import { exitRequest, tlsFileVariables, type ExitRequest, type ExitSignal, type TlsMaterial } from './exit-request';
import { metricsRequestBytes } from './metrics-bytes';

/** Spans per request: a batch of the batch processor's default size, well under a collector's 4 MiB limit. */
const SPANS_PER_REQUEST = 512;

export interface ExitContents {
  spans: { target: OtlpTarget; items: ReadableSpan[]; encode(spans: ReadableSpan[]): Uint8Array; lost(count: number, reason: string): void } | undefined;
  metrics: { target: OtlpTarget; collection: ResourceMetrics } | undefined;
}

export function deliverAtExit(contents: ExitContents, timeoutMs: number, diagnostics: Diagnostics, env: NodeJS.ProcessEnv = process.env): void {
  const requests: ExitRequest[] = [];
  const spanCounts: number[] = [];
  const { spans, metrics } = contents;
  if (spans && spans.items.length > 0) {
    const tls = tlsMaterial(spans.target, 'traces', env);
    for (let start = 0; start < spans.items.length; start += SPANS_PER_REQUEST) {
      const part = spans.items.slice(start, start + SPANS_PER_REQUEST);
      requests.push(exitRequest(spans.target, 'traces', spans.encode(part), tls));
      spanCounts.push(part.length);
    }
  }
  if (metrics) {
    const body = metricsRequestBytes(metrics.collection);
    if (body && body.length > 0) requests.push(exitRequest(metrics.target, 'metrics', body, tlsMaterial(metrics.target, 'metrics', env)));
  }
  if (requests.length === 0) return;
  const outcomes = deliverSync(requests, timeoutMs);
  const reason = (outcome: Delivery) => (outcome === 'timed out' ? `no answer within CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS=${timeoutMs}` : 'the collector refused or failed the export');
  let lostSpans = 0;
  let why: Delivery | undefined;
  spanCounts.forEach((count, index) => {
    if (outcomes[index] === 'delivered') return;
    lostSpans += count;
    why ??= outcomes[index];
  });
  if (spans && lostSpans > 0) spans.lost(lostSpans, reason(why!));
  const metricsOutcome = metrics ? outcomes[spanCounts.length] : undefined;
  if (metricsOutcome !== undefined && metricsOutcome !== 'delivered') diagnostics.once('export.exit.metrics', 'warn', `exiting without delivering the last metrics: ${reason(metricsOutcome)}`);
}

function tlsMaterial(target: OtlpTarget, signal: ExitSignal, env: NodeJS.ProcessEnv): TlsMaterial {
  if (!target.url.startsWith('https:')) return {};
  const files = tlsFileVariables(env, signal);
  const read = (path: string | undefined) => {
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined; // the exporter already said which file it could not read
    }
  };
  return { ca: read(files.ca), cert: read(files.cert), key: read(files.key) };
}
