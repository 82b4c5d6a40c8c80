/**
 * The golden test of the HTTP server path. On the 2.x and 3.x lines our
 * server spans come from Node's diagnostics_channel (`http.server.request.start`)
 * by default, and CUSTOM_OTEL_HTTP_INSTRUMENTATION=upstream keeps
 * @opentelemetry/instrumentation-http's patched `Server.prototype.emit`. Both
 * must export the same telemetry: the same app (test/fixtures/http-golden)
 * runs under the staged tree once each way, receives one corpus of requests,
 * and every span the receiver gets is compared by the request it belongs to:
 * name, kind, status, scope, flags, trace state, attributes, events, parent and
 * trace (after our span processor: custom.* and the legacy twins included);
 * then the points of http.server.request.duration and of our
 * custom.http.server.requests, counted per attribute set.
 *
 * Left out of the comparison, as they differ between any two runs: span and
 * trace ids (replaced by the shape they make), times and durations, the
 * client's port, the app's own listening ports (named where they appear), a
 * thrown error's stack below the app's own frames, and the resource (the
 * process's own: pid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { OtlpReceiver, plainAttributes, type Attributes, type ReceivedSpan } from '../support/otlp-receiver';
import { operatorEnv, startApp } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';

const APP = join(__dirname, '../fixtures/http-golden/server.cjs');
const CHANNEL_LINE = 'HTTP server spans from diagnostics_channel';
const FALLBACK_LINE = "HTTP server spans from upstream's instrumentation";

/** The incoming parents the corpus sends: the same ids to both runs, so the spans must name them. */
const GIVEN_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const GIVEN_PARENT = '00f067aa0ba902b7';
const UNSAMPLED_TRACE = '5cf92f3577b34da6a3ce929d0e0e4737';

/** ::1 on a loopback interface means the machine has IPv6, and the app must be reachable there. */
const HAS_IPV6_LOOPBACK = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));

interface Target {
  port: number;
  /** The app's port on ::1, when it listens there. */
  port6: number | undefined;
  stdout: () => string;
}

interface Sent {
  method?: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  host?: string;
  port?: number;
  agent?: Agent | false;
}

/** What the client saw: the status, or the error that ended the request. */
function send(target: Target, sent: Sent): Promise<{ outcome: string; reused: boolean }> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: sent.host ?? '127.0.0.1',
        port: sent.port ?? target.port,
        method: sent.method ?? 'GET',
        path: sent.path,
        headers: sent.headers,
        // A connection per request unless the case says otherwise: the global agent keeps connections alive.
        agent: sent.agent ?? false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ outcome: String(res.statusCode), reused: req.reusedSocket }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: `error ${error.code ?? error.message}`, reused: req.reusedSocket }));
    req.setTimeout(10_000, () => req.destroy(new Error(`${sent.path} got no answer`)));
    if (sent.headers?.expect === '100-continue') req.on('continue', () => req.end(sent.body));
    else req.end(sent.body);
  });
}

/** Writes `text` on one raw connection and returns everything the app answered until it closed. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Not half-closed: the app closes the connection once it has answered (Connection: close, HTTP/1.0).
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** The status of each response in a raw answer (a response follows the previous body directly). */
const statusLines = (answer: string) => [...answer.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => m[1]).join(' ');

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface Case {
  what: string;
  /** The spans it must export, each by its key (see spanKey); none for a request the instrumentation does not trace. */
  spans: string[];
  /** What the client sees, as the app is written to answer. */
  outcome: string;
  send(target: Target): Promise<string>;
}

const get = (path: string, headers?: OutgoingHttpHeaders) => async (target: Target) => (await send(target, { path, headers })).outcome;

const CORPUS: Case[] = [
  { what: 'GET', spans: ['SERVER /plain/ok/get'], outcome: '200', send: get('/plain/ok/get') },
  { what: 'POST with a body', spans: ['SERVER /plain/echo/post'], outcome: '200', send: async (t) => (await send(t, { method: 'POST', path: '/plain/echo/post', headers: { 'content-type': 'text/plain' }, body: 'hello' })).outcome },
  { what: 'HEAD', spans: ['SERVER /plain/ok/head'], outcome: '200', send: async (t) => (await send(t, { method: 'HEAD', path: '/plain/ok/head' })).outcome },
  { what: 'OPTIONS', spans: ['SERVER /plain/ok/options'], outcome: '200', send: async (t) => (await send(t, { method: 'OPTIONS', path: '/plain/ok/options' })).outcome },
  { what: 'an unknown method (_OTHER)', spans: ['SERVER /plain/ok/purge'], outcome: '200', send: async (t) => (await send(t, { method: 'PURGE', path: '/plain/ok/purge' })).outcome },
  {
    what: 'Expect: 100-continue (no checkContinue listener, so Node answers 100 and emits request)',
    spans: ['SERVER /plain/echo/continue'],
    outcome: '200',
    send: async (t) => (await send(t, { method: 'POST', path: '/plain/echo/continue', headers: { expect: '100-continue' }, body: 'after continue' })).outcome,
  },
  { what: '301', spans: ['SERVER /plain/status/301'], outcome: '301', send: get('/plain/status/301') },
  { what: '404', spans: ['SERVER /plain/status/404'], outcome: '404', send: get('/plain/status/404') },
  { what: '500', spans: ['SERVER /plain/status/500'], outcome: '500', send: get('/plain/status/500') },
  { what: '503', spans: ['SERVER /plain/status/503'], outcome: '503', send: get('/plain/status/503') },
  { what: 'a request listener that throws synchronously', spans: ['SERVER /plain/throw/sync'], outcome: '500', send: get('/plain/throw/sync') },
  { what: 'res.destroy(error)', spans: ['SERVER /plain/destroy/boom'], outcome: 'error ECONNRESET', send: get('/plain/destroy/boom') },
  { what: 'an Express handler that throws (Express answers 500)', spans: ['SERVER /express/fail'], outcome: '500', send: get('/express/fail') },
  { what: 'an Express route', spans: ['SERVER /users/42'], outcome: '200', send: get('/users/42') },
  { what: "Express's 404", spans: ['SERVER /express/nowhere'], outcome: '404', send: get('/express/nowhere') },
  {
    what: 'a request the client aborts before the response',
    spans: ['SERVER /plain/hang/abort'],
    outcome: 'aborted',
    send: (target) =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: target.port, path: '/plain/hang/abort', agent: false });
        req.on('error', () => undefined);
        req.on('close', () => resolve('aborted'));
        req.end();
        // Aborted once the handler has the request (the app says so), not after some delay.
        until(() => target.stdout().includes('HANDLING /plain/hang/abort'), 'the app to receive the request').then(() => req.destroy(), reject);
      }),
  },
  { what: 'a socket the server times out (req.setTimeout, no listener)', spans: ['SERVER /plain/timeout/socket'], outcome: 'error ECONNRESET', send: get('/plain/timeout/socket') },
  {
    what: 'keep-alive: three requests on one agent connection',
    spans: ['SERVER /plain/ok/keepalive-1', 'SERVER /plain/ok/keepalive-2', 'SERVER /plain/ok/keepalive-3'],
    outcome: '200 200 200, reused false true true',
    send: async (target) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const answers = [];
        for (const n of [1, 2, 3]) answers.push(await send(target, { path: `/plain/ok/keepalive-${n}`, agent }));
        return `${answers.map((a) => a.outcome).join(' ')}, reused ${answers.map((a) => a.reused).join(' ')}`;
      } finally {
        agent.destroy();
      }
    },
  },
  {
    what: 'pipelining: two requests written at once on one connection',
    spans: ['SERVER /plain/ok/pipelined-1', 'SERVER /plain/ok/pipelined-2'],
    outcome: '200 200',
    send: async (target) =>
      statusLines(
        await raw(
          target.port,
          `GET /plain/ok/pipelined-1 HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\n\r\n` +
            `GET /plain/ok/pipelined-2 HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nConnection: close\r\n\r\n`,
        ),
      ),
  },
  {
    what: 'HTTP/1.0 without a Host header',
    spans: ['SERVER /plain/ok/http10'],
    outcome: '200',
    send: async (target) => statusLines(await raw(target.port, 'GET /plain/ok/http10 HTTP/1.0\r\n\r\n')),
  },
  ...(HAS_IPV6_LOOPBACK
    ? [
        {
          what: 'an IPv6 peer',
          spans: ['SERVER /plain/ok/ipv6'],
          outcome: '200',
          send: async (target: Target) => (await send(target, { host: '::1', port: target.port6, path: '/plain/ok/ipv6' })).outcome,
        },
      ]
    : []),
  {
    what: 'a query string with parameters instrumentation-http redacts, and one we redact',
    spans: ['SERVER /plain/ok/query'],
    outcome: '200',
    send: get('/plain/ok/query?sig=s1&X-Goog-Signature=g2&AWSAccessKeyId=a3&Signature=s4&X-Amz-Signature=z5&page=2&token=t6'),
  },
  {
    what: 'captured request headers (authorization redacted by us)',
    spans: ['SERVER /plain/ok/headers'],
    outcome: '200',
    send: get('/plain/ok/headers', { 'x-custom': ['one', 'two'], authorization: 'Bearer golden-secret', 'x-not-captured': 'no' }),
  },
  { what: 'a user agent', spans: ['SERVER /plain/ok/user-agent'], outcome: '200', send: get('/plain/ok/user-agent', { 'user-agent': 'golden-client/1.0 (+https://example.com)' }) },
  {
    what: 'a sampled W3C traceparent with tracestate and baggage (the span continues it)',
    spans: ['SERVER /plain/ok/traceparent'],
    outcome: '200',
    send: get('/plain/ok/traceparent', { traceparent: `00-${GIVEN_TRACE}-${GIVEN_PARENT}-01`, tracestate: 'vendor=golden', baggage: 'tenant=blue,other=x' }),
  },
  {
    // Only its http.server.request.duration point shows it.
    what: 'an unsampled traceparent (no span)',
    spans: [],
    outcome: '200',
    send: get('/plain/ok/unsampled', { traceparent: `00-${UNSAMPLED_TRACE}-${GIVEN_PARENT}-00` }),
  },
  {
    what: 'Forwarded (client and host from it)',
    spans: ['SERVER /plain/ok/forwarded'],
    outcome: '200',
    send: get('/plain/ok/forwarded', { forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https;host=api.example.com, for=198.51.100.7' }),
  },
  {
    what: 'X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Proto',
    spans: ['SERVER /plain/ok/x-forwarded'],
    outcome: '200',
    send: get('/plain/ok/x-forwarded', { 'x-forwarded-for': '203.0.113.9:5555, 10.0.0.1', 'x-forwarded-host': 'shop.example.com:8443', 'x-forwarded-proto': 'https' }),
  },
  { what: 'a Host header with a port', spans: ['SERVER /plain/ok/host'], outcome: '200', send: get('/plain/ok/host', { host: 'www.example.com:8080' }) },
  {
    what: 'the active span in the handler after an asynchronous hop',
    spans: ['SERVER /plain/enrich/active'],
    outcome: '200',
    send: get('/plain/enrich/active'),
  },
  {
    what: 'an outbound call from the handler (client span, and the inner request, in the same trace)',
    spans: ['SERVER /plain/chain/outer', 'CLIENT /plain/ok/chained', 'SERVER /plain/ok/chained'],
    outcome: '200',
    send: get('/plain/chain/outer'),
  },
  {
    // 'upgrade' is emitted instead of 'request': instrumentation-http traces nothing.
    what: 'an upgrade handled by an upgrade listener (no span)',
    spans: [],
    outcome: '101',
    send: (target) =>
      new Promise((resolve) => {
        const req = request({ host: '127.0.0.1', port: target.port, path: '/plain/ok/upgrade', agent: false, headers: { connection: 'Upgrade', upgrade: 'golden' } });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(String(res.statusCode));
        });
        req.on('response', (res) => resolve(`not upgraded: ${res.statusCode}`));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
        req.end();
      }),
  },
];

/** A span's identity across runs: its kind and its request's path. */
function spanKey(span: ReceivedSpan): string {
  if (span.kind === 'CLIENT') return `CLIENT ${new URL(String(span.attributes['url.full'])).pathname}`;
  return `${span.kind} ${String(span.attributes['url.path'])}`;
}

interface Run {
  outcomes: Map<string, string>;
  spans: ReceivedSpan[];
  /** Per metric compared: the count of each attribute set (as sorted JSON). */
  metrics: Record<string, Record<string, number>>;
  stderr: string;
  ports: number[];
}

/** The server metrics compared: the instrumentation's histogram, and our request counter made from server spans. */
const METRICS = ['http.server.request.duration', 'custom.http.server.requests'];

type Point = { attributes?: Parameters<typeof plainAttributes>[0]; count?: number; asInt?: number; asDouble?: number };
type Metric = { name: string; histogram?: { dataPoints?: Point[]; aggregationTemporality?: number }; sum?: { dataPoints?: Point[]; aggregationTemporality?: number } };
type MetricsRequest = { resourceMetrics?: Array<{ scopeMetrics?: Array<{ scope?: { name?: string }; metrics?: Metric[] }> }> };

/**
 * The count of each attribute set of a metric, from its last export (the
 * temporality is cumulative: the last export holds every point). Points with
 * the same attribute set are added up: instrumentation-http records a
 * request that threw with one set and changes that object when the response
 * closes, so its point is exported with the attributes of another.
 */
function pointCounts(requests: unknown[], name: string): Record<string, number> {
  let last: Record<string, number> = {};
  for (const request of requests as MetricsRequest[]) {
    const counts: Record<string, number> = {};
    let seen = false;
    for (const rm of request.resourceMetrics ?? []) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const metric of sm.metrics ?? []) {
          if (metric.name !== name) continue;
          seen = true;
          const data = metric.histogram ?? metric.sum;
          expect(data?.aggregationTemporality, `${name}: cumulative temporality`).toBe(2);
          for (const point of data?.dataPoints ?? []) {
            const key = JSON.stringify({ scope: sm.scope?.name, ...sorted(plainAttributes(point.attributes)) });
            counts[key] = (counts[key] ?? 0) + Number(point.count ?? point.asInt ?? point.asDouble ?? 0);
          }
        }
      }
    }
    if (seen) last = counts;
  }
  return last;
}

const sorted = (attributes: Attributes): Attributes => Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));

async function runCorpus(receiver: OtlpReceiver, extra: Record<string, string>): Promise<Run> {
  receiver.clear();
  const app = await startApp(
    APP,
    operatorEnv(stagedEntry(), receiver.grpcUrl, {
      OTEL_LOG_LEVEL: 'debug',
      CUSTOM_OTEL_HTTP_CAPTURE_HEADERS: 'x-custom,authorization',
      CUSTOM_OTEL_BAGGAGE_KEYS: 'tenant',
      // custom.slow_operation depends on each run's timing: no span here is that slow.
      CUSTOM_OTEL_SLOW_THRESHOLD_MS: '86400000',
      ...extra,
    }),
    { ready: /LISTENING (\d+) V6 (\S+)\n/ },
  );
  const v6 = /LISTENING \d+ V6 (\S+)/.exec(app.stdout())![1]!;
  const target: Target = { port: app.port, port6: /^\d+$/.test(v6) ? Number(v6) : undefined, stdout: app.stdout };
  const outcomes = new Map<string, string>();
  try {
    if (HAS_IPV6_LOOPBACK) expect(target.port6, `this machine has ::1 on a loopback interface, but the app could not listen there (${v6})`).toBeDefined();
    for (const testCase of CORPUS) outcomes.set(testCase.what, await testCase.send(target));
  } finally {
    // SIGTERM flushes spans and metrics: afterwards the receiver holds all there will be.
    await app.stop();
  }
  // OTLP delivery is at least once: a batch may arrive twice.
  const spans = [...new Map(receiver.spans.map((span) => [span.spanId, span])).values()];
  const ports = [target.port, ...(target.port6 ? [target.port6] : [])];
  const metrics = Object.fromEntries(METRICS.map((name) => [name, pointCounts(receiver.metricRequests, name)]));
  return { outcomes, spans, metrics, stderr: app.stderr(), ports };
}

/**
 * What must be equal between the runs: the span with its ids replaced by
 * the shape they make, and what differs between any two runs left out.
 */
function comparable(span: ReceivedSpan, run: Run): unknown {
  const byId = new Map(run.spans.map((s) => [s.spanId, s]));
  const parent = byId.get(span.parentSpanId);
  let root = span;
  for (let up = byId.get(root.parentSpanId); up; up = byId.get(up.parentSpanId)) root = up;
  return {
    name: span.name,
    kind: span.kind,
    status: { code: span.status.code, message: span.status.message ?? '' },
    scope: `${span.scope} ${span.scopeVersion}`,
    flags: span.flags,
    traceState: span.traceState,
    parent: span.parentSpanId === '' ? 'none' : parent ? spanKey(parent) : `remote ${span.parentSpanId}`,
    trace: span.traceId === GIVEN_TRACE ? 'the given traceparent' : root === span ? 'its own' : `that of ${spanKey(root)}`,
    attributes: normalized(span.attributes, run.ports),
    events: span.events.map((event) => ({ name: event.name, attributes: normalized(event.attributes, run.ports) })),
  };
}

function normalized(attributes: Attributes, ports: number[]): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(sorted(attributes))) {
    // The client's ephemeral port.
    if (key === 'client.port' || key === 'network.peer.port') continue;
    if (key === 'exception.stacktrace' && typeof value === 'string') {
      // Below the app's own frames the stack runs through whichever path
      // delivered the request (instrumentation-http's patched emit, or
      // not): the message and the app's frames are what the app threw.
      out[key] = value
        .split('\n')
        .filter((line, index) => index === 0 || line.includes(APP))
        .join('\n');
      continue;
    }
    out[key] = withoutPorts(value, ports);
  }
  return out;
}

/** Each run's app listens on ports of its own: they are named, not compared. */
function withoutPorts(value: unknown, ports: number[]): unknown {
  if (typeof value === 'number') return ports.includes(value) ? `<app port ${ports.indexOf(value)}>` : value;
  if (typeof value === 'string') return ports.reduce((text, port, i) => text.replaceAll(`:${port}`, `:<app port ${i}>`), value);
  if (Array.isArray(value)) return value.map((item) => withoutPorts(item, ports));
  return value;
}

const EXPECTED_KEYS = CORPUS.flatMap((testCase) => testCase.spans);

describe("HTTP server spans: the diagnostics_channel path (default) against instrumentation-http's (upstream)", () => {
  let receiver: OtlpReceiver;
  let upstream: Run;
  let channels: Run;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    upstream = await runCorpus(receiver, { CUSTOM_OTEL_HTTP_INSTRUMENTATION: 'upstream' });
    // The default: the variable unset.
    channels = await runCorpus(receiver, {});
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
  });

  it('answers every request of the corpus as the app is written to, both ways', () => {
    const expected = new Map(CORPUS.map((testCase) => [testCase.what, testCase.outcome]));
    expect(upstream.outcomes).toEqual(expected);
    expect(channels.outcomes).toEqual(expected);
  });

  it('exports the spans of the corpus, no more and no fewer, both ways', () => {
    const keys = (run: Run) => run.spans.map(spanKey).sort();
    expect(keys(upstream)).toEqual([...EXPECTED_KEYS].sort());
    expect(keys(channels)).toEqual([...EXPECTED_KEYS].sort());
    const servers = EXPECTED_KEYS.filter((key) => key.startsWith('SERVER ')).length;
    expect(upstream.spans.filter((span) => span.kind === 'SERVER')).toHaveLength(servers);
    expect(channels.spans.filter((span) => span.kind === 'SERVER')).toHaveLength(servers);
  });

  it.each(EXPECTED_KEYS)('%s: the same span both ways', (key) => {
    const upstreamSpan = upstream.spans.find((span) => spanKey(span) === key);
    const channelSpan = channels.spans.find((span) => spanKey(span) === key);
    expect(upstreamSpan, `upstream's ${key}`).toBeDefined();
    expect(channelSpan, `the default path's ${key}`).toBeDefined();
    expect(comparable(channelSpan!, channels)).toEqual(comparable(upstreamSpan!, upstream));
  });

  it.each(METRICS)('%s: the same points (count per attribute set) both ways, the unsampled request included', (name) => {
    // Every request that reached a 'request' listener: each server span's, and the unsampled one.
    const requests = EXPECTED_KEYS.filter((key) => key.startsWith('SERVER ')).length + (name === 'http.server.request.duration' ? 1 : 0);
    const total = (run: Run) => Object.values(run.metrics[name]!).reduce((a, b) => a + b, 0);
    expect(total(upstream)).toBe(requests);
    expect(channels.metrics[name]).toEqual(upstream.metrics[name]);
  });

  it("took the diagnostics_channel path by default (said once at debug), and upstream's when asked", () => {
    const occurrences = (text: string, line: string) => text.split('\n').filter((l) => l.includes(line)).length;
    expect(occurrences(channels.stderr, CHANNEL_LINE), `the default run says once: ${CHANNEL_LINE}`).toBe(1);
    expect(occurrences(channels.stderr, FALLBACK_LINE), 'the default run did not fall back').toBe(0);
    expect(occurrences(upstream.stderr, CHANNEL_LINE), 'the upstream run does not use the channel').toBe(0);
  });

  // Facts of the corpus itself, checked on upstream's spans: the comparison above is only worth what these cases exercise.
  describe('the corpus exercises what it says', () => {
    const span = (key: string) => upstream.spans.find((s) => spanKey(s) === key)!;

    it('continues the given trace under the given parent', () => {
      expect(span('SERVER /plain/ok/traceparent')).toMatchObject({ traceId: GIVEN_TRACE, parentSpanId: GIVEN_PARENT, traceState: 'vendor=golden' });
      expect(span('SERVER /plain/ok/traceparent').attributes.tenant).toBe('blue');
    });

    it('nests the outbound call under the handler\'s span, and the inner request under it', () => {
      const outer = span('SERVER /plain/chain/outer');
      const client = span('CLIENT /plain/ok/chained');
      const inner = span('SERVER /plain/ok/chained');
      expect(client.parentSpanId).toBe(outer.spanId);
      expect(inner.parentSpanId).toBe(client.spanId);
      expect(new Set([outer.traceId, client.traceId, inner.traceId]).size).toBe(1);
      expect(span('SERVER /plain/enrich/active').attributes['app.enriched']).toBe('/plain/enrich/active');
    });

    it('names the Express route, records the thrown error, redacts and captures', () => {
      expect(span('SERVER /users/42')).toMatchObject({ name: 'GET /users/:id', attributes: expect.objectContaining({ 'http.route': '/users/:id' }) });
      const thrown = span('SERVER /plain/throw/sync');
      expect(thrown.status).toMatchObject({ code: 'ERROR', message: 'sync boom' });
      expect(thrown.events.map((e) => e.name)).toEqual(['exception']);
      expect(span('SERVER /plain/ok/purge').attributes).toMatchObject({ 'http.request.method': '_OTHER', 'http.request.method_original': 'PURGE' });
      // instrumentation-http writes REDACTED; our processor then writes [REDACTED] over the names it knows too.
      const query = String(span('SERVER /plain/ok/query').attributes['url.query']);
      expect(query).toContain('AWSAccessKeyId=REDACTED&');
      expect(query).toContain('page=2');
      for (const secret of ['s1', 'g2', 'a3', 's4', 'z5', 't6']) expect(query).not.toContain(`=${secret}`);
      const headers = span('SERVER /plain/ok/headers').attributes;
      expect(headers['http.request.header.x_custom'] ?? headers['http.request.header.x-custom']).toBeDefined();
      expect(JSON.stringify(headers)).not.toContain('golden-secret');
      expect(span('SERVER /plain/ok/http10').attributes['network.protocol.version']).toBe('1.0');
      if (HAS_IPV6_LOOPBACK) expect(span('SERVER /plain/ok/ipv6').attributes['network.peer.address']).toBe('::1');
    });
  });
});
