/**
 * Everything a process still holds when it exits, delivered synchronously:
 * the spans the batch processor has not sent (and those sent but not yet
 * answered, sent again), and the last metrics collection when one was taken.
 * Requests are built here, sent by deliverSync, and what did not arrive is
 * counted as lost.
 */
import { readFileSync } from 'fs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { OtlpTarget } from '../config/otlp-target';
import type { Diagnostics } from '../diagnostics';
import type { ExportedSpan } from '../traces/encoded-span';
import { deliverSync, type Delivery } from './deliver-sync';
import { exitRequest, tlsFileVariables, type ExitSignal, type TlsMaterial } from './exit-request';
import { metricsRequestBytes } from './metrics-bytes';

/** Spans per request: a batch of the batch processor's default size. */
const SPANS_PER_REQUEST = 512;

export interface ExitSpans {
  target: OtlpTarget;
  items: ExportedSpan[];
  encode(spans: ExportedSpan[]): Uint8Array;
  /** Requests within CUSTOM_OTEL_EXPORT_MAX_BYTES (a span too large alone is dropped and counted). */
  requestsFor(spans: ExportedSpan[]): ExportedSpan[][];
  /** A request the collector rejected as too large: halves to send again. */
  splitRejected(spans: ExportedSpan[], reason: string): ExportedSpan[][];
  lost(count: number, reason: string): void;
}

export interface ExitContents {
  spans: ExitSpans | undefined;
  metrics: { target: OtlpTarget; collection: ResourceMetrics } | undefined;
}

export function deliverAtExit(contents: ExitContents, timeoutMs: number, diagnostics: Diagnostics, env: NodeJS.ProcessEnv = process.env): void {
  const deadline = Date.now() + timeoutMs;
  const { spans, metrics } = contents;
  const spanTls = spans ? tlsMaterial(spans.target, 'traces', env) : {};
  let parts: ExportedSpan[][] = spans && spans.items.length > 0 ? spans.requestsFor(spans.items).flatMap((chunk) => byCount(chunk, SPANS_PER_REQUEST)) : [];
  const metricsBody = metrics ? metricsRequestBytes(metrics.collection) : undefined;
  let metricsRequest = metrics && metricsBody && metricsBody.length > 0 ? exitRequest(metrics.target, 'metrics', metricsBody, tlsMaterial(metrics.target, 'metrics', env)) : undefined;
  const reason = (outcome: Delivery) => (outcome === 'timed out' ? `no answer within CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS=${timeoutMs}` : 'the collector refused or failed the export');
  let lostSpans = 0;
  let why: Delivery = 'timed out';
  // Rounds only while the collector rejects requests as too large: each is halved and sent again.
  while (parts.length > 0 || metricsRequest) {
    const left = deadline - Date.now();
    const requests = parts.map((part) => exitRequest(spans!.target, 'traces', spans!.encode(part), spanTls));
    if (metricsRequest) requests.push(metricsRequest);
    const outcomes = left > 0 ? deliverSync(requests, left) : requests.map((): Delivery => 'timed out');
    const next: ExportedSpan[][] = [];
    parts.forEach((part, index) => {
      const outcome = outcomes[index]!;
      if (outcome === 'delivered') return;
      if (outcome === 'too large') {
        next.push(...spans!.splitRejected(part, 'larger than the collector takes'));
        return;
      }
      lostSpans += part.length;
      why = outcome;
    });
    if (metricsRequest) {
      const outcome = outcomes[parts.length]!;
      if (outcome !== 'delivered') diagnostics.once('export.exit.metrics', 'warn', `exiting without delivering the last metrics: ${reason(outcome)}`);
      metricsRequest = undefined;
    }
    parts = next;
  }
  if (spans && lostSpans > 0) spans.lost(lostSpans, reason(why));
}

function byCount<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
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
