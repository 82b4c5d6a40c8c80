/**
 * The sampler the SDK calls: adapts its arguments to the pure sampling policy
 * (./sampling-decision.ts), applies the rate cap, and turns the outcome's
 * `ot` action into the span's tracestate (none when the parent's stays).
 */
import type { Attributes, Context, Link, TraceState } from '@opentelemetry/api';
import { SpanKind, trace, TraceFlags, createTraceState, isSpanContextValid } from '../otel-api';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base';
import type { DistributionConfig } from '../config/config';
import { decideSampling, decideUnderCap, requestMethod, requestPath, type SamplingOutcome, type SamplingPolicy } from './sampling-decision';
import { CapProbability } from './cap-probability';
import { otEntryWithThreshold, parseOtEntry, parseRandomness, type Threshold } from './consistent-probability';
import { RANDOM_TRACE_FLAG } from './random-trace-flag';
import { HealthPaths } from './health-paths';
import { RateLimiter } from './rate-limiter';

export function samplingPolicy(config: Pick<DistributionConfig, 'sampler' | 'sampling'>): SamplingPolicy {
  const name = config.sampler.name;
  const rootRatio = name.endsWith('always_off') ? 0 : name.endsWith('traceidratio') ? config.sampler.ratio : 1;
  return {
    healthPaths: new HealthPaths(config.sampling.healthPaths),
    parentBased: name.startsWith('parentbased_'),
    rootRatio,
    rootByProbability: name.endsWith('traceidratio'),
    followParent: { sampled: true, notSampled: false },
    rules: config.sampling.rules,
  };
}

export class CustomSampler implements Sampler {
  private readonly limiter: RateLimiter | undefined;
  private readonly capProbability: CapProbability | undefined;
  private readonly notSampled: SamplingResult;
  private readonly sampled: SamplingResult;
  private presumedRandomness = false;
  /** Per threshold: the result for a sampled root span, its tracestate made once. */
  private readonly sampledRoots = new Map<Threshold, SamplingResult>();

  constructor(
    private readonly policy: SamplingPolicy,
    maxTracesPerSecond: number,
    decision: { notRecord: number; recordAndSample: number },
    private readonly description: string,
    now: () => number = () => performance.now(),
    /** Told once when a ratio decides a span under a parent whose trace id may not be random (spec: migration warning). */
    private readonly warnOnce: (message: string) => void = () => undefined,
  ) {
    this.limiter = maxTracesPerSecond > 0 ? new RateLimiter(maxTracesPerSecond, now) : undefined;
    this.capProbability = maxTracesPerSecond > 0 ? new CapProbability(maxTracesPerSecond, now) : undefined;
    this.notSampled = Object.freeze({ decision: decision.notRecord }) as SamplingResult;
    this.sampled = Object.freeze({ decision: decision.recordAndSample }) as SamplingResult;
  }

  shouldSample(context: Context, traceId: string, _name: string, kind: SpanKind, attributes: Attributes, _links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(context);
    const validParent = parent !== undefined && isSpanContextValid(parent);
    const parentTraceState = validParent ? parent.traceState : undefined;
    const parentOt = parentTraceState?.get('ot');
    const isServer = kind === SpanKind.SERVER;
    let outcome = decideSampling(
      {
        isServer,
        method: isServer ? requestMethod(attributes) : undefined,
        path: isServer ? requestPath(attributes) : undefined,
        parentSampled: validParent ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0 : undefined,
        parentOt,
        traceId,
      },
      this.policy,
    );
    if (validParent && outcome.newTrace && !this.presumedRandomness) this.checkRandomness(outcome, parent.traceFlags, parentOt);
    if (outcome.sample && outcome.newTrace && this.capProbability) {
      const q = this.capProbability.admit();
      if (q < 1) outcome = decideUnderCap(outcome, q, { traceId, parentOt });
      // The bucket bounds what a burst gets through before q adapts.
      if (outcome.sample && !this.limiter!.tryTake()) return this.result(false, outcome, parentTraceState, parentOt);
    }
    return this.result(outcome.sample, outcome, parentTraceState, parentOt);
  }

  /**
   * A ratio under a parent (traceidratio, not parent-based) reads the trace
   * id's low 56 bits as random; a parent without the W3C random flag and
   * without `rv` does not promise that (an older SDK may have made the id).
   */
  private checkRandomness(outcome: SamplingOutcome, parentFlags: number, parentOt: string | undefined): void {
    if (outcome.verdict !== 'rule' && !this.policy.rootByProbability) return;
    if ((parentFlags & RANDOM_TRACE_FLAG) !== 0) return;
    const rv = parseOtEntry(parentOt).rv;
    if (rv !== undefined && parseRandomness(rv)) return;
    this.presumedRandomness = true;
    this.warnOnce(
      'a sampling ratio decided a span whose parent has neither the W3C random trace flag nor an rv in its tracestate: its trace id is taken as random, which services on older SDKs may not guarantee (use a parentbased_ sampler to follow the parent instead)',
    );
  }

  /** The SDK keeps the parent's tracestate when a result has none: only a changed `ot` entry makes a new one. */
  private result(sample: boolean, outcome: SamplingOutcome, parentTraceState: TraceState | undefined, parentOt: string | undefined): SamplingResult {
    const plain = sample ? this.sampled : this.notSampled;
    // The rate cap may refuse a trace its outcome kept.
    const ot = sample ? outcome.ot : 'erase';
    if (ot === 'keep') return plain;
    if (ot === 'erase') {
      if (parentOt === undefined || !parentOt.includes('th:')) return plain;
      const rest = otEntryWithThreshold(parseOtEntry(parentOt), undefined);
      return { decision: plain.decision, traceState: rest ? parentTraceState!.set('ot', rest) : parentTraceState!.unset('ot') };
    }
    if (parentTraceState === undefined) return this.sampledRoot(ot);
    return { decision: plain.decision, traceState: parentTraceState.set('ot', otEntryWithThreshold(parseOtEntry(parentOt), ot.th)) };
  }

  private sampledRoot(threshold: Threshold): SamplingResult {
    let found = this.sampledRoots.get(threshold);
    if (!found) {
      found = Object.freeze({ decision: this.sampled.decision, traceState: createTraceState(`ot=th:${threshold.th}`) });
      this.sampledRoots.set(threshold, found);
    }
    return found;
  }

  toString(): string {
    return this.description;
  }
}
