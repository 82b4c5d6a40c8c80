/** The short path for requests that will not be sampled (src/instrumentations/unsampled-requests.ts). */
import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { CustomSampler, samplingPolicy } from '../../src/sampler/custom-sampler';
import { parseConfig } from '../../src/config/config';
import { certainlyUnsampled, closedRequestAttributes, mayTakeShortPath, normalizedMethod, shortenUnsampledRequests } from '../../src/instrumentations/unsampled-requests';
import { randomId } from '../../src/instrumentations/unsampled-span';

const DECISION = { notRecord: SamplingDecision.NOT_RECORD, recordAndSample: SamplingDecision.RECORD_AND_SAMPLED };
const ENVIRONMENTS: Array<Record<string, string>> = [
  {},
  { OTEL_TRACES_SAMPLER: 'always_on' },
  { OTEL_TRACES_SAMPLER: 'always_off' },
  { OTEL_TRACES_SAMPLER: 'parentbased_always_off' },
  { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
  { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' },
  { OTEL_TRACES_SAMPLER: 'always_off', CUSTOM_OTEL_SAMPLING_RULES: '/api=1' },
  { OTEL_TRACES_SAMPLER: 'always_off', CUSTOM_OTEL_SAMPLING_RULES: '/api=0' },
];
const PATHS = ['/', '/api/orders', '/health', '/static/x.js'];
const TRACE_IDS = ['4bf92f3577b34da6a3ce929d00000001', '4bf92f3577b34da6a3ce929d80000000', '4bf92f3577b34da6a3ce929dffffffff'];

describe('certainlyUnsampled', () => {
  it.each(ENVIRONMENTS)('agrees with the sampler itself for %o: "certainly unsampled" only when no path, method or trace id is sampled', (env) => {
    const { config } = parseConfig(env);
    const policy = samplingPolicy(config);
    const sampler = new CustomSampler(policy, 0, DECISION, 'test');
    for (const parentSampled of [undefined, true, false]) {
      const ctx =
        parentSampled === undefined
          ? ROOT_CONTEXT
          : trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_IDS[1]!, spanId: 'b7ad6b7169203331', traceFlags: parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true });
      const decisions = PATHS.flatMap((path) =>
        TRACE_IDS.map((traceId) => sampler.shouldSample(ctx, traceId, 'GET', SpanKind.SERVER, { 'url.path': path, 'http.request.method': 'GET' }, []).decision),
      );
      const anySampled = decisions.some((d) => d === SamplingDecision.RECORD_AND_SAMPLED);
      if (certainlyUnsampled(policy, parentSampled)) expect(anySampled, `parent ${parentSampled}`).toBe(false);
      else expect(anySampled, `parent ${parentSampled}: a case that could be sampled`).toBe(true);
    }
  });

  it('lets the short path in only where some request can take it', () => {
    const policy = (env: Record<string, string>) => samplingPolicy(parseConfig(env).config);
    expect(mayTakeShortPath(policy({ OTEL_TRACES_SAMPLER: 'always_on' }))).toBe(false);
    expect(mayTakeShortPath(policy({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }))).toBe(false);
    expect(mayTakeShortPath(policy({ OTEL_TRACES_SAMPLER: 'always_off' }))).toBe(true);
    // An unsampled parent is followed.
    expect(mayTakeShortPath(policy({}))).toBe(true);
  });
});

describe('normalizedMethod', () => {
  it('writes http.request.method as the HTTP instrumentation does', () => {
    expect(normalizedMethod('get')).toBe('GET');
    expect(normalizedMethod('PATCH')).toBe('PATCH');
    expect(normalizedMethod('PROPFIND')).toBe('_OTHER');
    expect(normalizedMethod(undefined)).toBe('GET');
  });
});

describe('randomId', () => {
  it('makes valid W3C ids of the requested length, different each time', () => {
    const traceIds = new Set(Array.from({ length: 1000 }, () => randomId(16)));
    const spanIds = new Set(Array.from({ length: 1000 }, () => randomId(8)));
    expect(traceIds.size).toBe(1000);
    expect(spanIds.size).toBe(1000);
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect([...traceIds].some((id) => /^0+$/.test(id))).toBe(false);
  });
});

describe('shortenUnsampledRequests', () => {
  it('recognises the HTTP instrumentation of the SDK line used in development', async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation({ enabled: false });
    expect(shortenUnsampledRequests(instrumentation, samplingPolicy(parseConfig({ OTEL_TRACES_SAMPLER: 'always_off' }).config))).toBe(true);
  });

  it('is not installed where no request could take it (always_on)', async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation({ enabled: false });
    expect(shortenUnsampledRequests(instrumentation, samplingPolicy(parseConfig({ OTEL_TRACES_SAMPLER: 'always_on' }).config))).toBe(false);
  });

  it('leaves an instrumentation whose internals it does not know alone', () => {
    const policy = samplingPolicy(parseConfig({ OTEL_TRACES_SAMPLER: 'always_off' }).config);
    const unknown = { _incomingRequestFunction: (a: unknown) => a, getConfig: () => ({}) };
    expect(shortenUnsampledRequests(unknown, policy)).toBe(false);
    const oldLine = { _semconvStability: 2 };
    expect(shortenUnsampledRequests(oldLine, policy)).toBe(false);
  });
});

describe('closedRequestAttributes', () => {
  const request = { 'http.request.method': 'GET', 'url.scheme': 'http', 'network.protocol.version': '1.1' };
  it('adds the route, the status code and, for a 5xx status, error.type, as the instrumentation does', () => {
    expect(closedRequestAttributes(request, '/users/:id', 200)).toEqual({ ...request, 'http.route': '/users/:id', 'http.response.status_code': 200 });
    expect(closedRequestAttributes(request, undefined, 503)).toEqual({ ...request, 'http.response.status_code': 503, 'error.type': '503' });
    expect(closedRequestAttributes(request, undefined, 404)).toEqual({ ...request, 'http.response.status_code': 404 });
    expect(closedRequestAttributes(request, undefined, undefined)).toEqual(request);
  });
});
