/** The 1.x line's HTTP instrumentation on the diagnostics_channel server path (src/instrumentations/http-server-v1.ts), against that line's own package. */
import { beforeAll, describe, expect, it } from 'vitest';
import { sdkLineRequire } from '../support/sdk-line-packages';
import { loadHttpUtils } from '../../src/instrumentations/http-server-channels';
import { hostNameOf, startV1UnsampledRequest, v1Problem, type HttpInstrumentationV1, type HttpUtilsV1 } from '../../src/instrumentations/http-server-v1';
import { UnsampledSpan } from '../../src/instrumentations/unsampled-span';

type Request = { method?: string; httpVersion?: string; headers: Record<string, string | undefined>; url: string; socket: { remoteAddress: string; remotePort: number } };
const request = (method: string | undefined, httpVersion: string | undefined, host: string | undefined): Request => ({
  method,
  httpVersion,
  headers: host === undefined ? {} : { host },
  url: '/orders/7?page=2',
  socket: { remoteAddress: '127.0.0.1', remotePort: 50000 },
});

let make: (config?: Record<string, unknown>) => HttpInstrumentationV1;
let utils: HttpUtilsV1;
beforeAll(async () => {
  const lineRequire = await sdkLineRequire('1.x');
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
