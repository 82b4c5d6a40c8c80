/**
 * Exact propagation on every path: a server under the staged tree with each
 * propagator configuration receives requests with sampled and unsampled
 * parents in every format that propagator reads, and calls a downstream
 * service. With a parent-based sampler, unsampled parents (and, with
 * always_off for roots, requests without one) take the short path for
 * unsampled requests; sampled ones the instrumentation's full path. Either
 * way the downstream call must carry the incoming trace with its sampled flag
 * and the incoming baggage, and only sampled requests may export spans, in
 * the incoming trace under the incoming parent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';

const RELAY = join(__dirname, '../fixtures/plain-http/relay.cjs');

/** The trace context a downstream service read from the headers it received. */
interface Received {
  traceId: string;
  spanId: string;
  sampled: boolean;
  baggage: Record<string, string>;
}

type Reader = (headers: IncomingHttpHeaders) => Received | undefined;
const one = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** How each propagator's injected headers read, written from each format's specification. */
const READERS: Record<string, Reader> = {
  tracecontext: (headers) => {
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(one(headers.traceparent) ?? '');
    if (!match) return undefined;
    const baggage: Record<string, string> = {};
    for (const entry of (one(headers.baggage) ?? '').split(',').filter(Boolean)) {
      const [key, value] = entry.split('=');
      baggage[decodeURIComponent(key!.trim())] = decodeURIComponent(value!.trim());
    }
    return { traceId: match[1]!, spanId: match[2]!, sampled: (parseInt(match[3]!, 16) & 1) === 1, baggage };
  },
  b3: (headers) => {
    const match = /^([0-9a-f]{32})-([0-9a-f]{16})-([01d])$/.exec(one(headers.b3) ?? '');
    return match ? { traceId: match[1]!, spanId: match[2]!, sampled: match[3] !== '0', baggage: {} } : undefined;
  },
  b3multi: (headers) => {
    const traceId = one(headers['x-b3-traceid']);
    const spanId = one(headers['x-b3-spanid']);
    if (!traceId || !spanId) return undefined;
    return { traceId, spanId, sampled: one(headers['x-b3-sampled']) === '1', baggage: {} };
  },
  jaeger: (headers) => {
    const match = /^([0-9a-f]{1,32}):([0-9a-f]{1,16}):[0-9a-f]+:([0-9a-f]{1,2})$/.exec(decodeURIComponent(one(headers['uber-trace-id']) ?? ''));
    if (!match) return undefined;
    const baggage: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (name.startsWith('uberctx-')) baggage[name.slice('uberctx-'.length)] = decodeURIComponent(one(value)!);
    }
    return { traceId: match[1]!.padStart(32, '0'), spanId: match[2]!.padStart(16, '0'), sampled: (parseInt(match[3]!, 16) & 1) === 1, baggage };
  },
};

interface Case {
  name: string;
  /** What the request carries, given the incoming trace and span ids. */
  headers: (traceId: string, spanId: string) => Record<string, string>;
  /** The incoming parent's sampled flag; undefined: the request carries no parent. */
  parentSampled: boolean | undefined;
  baggage: Record<string, string>;
}

const b3Cases: Case[] = [
  { name: 'multi-header B3, sampled', parentSampled: true, baggage: {}, headers: (t, s) => ({ 'X-B3-TraceId': t, 'X-B3-SpanId': s, 'X-B3-Sampled': '1' }) },
  { name: 'multi-header B3, not sampled', parentSampled: false, baggage: {}, headers: (t, s) => ({ 'X-B3-TraceId': t, 'X-B3-SpanId': s, 'X-B3-Sampled': '0' }) },
  { name: 'single-header B3, sampled', parentSampled: true, baggage: {}, headers: (t, s) => ({ b3: `${t}-${s}-1` }) },
  { name: 'single-header B3, not sampled', parentSampled: false, baggage: {}, headers: (t, s) => ({ b3: `${t}-${s}-0` }) },
  { name: 'no parent', parentSampled: undefined, baggage: {}, headers: () => ({}) },
];

const CONFIGURATIONS: Array<{ propagators: string; downstream: string; cases: Case[] }> = [
  { propagators: 'b3', downstream: 'b3', cases: b3Cases },
  { propagators: 'b3multi', downstream: 'b3multi', cases: b3Cases },
  {
    propagators: 'jaeger',
    downstream: 'jaeger',
    cases: [
      { name: 'Jaeger with baggage, sampled', parentSampled: true, baggage: { user: 'ada' }, headers: (t, s) => ({ 'uber-trace-id': `${t}:${s}:0:1`, 'uberctx-user': 'ada' }) },
      { name: 'Jaeger with baggage, not sampled', parentSampled: false, baggage: { user: 'ada' }, headers: (t, s) => ({ 'uber-trace-id': `${t}:${s}:0:0`, 'uberctx-user': 'ada' }) },
      { name: 'Jaeger baggage without a parent', parentSampled: undefined, baggage: { tenant: 'blue' }, headers: () => ({ 'uberctx-tenant': 'blue' }) },
    ],
  },
  {
    propagators: 'tracecontext,baggage',
    downstream: 'tracecontext',
    cases: [
      { name: 'W3C with baggage, sampled', parentSampled: true, baggage: { user: 'ada' }, headers: (t, s) => ({ traceparent: `00-${t}-${s}-01`, baggage: 'user=ada' }) },
      { name: 'W3C with baggage, not sampled', parentSampled: false, baggage: { user: 'ada' }, headers: (t, s) => ({ traceparent: `00-${t}-${s}-00`, baggage: 'user=ada' }) },
      { name: 'W3C baggage without a parent', parentSampled: undefined, baggage: { tenant: 'blue' }, headers: () => ({ baggage: 'tenant=blue' }) },
    ],
  },
];

/** Parent-based samplers: sampled parents are followed, unsampled ones too; roots differ. */
const SAMPLERS: Array<{ sampler: string; rootsSampled: boolean }> = [
  { sampler: 'parentbased_always_off', rootsSampled: false },
  { sampler: 'parentbased_always_on', rootsSampled: true },
];

let receiver: OtlpReceiver;
let downstream: Server;
const downstreamHeaders = new Map<string, IncomingHttpHeaders>();

beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  downstream = createServer((req, res) => {
    downstreamHeaders.set(req.url ?? '', req.headers);
    res.end('ok');
  });
  await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await receiver?.close();
  await new Promise((resolve) => downstream?.close(resolve));
});

const hexId = (bytes: number) => randomBytes(bytes).toString('hex');

describe.each(CONFIGURATIONS.flatMap((configuration) => SAMPLERS.map((sampler) => ({ ...configuration, ...sampler }))))(
  'OTEL_PROPAGATORS=$propagators with $sampler',
  ({ propagators, downstream: format, cases, sampler, rootsSampled }) => {
    const outcomes = new Map<string, { traceId: string; spanId: string; received: Received | undefined; spans: ReceivedSpan[] }>();

    beforeAll(async () => {
      receiver.clear();
      const app = await startApp(
        RELAY,
        operatorEnv(stagedEntry(), receiver.grpcUrl, {
          OTEL_PROPAGATORS: propagators,
          OTEL_TRACES_SAMPLER: sampler,
          OTEL_METRICS_EXPORTER: 'none',
          DOWNSTREAM_PORT: String((downstream.address() as AddressInfo).port),
        }),
      );
      const sent: Array<{ path: string; traceId: string; spanId: string; name: string }> = [];
      try {
        for (const [index, testCase] of cases.entries()) {
          const traceId = hexId(16);
          const spanId = hexId(8);
          const path = `/${propagators.replace(/,/g, '+')}/${sampler}/${index}`;
          expect((await get(app.port, path, testCase.headers(traceId, spanId))).status, testCase.name).toBe(200);
          sent.push({ path, traceId, spanId, name: testCase.name });
        }
      } finally {
        // SIGTERM flushes what was recorded: afterwards the receiver holds every span there will be.
        await app.stop();
      }
      for (const { path, traceId, spanId, name } of sent) {
        const headers = downstreamHeaders.get(`/downstream${path}`);
        const received = headers && READERS[format]!(headers);
        outcomes.set(name, { traceId, spanId, received, spans: receiver.spans.filter((span) => span.traceId === (received?.traceId ?? traceId)) });
      }
    });

    it.each(cases)('$name', (testCase) => {
      const outcome = outcomes.get(testCase.name)!;
      const { received, spans } = outcome;
      expect(received, `the downstream call carries a ${format} trace context`).toBeDefined();
      expect(received!.spanId).not.toMatch(/^0+$/);
      expect(received!.baggage).toEqual(testCase.baggage);
      const sampled = testCase.parentSampled ?? rootsSampled;
      expect(received!.sampled).toBe(sampled);
      if (testCase.parentSampled !== undefined) {
        expect(received!.traceId, 'the incoming trace continues downstream').toBe(outcome.traceId);
        expect(received!.spanId).not.toBe(outcome.spanId);
      } else {
        expect(received!.traceId).not.toMatch(/^0+$/);
      }
      if (!sampled) {
        expect(spans, 'an unsampled request exports nothing').toEqual([]);
        return;
      }
      const server = spans.find((span) => span.kind === 'SERVER');
      const client = spans.find((span) => span.kind === 'CLIENT');
      expect(server, 'the server span').toBeDefined();
      expect(server!.parentSpanId).toBe(testCase.parentSampled ? outcome.spanId : '');
      expect(client?.parentSpanId, 'the client span under the server span').toBe(server!.spanId);
      expect(received!.spanId, 'downstream sees the client span as its parent').toBe(client!.spanId);
    });
  },
);
