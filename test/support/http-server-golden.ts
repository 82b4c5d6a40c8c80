/**
 * The golden test of the HTTP server path. On every SDK line our server
 * spans come from Node's diagnostics_channel (`http.server.request.start`)
 * by default, and CUSTOM_OTEL_HTTP_INSTRUMENTATION=upstream keeps
 * @opentelemetry/instrumentation-http's patched `Server.prototype.emit`. Both
 * must export the same telemetry: the same app (test/fixtures/http-golden)
 * runs under a staged tree once each way, receives one corpus of requests
 * (http-golden-corpus.ts), and every span the receiver gets is compared by
 * the request it belongs to: name, kind, status, scope, flags, trace state,
 * attributes, events, parent and trace (after our span processor: custom.*
 * and the legacy twins included); then the points of
 * http.server.request.duration and of our custom.http.server.requests,
 * counted per attribute set. Both runs use the same tree, so whatever its SDK
 * line writes differently (error.type on 5xx spans on 3.x) is on both sides.
 *
 * Left out of the comparison, as they differ between any two runs: span and
 * trace ids (replaced by the shape they make), times and durations, the
 * client's port, the app's own listening ports (named where they appear), a
 * thrown error's stack below the app's own frames, and the resource (the
 * process's own: pid).
 *
 * The tests are registered by compareHttpServerPaths, in the caller's
 * describe: the integration project's for the host's Node, the matrix
 * project's once per major under that major's real runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { OtlpReceiver, plainAttributes, type Attributes, type ReceivedSpan } from './otlp-receiver';
import { operatorEnv, startApp } from './app-process';
import type { SdkLine } from '../../scripts/versions';
import { CORPUS, GIVEN_PARENT, GIVEN_TRACE, HAS_IPV6_LOOPBACK, spanKey, type Target } from './http-golden-corpus';

const APP = join(__dirname, '../fixtures/http-golden/server.cjs');
const CHANNEL_LINE = 'HTTP server spans from diagnostics_channel';
const FALLBACK_LINE = "HTTP server spans from upstream's instrumentation";

/** Where the app runs: a staged tree's entry, and the Node that runs it. */
export interface Runtime {
  /** The tree's autoinstrumentation.js. */
  entry: string;
  /** The node binary (default: the one running the tests). */
  node?: string;
  /** The Node version that binary is, as process.runtime.version must say. */
  version: string;
}

interface Run {
  outcomes: Map<string, string>;
  spans: ReceivedSpan[];
  /** Per metric compared: the count of each attribute set (as sorted JSON). */
  metrics: Record<string, Record<string, number>>;
  stderr: string;
  ports: number[];
}

/**
 * The server metrics compared: the instrumentation's duration histogram (the
 * 1.x line's writes the old conventions' by default), and our request
 * counter made from server spans.
 */
function serverMetrics(sdkLine: SdkLine): { duration: string; all: string[] } {
  const duration = sdkLine === '1.x' ? 'http.server.duration' : 'http.server.request.duration';
  return { duration, all: [duration, 'custom.http.server.requests'] };
}

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
function pointCounts(requests: unknown[], name: string, ports: number[]): Record<string, number> {
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
            // The 1.x line's old conventions put the app's port (net.host.port) on the points.
            const attributes = Object.fromEntries(Object.entries(sorted(plainAttributes(point.attributes))).map(([key, value]) => [key, withoutPorts(value, ports)]));
            const key = JSON.stringify({ scope: sm.scope?.name, ...attributes });
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

async function runCorpus(receiver: OtlpReceiver, runtime: Runtime, metricNames: string[], extra: Record<string, string>): Promise<Run> {
  receiver.clear();
  const app = await startApp(
    APP,
    operatorEnv(runtime.entry, receiver.grpcUrl, {
      OTEL_LOG_LEVEL: 'debug',
      CUSTOM_OTEL_HTTP_CAPTURE_HEADERS: 'x-custom,authorization',
      CUSTOM_OTEL_BAGGAGE_KEYS: 'tenant',
      // custom.slow_operation depends on each run's timing: no span here is that slow.
      CUSTOM_OTEL_SLOW_THRESHOLD_MS: '86400000',
      ...extra,
    }),
    { ready: /LISTENING (\d+) V6 (\S+)\n/, node: runtime.node },
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
  const metrics = Object.fromEntries(metricNames.map((name) => [name, pointCounts(receiver.metricRequests, name, ports)]));
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
    // The client's ephemeral port (net.peer.port: the old conventions' name, the 1.x line's default).
    if (key === 'client.port' || key === 'network.peer.port' || key === 'net.peer.port') continue;
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

/**
 * Registers, in the caller's describe, both runs of the corpus under
 * `prepare`'s tree and runtime (prepared before the runs, of `sdkLine`) and
 * their comparison.
 */
export function compareHttpServerPaths(sdkLine: SdkLine, prepare: () => Promise<Runtime>): void {
  const metrics = serverMetrics(sdkLine);
  let receiver: OtlpReceiver;
  let runtime: Runtime;
  let upstream: Run;
  let channels: Run;

  // The project's hook timeout: preparing may stage a tree.
  beforeAll(async () => {
    runtime = await prepare();
    receiver = await OtlpReceiver.start();
    upstream = await runCorpus(receiver, runtime, metrics.all, { CUSTOM_OTEL_HTTP_INSTRUMENTATION: 'upstream' });
    // The default: the variable unset.
    channels = await runCorpus(receiver, runtime, metrics.all, {});
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('ran under the Node it was given, both ways', () => {
    const versions = (run: Run) => [...new Set(run.spans.map((span) => span.resource['process.runtime.version']))];
    expect(versions(upstream)).toEqual([runtime.version]);
    expect(versions(channels)).toEqual([runtime.version]);
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

  it.each(metrics.all)('%s: the same points (count per attribute set) both ways, the unsampled requests included', (name) => {
    // Every request that reached a 'request' listener: each server span's, and the unsampled ones.
    const unsampled = CORPUS.filter((testCase) => testCase.unsampled).length;
    const requests = EXPECTED_KEYS.filter((key) => key.startsWith('SERVER ')).length + (name === metrics.duration ? unsampled : 0);
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
      // The old conventions (the 1.x line's default) keep any method as sent.
      const purge = sdkLine === '1.x' ? { 'http.method': 'PURGE' } : { 'http.request.method': '_OTHER', 'http.request.method_original': 'PURGE' };
      expect(span('SERVER /plain/ok/purge').attributes).toMatchObject(purge);
      // instrumentation-http writes REDACTED (from the 2.x line on: the 1.x line's redacts no query); our processor then writes [REDACTED] over the names it knows too.
      const query = String(span('SERVER /plain/ok/query').attributes['url.query']);
      expect(query).toContain(sdkLine === '1.x' ? 'AWSAccessKeyId=a3&' : 'AWSAccessKeyId=REDACTED&');
      expect(query).toContain('page=2');
      for (const secret of ['s1', 'g2', 's4', 'z5', 't6']) expect(query).not.toContain(`=${secret}`);
      const headers = span('SERVER /plain/ok/headers').attributes;
      expect(headers['http.request.header.x_custom'] ?? headers['http.request.header.x-custom']).toBeDefined();
      expect(JSON.stringify(headers)).not.toContain('golden-secret');
      const old = sdkLine === '1.x';
      expect(span('SERVER /plain/ok/http10').attributes[old ? 'http.flavor' : 'network.protocol.version']).toBe('1.0');
      if (HAS_IPV6_LOOPBACK) expect(span('SERVER /plain/ok/ipv6').attributes[old ? 'net.peer.ip' : 'network.peer.address']).toBe('::1');
    });
  });
}
