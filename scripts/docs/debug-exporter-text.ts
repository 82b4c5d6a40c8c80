/**
 * A received span written the way the OpenTelemetry Collector's debug
 * exporter writes it at `verbosity: detailed`, so the reference page shows
 * what a user sees in the collector's log.
 */
import type { ReceivedSpan } from '../../test/support/otlp-receiver';

function value(v: unknown): string {
  if (typeof v === 'string') return `Str(${v})`;
  if (typeof v === 'boolean') return `Bool(${v})`;
  if (typeof v === 'number') return Number.isInteger(v) ? `Int(${v})` : `Double(${v})`;
  if (Array.isArray(v)) return `Slice([${v.map((item) => JSON.stringify(item)).join(',')}])`;
  return `Str(${JSON.stringify(v)})`;
}

const attributeLines = (attributes: Record<string, unknown>) => Object.entries(attributes).map(([key, v]) => `     -> ${key}: ${value(v)}`);

function time(unixNano: string): string {
  const nanos = BigInt(unixNano);
  const date = new Date(Number(nanos / 1_000_000n));
  const fraction = String(nanos % 1_000_000_000n).padStart(9, '0');
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}.${fraction} +0000 UTC`;
}

const KINDS: Record<string, string> = { UNSPECIFIED: 'Unspecified', INTERNAL: 'Internal', SERVER: 'Server', CLIENT: 'Client', PRODUCER: 'Producer', CONSUMER: 'Consumer' };
const STATUS: Record<string, string> = { UNSET: 'Unset', OK: 'Ok', ERROR: 'Error' };

export function debugExporterText(span: ReceivedSpan): string {
  return [
    'ResourceSpans #0',
    'Resource SchemaURL: ',
    'Resource attributes:',
    ...attributeLines(span.resource),
    'ScopeSpans #0',
    'ScopeSpans SchemaURL: ',
    `InstrumentationScope ${span.scope} ${span.scopeVersion}`,
    'Span #0',
    `    Trace ID       : ${span.traceId}`,
    `    Parent ID      : ${span.parentSpanId}`,
    `    ID             : ${span.spanId}`,
    `    Name           : ${span.name}`,
    `    Kind           : ${KINDS[span.kind] ?? span.kind}`,
    `    Start time     : ${time(span.startTimeUnixNano)}`,
    `    End time       : ${time(span.endTimeUnixNano)}`,
    `    Status code    : ${STATUS[span.status.code] ?? span.status.code}`,
    `    Status message : ${span.status.message ?? ''}`,
    'Attributes:',
    ...attributeLines(span.attributes),
  ].join('\n');
}
