/** HTTP server spans from diagnostics_channel (src/instrumentations/http-server-channels.ts): the decisions and the checks of upstream's internals. */
import { describe, expect, it } from 'vitest';
import { AsyncLocalStorage } from 'node:async_hooks';
import { samplingPolicy } from '../../src/sampler/custom-sampler';
import { parseConfig } from '../../src/config/config';
import { sdkLineRequire } from '../support/sdk-line-packages';
import { channelsNotice, channelsProblem, wrappedByAnotherInstrumentation, emitsRequestEvent, loadHttpUtils, requestPathForSampling, serveFromChannels } from '../../src/instrumentations/http-server-channels';

const storage = new AsyncLocalStorage();
const policy = () => samplingPolicy(parseConfig({}).config);

describe('emitsRequestEvent', () => {
  const none = () => 0;
  const some = (name: string) => (event: string) => (event === name ? 1 : 0);
  it.each([
    ['no Expect header', {}, '1.1', none, true],
    ['100-continue without a checkContinue listener (Node answers 100 and emits request)', { expect: '100-continue' }, '1.1', none, true],
    ['100-continue, any case, with a checkContinue listener', { expect: '100-Continue' }, '1.1', some('checkContinue'), false],
    ['another expectation with a checkExpectation listener', { expect: 'x-ray' }, '1.1', some('checkExpectation'), false],
    ['another expectation without one (Node answers 417 itself)', { expect: 'x-ray' }, '1.1', none, false],
    ['an Expect header on HTTP/1.0 (ignored by Node)', { expect: '100-continue' }, '1.0', some('checkContinue'), true],
  ] as const)('%s', (_case, headers, version, listeners, emits) => {
    const [major, minor] = version.split('.').map(Number);
    expect(emitsRequestEvent({ headers, httpVersionMajor: major, httpVersionMinor: minor }, { listenerCount: listeners })).toBe(emits);
  });
});

describe('wrappedByAnotherInstrumentation', () => {
  it("tells a server whose emit an app's own instrumentation wrapped (shimmer's mark) from one nobody or something else wrapped", () => {
    const wrapped = Object.assign(function emit() {}, { __wrapped: true, __original: () => undefined });
    expect(wrappedByAnotherInstrumentation(wrapped)).toBe(true);
    expect(wrappedByAnotherInstrumentation(require('node:events').EventEmitter.prototype.emit)).toBe(false);
    expect(wrappedByAnotherInstrumentation(function logged() {})).toBe(false);
    expect(wrappedByAnotherInstrumentation(undefined)).toBe(false);
  });
});

describe('requestPathForSampling', () => {
  it.each([
    [undefined, '/'],
    ['/', '/'],
    ['/api/orders?id=1', '/api/orders'],
    ['/a#frag', '/a'],
    ['/a#frag?not-a-query', '/a'],
    ['/a?q=#x', '/a'],
    ['http://example.test/absolute/form?x', '/absolute/form'],
    ['*', '*'],
  ])('%s → %s', (url, path) => expect(requestPathForSampling(url)).toBe(path));
});

describe('channelsProblem', () => {
  it.each([
    ['1.x', undefined],
    ['2.x', undefined],
    ['3.x', undefined],
  ] as const)("checks the %s line's HTTP instrumentation and utils module, from its own lockfile, as they ship", async (line, expected) => {
    const lineRequire = await sdkLineRequire(line);
    const { HttpInstrumentation } = lineRequire('@opentelemetry/instrumentation-http');
    expect(channelsProblem(new HttpInstrumentation({ enabled: false }), loadHttpUtils(lineRequire), storage)).toBe(expected);
  }, 5 * 60_000);

  type Shape = Record<string, unknown>;
  const real = async (): Promise<Shape> => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    return new HttpInstrumentation({ enabled: false }) as unknown as Shape;
  };
  it.each([
    ['the span starter renamed', (i: Shape) => ((i._startHttpSpan = undefined), i), /_startHttpSpan is missing/],
    ['the end of a server span with another signature', (i: Shape) => ((i._onServerResponseFinish = (a: unknown) => a), i), /_onServerResponseFinish/],
    ['no error end', (i: Shape) => ((i._onServerResponseError = undefined), i), /_onServerResponseError/],
    ['no header capture', (i: Shape) => ((i._headerCapture = undefined), i), /_headerCapture/],
  ])('%s: not installed, one warning names it, the instrumentation keeps its own path', async (_change, change, named) => {
    const instrumentation = change(await real());
    const config = (instrumentation.getConfig as () => Shape)();
    const outcome = serveFromChannels(instrumentation, policy(), storage, loadHttpUtils());
    expect(outcome.installed).toBe(false);
    expect((instrumentation.getConfig as () => Shape)()).toBe(config);
    const notice = channelsNotice(outcome);
    expect(notice.level).toBe('warn');
    expect(notice.line).toMatch(named);
    expect(notice.line).toMatch(/HTTP server spans from upstream's instrumentation/);
  });

  it.each([
    ['the end of a server span with the 2.x signature', (i: Shape) => ((i._onServerResponseFinish = (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) => [a, b, c, d, e]), i), /_onServerResponseFinish/],
    ['no span closer', (i: Shape) => ((i._closeHttpSpan = undefined), i), /_closeHttpSpan/],
    ['headers captured into an object (the 2.x way)', (i: Shape) => ((i._headerCapture = { server: { captureRequestHeaders: (read: unknown) => read } }), i), /captureRequestHeaders/],
    ['no conventions switch', (i: Shape) => ((i._semconvStability = 'old'), i), /_semconvStability/],
  ])("the 1.x line's, %s: not installed, one warning names it", async (_change, change, named) => {
    const lineRequire = await sdkLineRequire('1.x');
    const { HttpInstrumentation } = lineRequire('@opentelemetry/instrumentation-http');
    const instrumentation = change(new HttpInstrumentation({ enabled: false }));
    const outcome = serveFromChannels(instrumentation, policy(), storage, loadHttpUtils(lineRequire));
    expect(outcome.installed).toBe(false);
    expect((instrumentation.getConfig as () => Shape)().disableIncomingRequestInstrumentation).toBeUndefined();
    expect(channelsNotice(outcome)).toEqual({ level: 'warn', line: expect.stringMatching(named) });
  }, 5 * 60_000);

  it("names the 1.x line's utils module without the metric attributes or the error setter", async () => {
    const lineRequire = await sdkLineRequire('1.x');
    const { HttpInstrumentation } = lineRequire('@opentelemetry/instrumentation-http');
    const utils = loadHttpUtils(lineRequire) as Record<string, unknown>;
    const withoutMetricAttributes: Record<string, unknown> = { ...utils, getIncomingRequestMetricAttributes: undefined };
    const otherErrorSetter: Record<string, unknown> = { ...utils, setSpanWithError: (span: unknown) => span };
    expect(channelsProblem(new HttpInstrumentation({ enabled: false }), withoutMetricAttributes, storage)).toMatch(/utils module's getIncomingRequestMetricAttributes/);
    expect(channelsProblem(new HttpInstrumentation({ enabled: false }), otherErrorSetter, storage)).toMatch(/setSpanWithError/);
  }, 5 * 60_000);

  it('names a utils module without the attribute builder, and a context manager without its storage', async () => {
    expect(channelsProblem(await real(), {}, storage)).toMatch(/getIncomingRequestAttributes/);
    expect(channelsProblem(await real(), loadHttpUtils(), undefined)).toMatch(/AsyncLocalStorage/);
  });
});

describe('serveFromChannels', () => {
  it("turns the instrumentation's server patch off through its public option, and says so at debug level", async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation({ enabled: false });
    const outcome = serveFromChannels(instrumentation, policy(), storage, loadHttpUtils());
    expect(outcome).toEqual({ installed: true });
    expect(instrumentation.getConfig().disableIncomingRequestInstrumentation).toBe(true);
    expect(channelsNotice(outcome)).toEqual({ level: 'debug', line: expect.stringContaining('HTTP server spans from diagnostics_channel') });
  });

  it.each(['requestHook', 'responseHook', 'ignoreIncomingRequestHook', 'startIncomingSpanHook', 'applyCustomAttributesOnSpan'])('keeps upstream\'s path when %s is configured (only it honours the hooks)', async (hook) => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation({ enabled: false, [hook]: () => undefined });
    const outcome = serveFromChannels(instrumentation, policy(), storage, loadHttpUtils());
    expect(outcome).toEqual({ installed: false, reason: 'hooks' });
    expect(instrumentation.getConfig().disableIncomingRequestInstrumentation).toBeUndefined();
    expect(channelsNotice(outcome).line).toContain(hook);
  });
});
