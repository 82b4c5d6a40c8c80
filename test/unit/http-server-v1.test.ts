/** The 1.x line's HTTP instrumentation on the diagnostics_channel server path (src/instrumentations/http-server-v1.ts), against that line's own package. */
import { beforeAll, describe, expect, it } from 'vitest';
import { sdkLineRequire } from '../support/sdk-line-packages';
import { loadHttpUtils } from '../../src/instrumentations/http-server-channels';
import { finishV1UnsampledRequest, hostNameOf, startV1UnsampledRequest, v1Problem, type HttpInstrumentationV1, type HttpUtilsV1 } from '../../src/instrumentations/http-server-v1';
import { UnsampledSpan } from '../../src/instrumentations/unsampled-span';

type Request = {
  method?: string;
  httpVersion?: string;
  headers: Record<string, string | undefined>;
  url: string;
  socket: { remoteAddress: string; remotePort: number; localAddress?: string; localPort?: number } | null;
};
const request = (method: string | undefined, httpVersion: string | undefined, host: string | undefined): Request => ({
  method,
  httpVersion,
  headers: host === undefined ? {} : { host },
  url: '/orders/7?page=2',
  socket: { remoteAddress: '127.0.0.1', remotePort: 50000 },
});

type LineApi = typeof import('@opentelemetry/api');
let make: (config?: Record<string, unknown>) => HttpInstrumentationV1;
let utils: HttpUtilsV1;
let lineRequire: NodeJS.Require;
beforeAll(async () => {
  lineRequire = await sdkLineRequire('1.x');
  const { HttpInstrumentation } = lineRequire('@opentelemetry/instrumentation-http');
  make = (config = {}) => new HttpInstrumentation({ enabled: false, ...config });
  utils = loadHttpUtils(lineRequire) as unknown as HttpUtilsV1;
}, 5 * 60_000);

describe('startV1UnsampledRequest', () => {
  it.each([
    ['GET, HTTP/1.1, a host with a port', request('GET', '1.1', '127.0.0.1:8080')],
    ['a host without a port', request('GET', '1.1', 'shop.example')],
    ['an IPv6 host', request('GET', '1.1', '[::1]:8080')],
    ['no host header (HTTP/1.0)', request('GET', '1.0', undefined)],
    ['a method the conventions do not know', request('PURGE', '1.1', 'shop.example:80')],
    ['no method and no version', request(undefined, undefined, 'a:1')],
  ])('%s: the metric set the instrumentation makes from the span attributes, without them', (_case, incoming) => {
    const http = make();
    const expected = utils.getIncomingRequestMetricAttributes(utils.getIncomingRequestAttributes(incoming, { component: 'http', semconvStability: http._semconvStability }, http._diag));
    const span = new UnsampledSpan(undefined);
    const started = startV1UnsampledRequest(http, utils, incoming, 'http', span)!;
    // Keys and values, undefined ones included (they are part of the metric's attribute set).
    expect(Object.entries(started.oldMetricAttributes).sort()).toEqual(Object.entries(expected).sort());
    expect(started.span).toBe(span);
    // Its end records the duration only for a span it knows.
    expect(http._spanNotEnded.has(span)).toBe(true);
  });

  it.each([['http'], ['http/dup']])('under OTEL_SEMCONV_STABILITY_OPT_IN=%s: not taken (the stable set needs the full start)', (optIn) => {
    const before = process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
    process.env.OTEL_SEMCONV_STABILITY_OPT_IN = optIn;
    try {
      const http = make();
      expect(http._semconvStability).not.toBe(2);
      expect(startV1UnsampledRequest(http, utils, request('GET', '1.1', 'a:1'), 'http', new UnsampledSpan(undefined))).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
      else process.env.OTEL_SEMCONV_STABILITY_OPT_IN = before;
    }
  });
});

describe('finishV1UnsampledRequest', () => {
  /** The server duration records of `http` (old conventions: one histogram). */
  const recorded = (http: HttpInstrumentationV1): Array<Record<string, unknown>> => {
    const seen: Array<Record<string, unknown>> = [];
    (http as unknown as Record<string, unknown>)._oldHttpServerDurationHistogram = { record: (_ms: number, attributes: Record<string, unknown>) => seen.push({ ...attributes }) };
    return seen;
  };
  const served = (localPort: number | undefined, withSocket = true): Request => ({
    ...request('GET', '1.1', 'shop.example:8080'),
    socket: withSocket ? { remoteAddress: '127.0.0.1', remotePort: 50000, localAddress: '127.0.0.1', localPort } : null,
  });
  const response = (statusCode: number) => ({ statusCode, statusMessage: 'x', getHeader: () => undefined });

  it.each([
    ['200, no route', served(8080), 200, undefined],
    ['404 with a route', served(3000), 404, '/orders/:id'],
    ['500, a socket without a local port', served(undefined), 500, '/'],
    ['no socket left on the request', served(8080, false), 204, undefined],
  ])("%s: records the set and ends the span as the instrumentation's whole end does", (_case, incoming, status, route) => {
    const api = lineRequire('@opentelemetry/api') as LineApi;
    const { AsyncLocalStorageContextManager } = lineRequire('@opentelemetry/context-async-hooks');
    const { setRPCMetadata, RPCType } = lineRequire('@opentelemetry/core');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const ours = make();
      const oursSeen = recorded(ours);
      const oursStart = startV1UnsampledRequest(ours, utils, incoming, 'http', new UnsampledSpan(undefined))!;
      finishV1UnsampledRequest(ours, incoming, response(status), route, oursStart);

      const theirs = make();
      const theirsSeen = recorded(theirs);
      const theirsStart = startV1UnsampledRequest(theirs, utils, incoming, 'http', new UnsampledSpan(undefined))!;
      const rpc = { type: RPCType.HTTP, span: theirsStart.span, ...(route === undefined ? {} : { route }) };
      api.context.with(setRPCMetadata(api.context.active(), rpc), () =>
        theirs._onServerResponseFinish(incoming, response(status), theirsStart.span, theirsStart.oldMetricAttributes, theirsStart.stableMetricAttributes, theirsStart.startTime),
      );

      expect(oursSeen).toHaveLength(1);
      // Keys and values, undefined ones included.
      expect(Object.entries(oursSeen[0]!).sort()).toEqual(Object.entries(theirsSeen[0]!).sort());
      expect(oursSeen[0]!['http.status_code']).toBe(status);
      expect(ours._spanNotEnded.has(oursStart.span)).toBe(false);
    } finally {
      api.context.disable();
    }
  });
});

describe('hostNameOf', () => {
  it('gives the name the instrumentation takes, for each Host in turn (the last one kept)', () => {
    const hosts = ['a.example:8080', 'a.example:8080', undefined, '[::1]:3000', 'b.example', '', 'a.example:8080', 'c:99999x'];
    for (const host of hosts) {
      const expected = host?.replace(/^(.*)(:[0-9]{1,5})/, '$1') || 'localhost';
      expect(hostNameOf(host), String(host)).toBe(expected);
    }
  });
});

describe('v1Problem', () => {
  it("finds the 1.x line's instrumentation and utils module as they ship", () => {
    expect(v1Problem(make(), utils)).toBeUndefined();
  });

  it('names a missing span bookkeeping, and a utils module without the version helper', () => {
    const http = make() as unknown as Record<string, unknown>;
    http._spanNotEnded = new Set();
    expect(v1Problem(http, utils)).toMatch(/_spanNotEnded/);
    expect(v1Problem(make(), { ...utils, setAttributesFromHttpKind: undefined })).toMatch(/setAttributesFromHttpKind/);
    expect(v1Problem(make(), undefined)).toMatch(/utils module/);
  });
});
