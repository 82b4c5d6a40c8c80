/** Our span processor's decisions (src/processor/span-processor.ts), on fake spans. */
import { describe, expect, it } from 'vitest';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { CustomSpanProcessor, type SpanObserver } from '../../src/processor/span-processor';
import { parseConfig } from '../../src/config/config';
import { Diagnostics } from '../../src/diagnostics';
import { REDACTED } from '../../src/processor/redaction';
import { fakeSpan, fakeStartedSpan, RecordingProcessor } from './support/fake-span';

function setup(env: Record<string, string> = {}, observers: SpanObserver[] = []) {
  const { config, warnings } = parseConfig(env);
  expect(warnings).toEqual([]);
  const next = new RecordingProcessor();
  const lines: string[] = [];
  const diagnostics = new Diagnostics((line) => lines.push(line));
  const processor = new CustomSpanProcessor(next, config.processor, '9.8.7', diagnostics, observers);
  return { processor, next, lines, diagnostics };
}

describe('CustomSpanProcessor.onEnd', () => {
  it('marks every span as processed with the distribution version and forwards it', () => {
    const { processor, next } = setup();
    const span = fakeSpan({ kind: SpanKind.INTERNAL, attributes: { 'app.step': 'load' } });
    processor.onEnd(span);
    expect(next.ended).toEqual([span]);
    expect(span.attributes).toEqual({ 'app.step': 'load', 'custom.processed': true, 'custom.processor.version': '9.8.7' });
  });

  it('adds the CUSTOM_OTEL_SPAN_ATTRIBUTES to every span', () => {
    const { processor } = setup({ CUSTOM_OTEL_SPAN_ATTRIBUTES: 'team=payments,region=eu%2Dwest' });
    const span = fakeSpan({ kind: SpanKind.INTERNAL });
    processor.onEnd(span);
    expect(span.attributes).toMatchObject({ team: 'payments', region: 'eu-west' });
  });

  it('flags a span as slow only when it takes strictly longer than the threshold', () => {
    const { processor } = setup({ CUSTOM_OTEL_SLOW_THRESHOLD_MS: '100' });
    const atThreshold = fakeSpan({ duration: [0, 100_000_000] });
    const justOver = fakeSpan({ duration: [0, 100_000_001] });
    const seconds = fakeSpan({ duration: [2, 0] });
    const fast = fakeSpan({ duration: [0, 99_000_000] });
    for (const span of [atThreshold, justOver, seconds, fast]) processor.onEnd(span);
    expect(atThreshold.attributes).not.toHaveProperty('custom.slow_operation');
    expect(justOver.attributes['custom.slow_operation']).toBe(true);
    expect(seconds.attributes['custom.slow_operation']).toBe(true);
    expect(fast.attributes).not.toHaveProperty('custom.slow_operation');
  });

  it('flags error spans only', () => {
    const { processor } = setup();
    const failed = fakeSpan({ status: { code: SpanStatusCode.ERROR, message: 'boom' } });
    const ok = fakeSpan({ status: { code: SpanStatusCode.OK } });
    const unset = fakeSpan({ status: { code: SpanStatusCode.UNSET } });
    for (const span of [failed, ok, unset]) processor.onEnd(span);
    expect(failed.attributes['custom.error_processed']).toBe(true);
    expect(ok.attributes).not.toHaveProperty('custom.error_processed');
    expect(unset.attributes).not.toHaveProperty('custom.error_processed');
  });

  it('does not forward spans matching a drop rule, nor enrich them', () => {
    const { processor, next } = setup({ CUSTOM_OTEL_DROP_SPANS: 'name=GET /metrics,http.route=/internal*&http.request.method=GET' });
    const metrics = fakeSpan({ name: 'GET /metrics' });
    const internal = fakeSpan({ name: 'GET /internal/jobs', attributes: { 'http.route': '/internal/jobs', 'http.request.method': 'GET' } });
    const internalPost = fakeSpan({ name: 'POST /internal/jobs', attributes: { 'http.route': '/internal/jobs', 'http.request.method': 'POST' } });
    const orders = fakeSpan({ name: 'GET /orders' });
    for (const span of [metrics, internal, internalPost, orders]) processor.onEnd(span);
    expect(next.ended).toEqual([internalPost, orders]);
    expect(metrics.attributes).toEqual({});
  });

  it('redacts span and event attributes before forwarding', () => {
    const { processor, next } = setup();
    const span = fakeSpan({
      kind: SpanKind.CLIENT,
      attributes: { 'http.request.method': 'GET', 'url.full': 'https://u:p@api/x?token=t', 'http.request.header.authorization': ['Bearer b'] },
      events: [{ name: 'exception', attributes: { 'exception.message': 'bad', 'request.password': 'pw' }, time: [0, 0] }, { name: 'no attributes', time: [0, 0] }],
    });
    processor.onEnd(span);
    expect(next.ended).toHaveLength(1);
    expect(span.attributes).toMatchObject({
      'url.full': `https://${REDACTED}@api/x?token=${REDACTED}`,
      // The old-convention copy is made first, so it is redacted too.
      'http.url': `https://${REDACTED}@api/x?token=${REDACTED}`,
      'http.request.header.authorization': [REDACTED],
    });
    expect(span.events[0]!.attributes).toEqual({ 'exception.message': 'bad', 'request.password': REDACTED });
  });

  it('sanitises SQL only when CUSTOM_OTEL_SANITIZE_DB_STATEMENTS is on', () => {
    const on = setup({ CUSTOM_OTEL_SANITIZE_DB_STATEMENTS: 'true' });
    const off = setup();
    const a = fakeSpan({ kind: SpanKind.CLIENT, attributes: { 'db.statement': "SELECT 1 FROM t WHERE a = 'x'" } });
    const b = fakeSpan({ kind: SpanKind.CLIENT, attributes: { 'db.statement': "SELECT 1 FROM t WHERE a = 'x'" } });
    on.processor.onEnd(a);
    off.processor.onEnd(b);
    expect(a.attributes['db.statement']).toBe('SELECT ? FROM t WHERE a = ?');
    expect(b.attributes['db.statement']).toBe("SELECT 1 FROM t WHERE a = 'x'");
  });

  it('harmonises HTTP conventions on server and client spans only', () => {
    const { processor } = setup();
    const server = fakeSpan({ kind: SpanKind.SERVER, attributes: { 'http.method': 'GET' } });
    const client = fakeSpan({ kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'PUT' } });
    const internal = fakeSpan({ kind: SpanKind.INTERNAL, attributes: { 'http.method': 'GET' } });
    for (const span of [server, client, internal]) processor.onEnd(span);
    expect(server.attributes['http.request.method']).toBe('GET');
    expect(client.attributes['http.method']).toBe('PUT');
    expect(internal.attributes).not.toHaveProperty('http.request.method');
  });

  it('hands every forwarded span to the observers with its processed attributes and duration', () => {
    const seen: Array<{ name: string; attributes: Record<string, unknown>; durationMs: number }> = [];
    const { processor } = setup({ CUSTOM_OTEL_DROP_SPANS: 'name=dropped' }, [{ observe: (span, attributes, durationMs) => seen.push({ name: span.name, attributes: { ...attributes }, durationMs }) }]);
    processor.onEnd(fakeSpan({ name: 'kept', duration: [1, 250_000_000] }));
    processor.onEnd(fakeSpan({ name: 'dropped' }));
    expect(seen).toEqual([{ name: 'kept', attributes: expect.objectContaining({ 'custom.processed': true, 'custom.slow_operation': true }), durationMs: 1250 }]);
  });

  it('still exports when an observer throws, and reports that once', () => {
    const after: string[] = [];
    const throwing: SpanObserver = { observe: () => { throw new Error('observer broke'); } };
    const { processor, next, lines } = setup({}, [throwing, { observe: (span) => after.push(span.name) }]);
    processor.onEnd(fakeSpan({ name: 'one' }));
    processor.onEnd(fakeSpan({ name: 'two' }));
    expect(next.ended.map((s) => s.name)).toEqual(['one', 'two']);
    expect(after).toEqual(['one', 'two']);
    expect(lines).toEqual(['[custom-otel] warn: a span observer failed: observer broke']);
  });

  it('drops a span whose processing throws, reports it once and counts the drops', () => {
    const { processor, next, lines, diagnostics } = setup();
    const broken = () => {
      const span = fakeSpan({ name: 'broken' });
      Object.defineProperty(span, 'events', { get: () => { throw new Error('events unavailable'); } });
      return span;
    };
    processor.onEnd(broken());
    processor.onEnd(broken());
    processor.onEnd(fakeSpan({ name: 'fine' }));
    expect(next.ended.map((s) => s.name)).toEqual(['fine']);
    expect(lines).toEqual(['[custom-otel] error: span processing failed, such spans are dropped: events unavailable']);
    diagnostics.flushSummary();
    expect(lines[1]).toBe('[custom-otel] warn: in the last minute: spans dropped by processing failures: 2; processor: 1');
  });
});

describe('CustomSpanProcessor.onStart', () => {
  it('copies the configured baggage entries onto the span', () => {
    const { processor } = setup({ CUSTOM_OTEL_BAGGAGE_KEYS: 'tenant,user.tier,missing' });
    const baggage = propagation.createBaggage({ tenant: { value: 'acme' }, 'user.tier': { value: 'gold' }, other: { value: 'not copied' } });
    const span = fakeStartedSpan();
    processor.onStart(span, propagation.setBaggage(ROOT_CONTEXT, baggage));
    expect(span.set).toEqual({ tenant: 'acme', 'user.tier': 'gold' });
  });

  it('does nothing without baggage keys or without baggage', () => {
    const withoutKeys = setup();
    const span = fakeStartedSpan();
    withoutKeys.processor.onStart(span, propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ tenant: { value: 'acme' } })));
    expect(span.set).toEqual({});
    const withKeys = setup({ CUSTOM_OTEL_BAGGAGE_KEYS: 'tenant' });
    withKeys.processor.onStart(span, context.active());
    expect(span.set).toEqual({});
  });

  it('reports a failure once instead of throwing into the app', () => {
    const { processor, lines } = setup({ CUSTOM_OTEL_BAGGAGE_KEYS: 'tenant' });
    const ctx = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ tenant: { value: 'acme' } }));
    const failing = { spanContext: () => ({ traceFlags: 1 }), setAttribute: () => { throw new Error('span ended'); } } as never;
    expect(() => processor.onStart(failing, ctx)).not.toThrow();
    expect(() => processor.onStart(failing, ctx)).not.toThrow();
    expect(lines).toEqual(['[custom-otel] warn: copying baggage onto a span failed: span ended']);
  });
});

describe('CustomSpanProcessor flush and shutdown', () => {
  it('are passed to the next processor', async () => {
    const { processor, next } = setup();
    await processor.forceFlush();
    await processor.shutdown();
    expect([next.flushed, next.shutDown]).toEqual([1, 1]);
  });
});


describe('drop rules see both HTTP semantic conventions', () => {
  it('drops a span with only the old http.method when the rule names http.request.method', () => {
    const { processor, next } = setup({ CUSTOM_OTEL_DROP_SPANS: 'http.request.method=OPTIONS' });
    processor.onEnd(fakeSpan({ attributes: { 'http.method': 'OPTIONS', 'http.target': '/x' } }));
    processor.onEnd(fakeSpan({ attributes: { 'http.method': 'GET', 'http.target': '/x' } }));
    expect(next.ended.map((s) => s.attributes['http.method'])).toEqual(['GET']);
  });
});

describe('database errors with CUSTOM_OTEL_SANITIZE_DB_STATEMENTS', () => {
  it('sanitises the status message and exception texts of a database span', () => {
    const { processor, next } = setup({ CUSTOM_OTEL_SANITIZE_DB_STATEMENTS: 'true' });
    const message = "You have an error in your SQL syntax near 'hunter2' AND id = 42";
    const span = fakeSpan({
      kind: SpanKind.CLIENT,
      attributes: { 'db.system': 'mysql', 'db.statement': "SELECT * FROM users WHERE password = 'hunter2' AND id = 42" },
      status: { code: SpanStatusCode.ERROR, message },
      events: [{ name: 'exception', attributes: { 'exception.message': message, 'exception.stacktrace': `Error: ${message}\n    at x` }, time: [0, 0] }],
    });
    processor.onEnd(span);
    const out = next.ended[0]!;
    expect(JSON.stringify([out.attributes, out.status, out.events])).not.toContain('hunter2');
    expect(out.status.message).toBe('You have an error in your SQL syntax near ? AND id = ?');
  });

  it('leaves the status of other spans alone', () => {
    const { processor, next } = setup({ CUSTOM_OTEL_SANITIZE_DB_STATEMENTS: 'true' });
    processor.onEnd(fakeSpan({ status: { code: SpanStatusCode.ERROR, message: "no such order 'A-1'" } }));
    expect(next.ended[0]!.status.message).toBe("no such order 'A-1'");
  });
});

describe('CUSTOM_OTEL_SPAN_NAME_RULES in the processor', () => {
  const rules = { CUSTOM_OTEL_SPAN_NAME_RULES: 'GET /users/:id,POST /orders/:id/items' };

  it('names a server span without http.route after the matching template and sets http.route', () => {
    const { processor, next } = setup(rules);
    const span = fakeSpan({ name: 'GET', attributes: { 'http.method': 'GET', 'http.target': '/users/42?fields=name' } });
    processor.onEnd(span);
    expect(next.ended).toEqual([span]);
    expect(span.name).toBe('GET /users/:id');
    expect(span.attributes['http.route']).toBe('/users/:id');
  });

  it('leaves spans alone that have a route, are not server spans, or match no rule', () => {
    const { processor } = setup(rules);
    const routed = fakeSpan({ name: 'GET /users/:userId', attributes: { 'http.request.method': 'GET', 'url.path': '/users/42', 'http.route': '/users/:userId' } });
    const client = fakeSpan({ name: 'GET', kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'GET', 'url.path': '/users/42' } });
    const other = fakeSpan({ name: 'POST', attributes: { 'http.request.method': 'POST', 'url.path': '/users/42' } });
    for (const span of [routed, client, other]) processor.onEnd(span);
    expect([routed.name, client.name, other.name]).toEqual(['GET /users/:userId', 'GET', 'POST']);
    expect(routed.attributes['http.route']).toBe('/users/:userId');
    expect(client.attributes).not.toHaveProperty('http.route');
    expect(other.attributes).not.toHaveProperty('http.route');
  });

  it('renames before the drop rules, so a drop rule on the new route applies', () => {
    const { processor, next } = setup({ ...rules, CUSTOM_OTEL_DROP_SPANS: 'http.route=/orders/:id/items' });
    processor.onEnd(fakeSpan({ name: 'POST', attributes: { 'http.request.method': 'POST', 'url.path': '/orders/9/items' } }));
    expect(next.ended).toEqual([]);
  });

  it('feeds request metrics the template', () => {
    const seen: unknown[] = [];
    const { processor } = setup(rules, [{ observe: (_span, attributes) => seen.push(attributes['http.route']) }]);
    processor.onEnd(fakeSpan({ name: 'GET', attributes: { 'http.request.method': 'GET', 'url.path': '/users/7' } }));
    expect(seen).toEqual(['/users/:id']);
  });
});
