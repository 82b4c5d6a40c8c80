/** HTTP client spans from diagnostics_channel (src/instrumentations/http-client-channels.ts): the decisions and the checks of upstream's internals. */
import { describe, expect, it } from 'vitest';
import { samplingPolicy } from '../../src/sampler/custom-sampler';
import { parseConfig } from '../../src/config/config';
import { sdkLineRequire } from '../support/sdk-line-packages';
import {
  clientChannelsDecision,
  clientChannelsNotice,
  clientChannelsProblem,
  httpClientSpans,
  publishesRequestCreated,
  upstreamOnlyOptions,
  type ClientChannelsOutcome,
} from '../../src/instrumentations/http-client-channels';

const policy = () => samplingPolicy(parseConfig({}).config);
const ALLOWED = { setting: 'channels', sdkLine: '3.x', nodeVersion: '22.15.0', config: {}, selected: ['http', 'express', 'undici'] } as const;

describe('publishesRequestCreated', () => {
  it.each([
    ['20.20.2', false],
    ['22.11.0', false],
    ['22.12.0', true],
    ['22.15.0', true],
    ['23.1.0', false],
    ['23.2.0', true],
    ['24.0.0', true],
    ['26.0.0', true],
    ['v24.1.0', true],
  ])('Node %s: %s', (version, expected) => expect(publishesRequestCreated(version)).toBe(expected));
});

describe('upstreamOnlyOptions', () => {
  it('names every option only upstream honours, and captured client headers only when some are named', () => {
    expect(upstreamOnlyOptions({})).toEqual([]);
    expect(upstreamOnlyOptions({ redactedQueryParams: ['a'], ignoreIncomingRequestHook: () => true, headersToSpanAttributes: { server: { requestHeaders: ['x'] } } })).toEqual([]);
    expect(upstreamOnlyOptions({ headersToSpanAttributes: { client: { requestHeaders: [], responseHeaders: [] } } })).toEqual([]);
    expect(upstreamOnlyOptions({ headersToSpanAttributes: { client: { responseHeaders: ['x-id'] } } })).toEqual(['headersToSpanAttributes.client']);
    expect(upstreamOnlyOptions({ requestHook: () => undefined, requireParentforOutgoingSpans: true })).toEqual(['requestHook', 'requireParentforOutgoingSpans']);
  });
});

describe('clientChannelsDecision', () => {
  it('allows the channels on the 3.x line, on a Node that publishes them, with nothing that needs upstream', () => {
    expect(clientChannelsDecision(ALLOWED)).toBeUndefined();
  });

  it.each<[string, Partial<typeof ALLOWED> | Record<string, unknown>, ClientChannelsOutcome]>([
    ['CUSTOM_OTEL_HTTP_INSTRUMENTATION=upstream', { setting: 'upstream' }, { installed: false, reason: 'setting' }],
    ['the 2.x line', { sdkLine: '2.x' }, { installed: false, reason: 'sdk-line' }],
    ['the 1.x line', { sdkLine: '1.x' }, { installed: false, reason: 'sdk-line' }],
    ['a Node without http.client.request.created', { nodeVersion: '22.11.0' }, { installed: false, reason: 'runtime' }],
    ['outbound spans turned off', { config: { disableOutgoingRequestInstrumentation: true } }, { installed: false, reason: 'off' }],
    ['a hook', { config: { startOutgoingSpanHook: () => ({}) } }, { installed: false, reason: 'configuration', options: ['startOutgoingSpanHook'] }],
    ['captured client headers (CUSTOM_OTEL_HTTP_CAPTURE_HEADERS)', { config: { headersToSpanAttributes: { client: { requestHeaders: ['x-id'] } } } }, { installed: false, reason: 'configuration', options: ['headersToSpanAttributes.client'] }],
    ['the net instrumentation on', { selected: ['http', 'net'] }, { installed: false, reason: 'nested' }],
    ['the dns instrumentation on', { selected: ['dns', 'http'] }, { installed: false, reason: 'nested' }],
  ])('keeps upstream for %s', (_case, change, outcome) => {
    expect(clientChannelsDecision({ ...ALLOWED, ...change } as never)).toEqual(outcome);
  });

  it('the setting wins over everything else, and says so at debug level', () => {
    const outcome = clientChannelsDecision({ ...ALLOWED, setting: 'upstream', sdkLine: '1.x', config: { requestHook: () => undefined } })!;
    expect(clientChannelsNotice(outcome)).toEqual({ level: 'debug', line: "HTTP client spans from upstream's instrumentation (CUSTOM_OTEL_HTTP_INSTRUMENTATION=upstream)" });
  });
});

describe('clientChannelsNotice', () => {
  it('says the channels are used in the line the debug log is searched for', () => {
    expect(clientChannelsNotice({ installed: true })).toEqual({ level: 'debug', line: expect.stringContaining('HTTP client spans from diagnostics_channel') });
  });
  it('warns only when the internals are not the ones checked', () => {
    for (const reason of ['setting', 'sdk-line', 'runtime', 'off', 'nested'] as const) expect(clientChannelsNotice({ installed: false, reason }).level).toBe('debug');
    expect(clientChannelsNotice({ installed: false, reason: 'configuration', options: ['requestHook'] }).line).toContain('requestHook');
    expect(clientChannelsNotice({ installed: false, reason: 'shape', problem: 'x is missing' })).toEqual({ level: 'warn', line: expect.stringContaining('x is missing') });
  });
});

describe("clientChannelsProblem: the 3.x line's instrumentation, from its own lockfile", () => {
  type Shape = Record<string, unknown>;
  const real = async (config: Shape = {}): Promise<Shape> => {
    const { HttpInstrumentation } = (await sdkLineRequire('3.x'))('@opentelemetry/instrumentation-http');
    return new HttpInstrumentation({ enabled: false, ...config }) as Shape;
  };

  it('is as this path relies on', async () => {
    expect(clientChannelsProblem(await real())).toBeUndefined();
  }, 5 * 60_000);

  it.each([
    ['the span starter renamed', (i: Shape) => ((i._startHttpSpan = undefined), i), /_startHttpSpan is missing/],
    ['the end of a client span with another signature', (i: Shape) => ((i._closeHttpSpan = (span: unknown) => span), i), /_closeHttpSpan/],
    ['no error end', (i: Shape) => ((i._onOutgoingRequestError = undefined), i), /_onOutgoingRequestError/],
    ['no duration recorder', (i: Shape) => ((i._recordClientDuration = undefined), i), /_recordClientDuration/],
    ['no isEnabled', (i: Shape) => ((i.isEnabled = undefined), i), /isEnabled/],
  ])('%s: not installed, one warning names it, the instrumentation keeps its own path', async (_change, change, named) => {
    const instrumentation = change(await real());
    const config = (instrumentation.getConfig as () => Shape)();
    const outcome = httpClientSpans(instrumentation, { ...ALLOWED, policy: policy() });
    expect(outcome.installed).toBe(false);
    expect((instrumentation.getConfig as () => Shape)()).toBe(config);
    const notice = clientChannelsNotice(outcome);
    expect(notice.level).toBe('warn');
    expect(notice.line).toMatch(named);
  }, 5 * 60_000);

  it("turns the instrumentation's outbound patch off through its public option when installed, and only then", async () => {
    const installed = await real();
    expect(httpClientSpans(installed, { ...ALLOWED, policy: policy() })).toEqual({ installed: true });
    expect((installed.getConfig as () => Shape)().disableOutgoingRequestInstrumentation).toBe(true);

    const hooked = await real({ requestHook: () => undefined });
    expect(httpClientSpans(hooked, { ...ALLOWED, policy: policy() })).toEqual({ installed: false, reason: 'configuration', options: ['requestHook'] });
    expect((hooked.getConfig as () => Shape)().disableOutgoingRequestInstrumentation).toBeUndefined();

    const upstream = await real();
    expect(httpClientSpans(upstream, { ...ALLOWED, setting: 'upstream', policy: policy() })).toEqual({ installed: false, reason: 'setting' });
    expect((upstream.getConfig as () => Shape)().disableOutgoingRequestInstrumentation).toBeUndefined();
  }, 5 * 60_000);
});
