/** The short path for requests that will not be sampled (src/instrumentations/unsampled-requests.ts). */
import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { CustomSampler, samplingPolicy } from '../../src/sampler/custom-sampler';
import { parseConfig } from '../../src/config/config';
import { sdkLineRequire } from '../support/sdk-line-packages';
import { certainlyUnsampled, closedRequestAttributes, failedRequestAttributes, httpInternalsProblem, mayTakeShortPath, normalizedMethod, shortenUnsampledRequests, shortPathNotice } from '../../src/instrumentations/unsampled-requests';

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

describe('shortenUnsampledRequests', () => {
  const alwaysOff = () => samplingPolicy(parseConfig({ OTEL_TRACES_SAMPLER: 'always_off' }).config);

  it('recognises the HTTP instrumentation of the SDK line used in development', async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation({ enabled: false });
    expect(httpInternalsProblem(instrumentation)).toBeUndefined();
    expect(shortenUnsampledRequests(instrumentation, alwaysOff())).toEqual({ installed: true });
  });

  it('is not installed where no request could take it (always_on), and says nothing', async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation({ enabled: false });
    const outcome = shortenUnsampledRequests(instrumentation, samplingPolicy(parseConfig({ OTEL_TRACES_SAMPLER: 'always_on' }).config));
    expect(outcome).toEqual({ installed: false, reason: 'not-needed' });
    expect(shortPathNotice(outcome)).toBeUndefined();
  });

  it('is installed under always_on when the policy may change later (OpAMP), quietly', async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation({ enabled: false });
    const outcome = shortenUnsampledRequests(instrumentation, samplingPolicy(parseConfig({ OTEL_TRACES_SAMPLER: 'always_on' }).config), true);
    expect(outcome).toEqual({ installed: true });
    expect(shortPathNotice(outcome)).toBeUndefined();
  });

  it.each([
    ['1.x', 'sdk-1.x'],
    ['2.x', undefined],
    ['3.x', undefined],
  ] as const)("checks the %s line's HTTP instrumentation, from its own lockfile, as it ships", async (line, expected) => {
    const lineRequire = await sdkLineRequire(line);
    const { HttpInstrumentation } = lineRequire('@opentelemetry/instrumentation-http');
    expect(httpInternalsProblem(new HttpInstrumentation({ enabled: false }))).toBe(expected);
  }, 5 * 60_000);

  it('leaves the 1.x line alone, by design (said only at debug level)', () => {
    const outcome = shortenUnsampledRequests({ _semconvStability: 2 }, alwaysOff());
    expect(outcome).toEqual({ installed: false, reason: 'sdk-1.x' });
    expect(shortPathNotice(outcome)?.level).toBe('debug');
  });

  describe('an instrumentation whose internals changed shape keeps its own full path, and one warning names what changed', () => {
    type Shape = Record<string, unknown>;
    const real = async (): Promise<Shape> => {
      const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
      return new HttpInstrumentation({ enabled: false }) as unknown as Shape;
    };
    it.each([
      ['the request listener factory renamed', (i: Shape) => ((i._incomingRequestFunction = undefined), i), /_incomingRequestFunction\(component, original\) is missing/],
      ['the request listener factory with another signature', (i: Shape) => ((i._incomingRequestFunction = (options: unknown) => options), i), /_incomingRequestFunction\(component, original\)/],
      ['the factory returning no listener', (i: Shape) => ((i._incomingRequestFunction = (_c: unknown, _o: unknown) => undefined), i), /no longer returns a listener/],
      ['the factory throwing', (i: Shape) => ((i._incomingRequestFunction = (_c: unknown, _o: unknown) => { throw new Error('moved'); }), i), /throws \(moved\)/],
      ['the duration recorder renamed', (i: Shape) => ((i._recordServerDuration = undefined), i), /_recordServerDuration\(durationMs, attributes\)/],
      ['the duration recorder with another signature', (i: Shape) => ((i._recordServerDuration = (a: unknown, b: unknown, c: unknown) => [a, b, c]), i), /_recordServerDuration/],
      ['no getConfig', (i: Shape) => ((i.getConfig = undefined), i), /getConfig\(\) is missing/],
    ])('%s', async (_change, change, named) => {
      const instrumentation = change(await real());
      const before = instrumentation._incomingRequestFunction;
      const outcome = shortenUnsampledRequests(instrumentation, alwaysOff());
      expect(outcome.installed).toBe(false);
      // upstream's own path: the instrumentation is left exactly as it was
      expect(instrumentation._incomingRequestFunction).toBe(before);
      const notice = shortPathNotice(outcome)!;
      expect(notice.level).toBe('warn');
      expect(notice.line).toMatch(named);
      expect(notice.line).toMatch(/take its full path, as upstream does/);
      expect(notice.line).not.toContain('\n');
    });
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

describe('failedRequestAttributes', () => {
  it("adds the error's name as error.type to a copy, as the instrumentation does", () => {
    const request = { 'http.request.method': 'GET', 'url.scheme': 'http' };
    const failed = failedRequestAttributes(request, new TypeError('boom'));
    expect(failed).toEqual({ ...request, 'error.type': 'TypeError' });
    expect(request).toEqual({ 'http.request.method': 'GET', 'url.scheme': 'http' });
    expect(failedRequestAttributes(request, undefined)).toEqual({ ...request, 'error.type': undefined });
  });
});
