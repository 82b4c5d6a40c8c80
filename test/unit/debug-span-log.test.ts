/** CUSTOM_OTEL_DEBUG_SPANS output (src/processor/debug-span-log.ts). */
import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { debugSpanLogger, formatDebugSpan } from '../../src/processor/debug-span-log';
import { fakeSpan } from './support/fake-span';

const context = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

describe('formatDebugSpan', () => {
  it('writes one JSON object with enum names, ids, rounded duration and attributes', () => {
    const span = fakeSpan({ name: 'GET /orders', kind: SpanKind.SERVER, status: { code: SpanStatusCode.ERROR, message: 'boom' }, spanContext: context });
    const line = formatDebugSpan(span, { 'http.route': '/orders' }, 12.345678, 'aaaaaaaaaaaaaaaa');
    expect(line).not.toContain('\n');
    expect(line).toContain('"kind":"SERVER"');
    expect(line).toContain('"code":"ERROR"');
    expect(JSON.parse(line)).toEqual({
      name: 'GET /orders',
      kind: 'SERVER',
      traceId: context.traceId,
      spanId: context.spanId,
      parentSpanId: 'aaaaaaaaaaaaaaaa',
      status: { code: 'ERROR', message: 'boom' },
      durationMs: 12.346,
      attributes: { 'http.route': '/orders' },
    });
  });

  it.each([
    [SpanKind.INTERNAL, 'INTERNAL'],
    [SpanKind.CLIENT, 'CLIENT'],
    [SpanKind.PRODUCER, 'PRODUCER'],
    [SpanKind.CONSUMER, 'CONSUMER'],
  ])('names kind %d %s', (kind, name) => {
    expect(JSON.parse(formatDebugSpan(fakeSpan({ kind }), {}, 1, undefined)).kind).toBe(name);
  });

  it('names the OK and UNSET status codes and leaves out an absent parent', () => {
    const ok = JSON.parse(formatDebugSpan(fakeSpan({ status: { code: SpanStatusCode.OK } }), {}, 1, undefined));
    expect(ok.status.code).toBe('OK');
    expect(ok).not.toHaveProperty('parentSpanId');
    expect(JSON.parse(formatDebugSpan(fakeSpan({ status: { code: SpanStatusCode.UNSET } }), {}, 1, undefined)).status.code).toBe('UNSET');
  });

  it('writes an unknown kind as its number', () => {
    expect(JSON.parse(formatDebugSpan(fakeSpan({ kind: 42 as SpanKind }), {}, 1, undefined)).kind).toBe('42');
  });
});

describe('debugSpanLogger', () => {
  it('writes one line per observed span, asking for its parent id', () => {
    const lines: string[] = [];
    const observer = debugSpanLogger((line) => lines.push(line), (span) => (span.name === 'child' ? 'ffffffffffffffff' : undefined));
    observer.observe(fakeSpan({ name: 'root', kind: SpanKind.SERVER }), { a: 1 }, 2);
    observer.observe(fakeSpan({ name: 'child', kind: SpanKind.CLIENT }), {}, 3);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ name: 'root', kind: 'SERVER', attributes: { a: 1 }, durationMs: 2 }),
      expect.objectContaining({ name: 'child', kind: 'CLIENT', parentSpanId: 'ffffffffffffffff', durationMs: 3 }),
    ]);
  });
});
