/**
 * Consistent probability sampling through the real SDK (the 2.x line used in
 * development): our sampler and span processor in a BasicTracerProvider, and
 * the same decisions compared with upstream's @opentelemetry/sampler-composite.
 * The process-level test on every line is test/matrix/consistent-sampling.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createTraceState, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CustomSampler, samplingPolicy } from '../../src/sampler/custom-sampler';
import { CustomSpanProcessor } from '../../src/processor/span-processor';
import { parseConfig } from '../../src/config/config';
import { Diagnostics } from '../../src/diagnostics';
import { randomHex, seededRandom, testSeed } from './support/seeded-random';

const DECISION = { notRecord: SamplingDecision.NOT_RECORD, recordAndSample: SamplingDecision.RECORD_AND_SAMPLED };
const ID_OF_R = (r: string) => `0af7651916cd43dd84${r}`;

function sampler(env: Record<string, string>): CustomSampler {
  const { config, warnings } = parseConfig(env);
  expect(warnings).toEqual([]);
  return new CustomSampler(samplingPolicy(config), config.sampling.maxTracesPerSecond, DECISION, 'test');
}

function pipeline(env: Record<string, string>) {
  const { config } = parseConfig(env);
  const memory = new InMemorySpanExporter();
  const processor = new CustomSpanProcessor(new SimpleSpanProcessor(memory), config.processor, '1.0.0', new Diagnostics(() => undefined));
  const provider = new BasicTracerProvider({ sampler: sampler(env), spanProcessors: [processor] });
  return { tracer: provider.getTracer('consistent'), memory };
}

function remoteParent(traceId: string, sampled: boolean, tracestate?: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: 'b7ad6b7169203331',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
    traceState: tracestate === undefined ? undefined : createTraceState(tracestate),
  });
}

function decide(s: CustomSampler, ctx: Context, traceId: string) {
  const result = s.shouldSample(ctx, traceId, 'span', SpanKind.SERVER, { 'url.path': '/orders', 'http.request.method': 'GET' }, []);
  return { sampled: result.decision === SamplingDecision.RECORD_AND_SAMPLED, tracestate: result.traceState?.serialize() };
}

describe('root spans at ratio 0.25 through the SDK', () => {
  it('samples 25 % ± 1.5 % of 20,000, each kept one with ot=th:c, the random flag and R ≥ 0xc0000000000000', () => {
    const { tracer, memory } = pipeline({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    const total = 20_000;
    let recording = 0;
    for (let i = 0; i < total; i++) {
      const span = tracer.startSpan('root', { kind: SpanKind.SERVER });
      if (span.isRecording()) recording++;
      else expect(span.spanContext().traceState).toBeUndefined();
      span.end();
    }
    const spans = memory.getFinishedSpans();
    expect(spans.length).toBe(recording);
    expect(Math.abs(spans.length / total - 0.25), `${spans.length} of ${total} sampled`).toBeLessThanOrEqual(0.015);
    for (const span of spans) {
      const ctx = span.spanContext();
      expect(ctx.traceState?.serialize()).toBe('ot=th:c');
      expect(ctx.traceFlags).toBe(TraceFlags.SAMPLED | 0x02);
      expect(BigInt(`0x${ctx.traceId.slice(-14)}`) >= 0xc0000000000000n, ctx.traceId).toBe(true);
    }
  });

  it('children in the process inherit the threshold and the random flag', () => {
    const { tracer, memory } = pipeline({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' });
    for (let i = 0; i < 50; i++) {
      const root = tracer.startSpan('root');
      const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
      expect(child.isRecording()).toBe(root.isRecording());
      child.end();
      root.end();
    }
    const spans = memory.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) {
      expect(span.spanContext().traceState?.serialize()).toBe('ot=th:8');
      expect(span.spanContext().traceFlags).toBe(0x03);
    }
  });

  it('always_on marks no threshold (only probability samplers do), but sets the random flag', () => {
    const { tracer, memory } = pipeline({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
    tracer.startSpan('root').end();
    const [span] = memory.getFinishedSpans();
    expect(span!.spanContext().traceState).toBeUndefined();
    expect(span!.spanContext().traceFlags).toBe(0x03);
  });

  it('a child of a remote parent without the random flag gets none', () => {
    const { tracer, memory } = pipeline({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' });
    tracer.startSpan('child', {}, remoteParent(ID_OF_R('c0000000000000'), true)).end();
    tracer.startSpan('child', {}, trace.setSpanContext(ROOT_CONTEXT, { ...trace.getSpanContext(remoteParent(ID_OF_R('c0000000000000'), true))!, traceFlags: 0x03 })).end();
    expect(memory.getFinishedSpans().map((s) => s.spanContext().traceFlags)).toEqual([0x01, 0x03]);
  });
});

describe('fixed trace ids on both sides of the threshold', () => {
  it.each([
    ['0.25', 'c0000000000000', 'bfffffffffffff', 'c'],
    ['0.5', '80000000000000', '7fffffffffffff', '8'],
    ['0.1', 'e6666666666666', 'e6666666666665', 'e6666666666666'],
    ['1', '00000000000000', undefined, '0'],
  ])('at %s: R = T is kept, R = T − 1 is not', (ratio, atT, belowT, th) => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio });
    expect(decide(s, ROOT_CONTEXT, ID_OF_R(atT))).toEqual({ sampled: true, tracestate: `ot=th:${th}` });
    if (belowT) expect(decide(s, ROOT_CONTEXT, ID_OF_R(belowT))).toEqual({ sampled: false, tracestate: undefined });
  });

  it('at 0 nothing is sampled and no threshold is written', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    expect(decide(s, ROOT_CONTEXT, ID_OF_R('ffffffffffffff'))).toEqual({ sampled: false, tracestate: undefined });
  });
});

describe('tracestate from the parent', () => {
  const parentBased = () => sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' });

  it('keeps a sampled parent’s th, its rv, other ot sub-keys and other entries', () => {
    const tracestate = 'vendor=abc,ot=th:c;rv:ffffffffffffff;k1:13,other=1';
    expect(decide(parentBased(), remoteParent(ID_OF_R('00000000000000'), true, tracestate), ID_OF_R('00000000000000'))).toEqual({ sampled: true, tracestate: undefined });
    // undefined: the SDK gives the child the parent's tracestate as it is.
  });

  it('gives no th when the parent has none, whatever our ratio', () => {
    expect(decide(parentBased(), remoteParent(ID_OF_R('ffffffffffffff'), true, 'vendor=abc'), ID_OF_R('ffffffffffffff'))).toEqual({ sampled: true, tracestate: undefined });
    expect(decide(parentBased(), remoteParent(ID_OF_R('ffffffffffffff'), true), ID_OF_R('ffffffffffffff'))).toEqual({ sampled: true, tracestate: undefined });
  });

  it('erases a sampled parent’s th that contradicts the randomness, or is not a threshold, keeping the rest', () => {
    const inconsistent = 'vendor=abc,ot=th:c;k1:13';
    expect(decide(parentBased(), remoteParent(ID_OF_R('bfffffffffffff'), true, inconsistent), ID_OF_R('bfffffffffffff'))).toEqual({ sampled: true, tracestate: 'ot=k1:13,vendor=abc' });
    expect(decide(parentBased(), remoteParent(ID_OF_R('ffffffffffffff'), true, 'ot=th:zz'), ID_OF_R('ffffffffffffff'))).toEqual({ sampled: true, tracestate: '' });
    expect(decide(parentBased(), remoteParent(ID_OF_R('ffffffffffffff'), true, 'ot=th:fffffffffffffff;rv:ffffffffffffff'), ID_OF_R('ffffffffffffff'))).toEqual({
      sampled: true,
      tracestate: 'ot=rv:ffffffffffffff',
    });
  });

  it('erases th when the span is not sampled', () => {
    expect(decide(parentBased(), remoteParent(ID_OF_R('00000000000000'), false, 'ot=th:c;rv:00000000000000,x=y'), ID_OF_R('00000000000000'))).toEqual({
      sampled: false,
      tracestate: 'ot=rv:00000000000000,x=y',
    });
  });

  it('traceidratio decides by rv over the trace id, keeps rv and writes its own th', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    // The trace id alone would be dropped (R = 0); rv says keep.
    expect(decide(s, remoteParent(ID_OF_R('00000000000000'), true, 'ot=rv:c0000000000000;th:8,x=y'), ID_OF_R('00000000000000'))).toEqual({
      sampled: true,
      tracestate: 'ot=th:c;rv:c0000000000000,x=y',
    });
    // The trace id alone would be kept; rv says drop.
    expect(decide(s, remoteParent(ID_OF_R('ffffffffffffff'), true, 'ot=rv:bfffffffffffff'), ID_OF_R('ffffffffffffff')).sampled).toBe(false);
    // An rv of the wrong length is ignored: the trace id decides.
    expect(decide(s, remoteParent(ID_OF_R('ffffffffffffff'), true, 'ot=rv:00'), ID_OF_R('ffffffffffffff'))).toEqual({ sampled: true, tracestate: 'ot=th:c;rv:00' });
  });
});

describe('presuming the trace id random under a parent', () => {
  function warned(env: Record<string, string>, parents: Context[]): string[] {
    const { config } = parseConfig(env);
    const lines: string[] = [];
    const s = new CustomSampler(samplingPolicy(config), 0, DECISION, 'test', undefined, (message) => lines.push(message));
    for (const parent of parents) decide(s, parent, ID_OF_R('ffffffffffffff'));
    return lines;
  }
  const ratio = { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' };
  const flagged = trace.setSpanContext(ROOT_CONTEXT, { ...trace.getSpanContext(remoteParent(ID_OF_R('ffffffffffffff'), true))!, traceFlags: 0x03 });

  it('is warned about once, when the parent has neither the random flag nor an rv (spec: migration)', () => {
    const plain = remoteParent(ID_OF_R('ffffffffffffff'), true);
    const lines = warned(ratio, [plain, plain, plain]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/neither the W3C random trace flag nor an rv/);
  });

  it('is not warned about for a parent with the random flag or an rv, nor under parent-based samplers, nor for roots', () => {
    expect(warned(ratio, [flagged, remoteParent(ID_OF_R('ffffffffffffff'), true, 'ot=rv:ffffffffffffff'), ROOT_CONTEXT])).toEqual([]);
    expect(warned({ ...ratio, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' }, [remoteParent(ID_OF_R('ffffffffffffff'), true)])).toEqual([]);
    expect(warned({ OTEL_TRACES_SAMPLER: 'always_on' }, [remoteParent(ID_OF_R('ffffffffffffff'), true)])).toEqual([]);
  });
});

describe('rules of ours', () => {
  it('write their own ratio’s threshold for root spans', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25', CUSTOM_OTEL_SAMPLING_RULES: '/orders=0.5' });
    expect(decide(s, ROOT_CONTEXT, ID_OF_R('80000000000000'))).toEqual({ sampled: true, tracestate: 'ot=th:8' });
    expect(decide(s, ROOT_CONTEXT, ID_OF_R('7fffffffffffff'))).toEqual({ sampled: false, tracestate: undefined });
  });

  it('under a parent-based sampler, leave a parent’s decision and th alone', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25', CUSTOM_OTEL_SAMPLING_RULES: '/orders=0.5' });
    expect(decide(s, remoteParent(ID_OF_R('f0000000000000'), true, 'ot=th:e'), ID_OF_R('f0000000000000'))).toEqual({ sampled: true, tracestate: undefined });
  });

  it('under traceidratio, decide independently of the parent and write their own th (spec: independent parent/child threshold)', () => {
    const s = sampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25', CUSTOM_OTEL_SAMPLING_RULES: '/orders=0.5' });
    expect(decide(s, remoteParent(ID_OF_R('f0000000000000'), true, 'ot=th:e'), ID_OF_R('f0000000000000'))).toEqual({ sampled: true, tracestate: 'ot=th:8' });
    // Kept by the parent's 1/8 but not by our 1/2 cannot happen: R ≥ e… implies R ≥ 8…. The reverse can.
    expect(decide(s, remoteParent(ID_OF_R('90000000000000'), false, 'ot=rv:90000000000000'), ID_OF_R('90000000000000'))).toEqual({
      sampled: true,
      tracestate: 'ot=th:8;rv:90000000000000',
    });
  });
});

describe('agreement with @opentelemetry/sampler-composite', () => {
  it('decides and writes ot as upstream’s ParentThreshold(Probability) does, over random ids, ratios and parents', () => {
    const composite = require('@opentelemetry/sampler-composite');
    const seed = testSeed();
    const random = seededRandom(seed);
    for (const ratio of [0.25, 0.1, 1 / 3, 0.9, 0.001, 1]) {
      const ours = sampler({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) });
      const upstream = composite.createCompositeSampler(composite.createComposableParentThresholdSampler(composite.createComposableProbabilitySampler(ratio)));
      for (let i = 0; i < 1500; i++) {
        const traceId = randomHex(random, 32);
        let ctx: Context = ROOT_CONTEXT;
        const kind = Math.floor(random() * 4);
        if (kind > 0) {
          // A parent as a consistent upstream service makes it: its own threshold, sampled exactly when R ≥ T.
          const parentRatio = [0.5, 0.25, 0.01][Math.floor(random() * 3)]!;
          const th = { 0.5: '8', 0.25: 'c', 0.01: 'fd70a3d70a3d71' }[parentRatio]!;
          const sampled = BigInt(`0x${traceId.slice(-14)}`) >= BigInt(`0x${th.padEnd(14, '0')}`);
          const tracestate = kind === 1 ? undefined : kind === 2 ? `ot=th:${th},vendor=v1` : `ot=th:${th};k1:13`;
          ctx = remoteParent(traceId, sampled, sampled ? tracestate : kind === 3 ? tracestate : undefined);
        }
        const mine = ours.shouldSample(ctx, traceId, 'span', SpanKind.INTERNAL, {}, []);
        const theirs = upstream.shouldSample(ctx, traceId, 'span', SpanKind.INTERNAL, {}, []);
        const label = `ratio ${ratio}, trace ${traceId}, parent ${trace.getSpanContext(ctx)?.traceState?.serialize()} (seed ${seed})`;
        expect(mine.decision === SamplingDecision.RECORD_AND_SAMPLED, label).toBe(theirs.decision === SamplingDecision.RECORD_AND_SAMPLED);
        // Ours leaves the parent's tracestate to the SDK when nothing changes (result without one).
        const effective = (result: { traceState?: { get(key: string): string | undefined } }) =>
          (result.traceState ?? trace.getSpanContext(ctx)?.traceState)?.get('ot') || undefined;
        expect(effective(mine), label).toBe(effective(theirs));
      }
    }
  });
});
