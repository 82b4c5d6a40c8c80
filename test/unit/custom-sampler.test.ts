/** The sampler the SDK calls (src/sampler/custom-sampler.ts), through the real @opentelemetry/api context. */
import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { CustomSampler, samplingPolicy } from '../../src/sampler/custom-sampler';
import { parseConfig } from '../../src/config/config';

const DECISION = { notRecord: SamplingDecision.NOT_RECORD, recordAndSample: SamplingDecision.RECORD_AND_SAMPLED };
// Low 56 bits (the randomness R) all ones: at least any threshold but never-sample's.
// All zeros: below any threshold but probability 1's (T = 0).
const KEPT_ID = '4bf92f3577b34da6a3ffffffffffffff';
const DROPPED_ID = '4bf92f3577b34da6a300000000000000';

function sampler(env: Record<string, string> = {}): CustomSampler {
  const { config, warnings } = parseConfig(env);
  expect(warnings).toEqual([]);
  return new CustomSampler(samplingPolicy(config), config.sampling.maxTracesPerSecond, DECISION, `CustomSampler{${config.sampler.name}}`);
}

function withParent(sampled: boolean, remote = true): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: remote,
  });
}

function decide(s: CustomSampler, ctx: Context, kind = SpanKind.SERVER, attributes: Record<string, string> = { 'url.path': '/orders', 'http.request.method': 'GET' }, traceId = KEPT_ID) {
  return s.shouldSample(ctx, traceId, 'span', kind, attributes, []).decision;
}

describe('samplingPolicy', () => {
  it.each([
    ['always_on', false, 1],
    ['always_off', false, 0],
    ['parentbased_always_on', true, 1],
    ['parentbased_always_off', true, 0],
    ['traceidratio', false, 0.3],
    ['parentbased_traceidratio', true, 0.3],
  ])('for %s: parent-based %s, root ratio %d', (name, parentBased, rootRatio) => {
    const policy = samplingPolicy(parseConfig({ OTEL_TRACES_SAMPLER: name, OTEL_TRACES_SAMPLER_ARG: '0.3' }).config);
    expect(policy.parentBased).toBe(parentBased);
    expect(policy.rootRatio).toBe(rootRatio);
    expect(policy.followParent).toEqual({ sampled: true, notSampled: false });
  });

  it('carries the health paths and rules of the configuration', () => {
    const policy = samplingPolicy(parseConfig({ CUSTOM_OTEL_HEALTH_PATHS: '/status', CUSTOM_OTEL_SAMPLING_RULES: '/api=0.5' }).config);
    expect([...policy.healthPaths]).toEqual(['/status']);
    expect(policy.rules).toEqual([{ method: undefined, pathPrefix: '/api', ratio: 0.5 }]);
  });
});

describe('CustomSampler', () => {
  it('follows a sampled or unsampled parent span context', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
    expect(decide(s, withParent(true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(s, withParent(false))).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(s, withParent(false, false), SpanKind.INTERNAL, {})).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }), withParent(true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('decides root spans by the configured sampler', () => {
    expect(decide(sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }), ROOT_CONTEXT)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }), ROOT_CONTEXT)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler({ OTEL_TRACES_SAMPLER: 'always_off' }), withParent(true))).toBe(SamplingDecision.NOT_RECORD);
    const ratio = sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' });
    expect(decide(ratio, ROOT_CONTEXT, SpanKind.SERVER, {}, KEPT_ID)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(ratio, ROOT_CONTEXT, SpanKind.SERVER, {}, DROPPED_ID)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('treats an invalid parent span context as no parent', () => {
    const invalid = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    expect(decide(sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }), invalid)).toBe(SamplingDecision.NOT_RECORD);
  });

  it('drops server health checks, from either HTTP convention, but not client calls to them', () => {
    const s = sampler();
    expect(decide(s, withParent(true), SpanKind.SERVER, { 'url.path': '/healthz' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(s, ROOT_CONTEXT, SpanKind.SERVER, { 'http.target': '/ready?verbose=1' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(s, ROOT_CONTEXT, SpanKind.CLIENT, { 'url.path': '/healthz' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('applies method rules to server spans using either method attribute', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'parentbased_always_on', CUSTOM_OTEL_SAMPLING_RULES: 'GET /static=0' });
    expect(decide(s, ROOT_CONTEXT, SpanKind.SERVER, { 'url.path': '/static/a.css', 'http.request.method': 'GET' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(s, ROOT_CONTEXT, SpanKind.SERVER, { 'http.target': '/static/a.css', 'http.method': 'GET' })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(s, ROOT_CONTEXT, SpanKind.SERVER, { 'url.path': '/static/a.css', 'http.request.method': 'POST' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    // Client spans carry no request path for the policy.
    expect(decide(s, ROOT_CONTEXT, SpanKind.CLIENT, { 'url.path': '/static/a.css', 'http.request.method': 'GET' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('caps new traces per second but never spans that follow their parent', () => {
    const s = sampler({ CUSTOM_OTEL_MAX_TRACES_PER_SECOND: '1' });
    expect(decide(s, ROOT_CONTEXT)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(s, ROOT_CONTEXT)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(s, withParent(true))).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('does not spend the cap on traces it would not sample', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5', CUSTOM_OTEL_MAX_TRACES_PER_SECOND: '1' });
    expect(decide(s, ROOT_CONTEXT, SpanKind.SERVER, {}, DROPPED_ID)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(s, ROOT_CONTEXT, SpanKind.SERVER, {}, KEPT_ID)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('returns frozen results and describes itself', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' });
    const result = s.shouldSample(ROOT_CONTEXT, KEPT_ID, 'span', SpanKind.INTERNAL, {}, []);
    expect(Object.isFrozen(result)).toBe(true);
    expect(s.toString()).toBe('CustomSampler{parentbased_traceidratio}');
    expect(String(s)).toBe('CustomSampler{parentbased_traceidratio}');
  });
});
