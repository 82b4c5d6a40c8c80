/** The sampler the SDK calls: adapts its arguments to the pure sampling policy. */
import { SpanKind, trace, TraceFlags, isSpanContextValid, type Attributes, type Context, type Link } from '@opentelemetry/api';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base';
import type { DistributionConfig } from '../config/config';
import { decideSampling, requestMethod, requestPath, type SamplingPolicy } from './sampling-decision';
import { HealthPaths } from './health-paths';
import { RateLimiter } from './rate-limiter';

export function samplingPolicy(config: Pick<DistributionConfig, 'sampler' | 'sampling'>): SamplingPolicy {
  const name = config.sampler.name;
  const rootRatio = name.endsWith('always_off') ? 0 : name.endsWith('traceidratio') ? config.sampler.ratio : 1;
  return {
    healthPaths: new HealthPaths(config.sampling.healthPaths),
    parentBased: name.startsWith('parentbased_'),
    rootRatio,
    followParent: { sampled: true, notSampled: false },
    rules: config.sampling.rules,
  };
}

export class CustomSampler implements Sampler {
  private readonly limiter: RateLimiter | undefined;
  private readonly notSampled: SamplingResult;
  private readonly sampled: SamplingResult;

  constructor(
    private readonly policy: SamplingPolicy,
    maxTracesPerSecond: number,
    decision: { notRecord: number; recordAndSample: number },
    private readonly description: string,
  ) {
    this.limiter = maxTracesPerSecond > 0 ? new RateLimiter(maxTracesPerSecond) : undefined;
    this.notSampled = Object.freeze({ decision: decision.notRecord }) as SamplingResult;
    this.sampled = Object.freeze({ decision: decision.recordAndSample }) as SamplingResult;
  }

  shouldSample(context: Context, traceId: string, _name: string, kind: SpanKind, attributes: Attributes, _links: Link[]): SamplingResult {
    const parent = trace.getSpanContext(context);
    const isServer = kind === SpanKind.SERVER;
    const outcome = decideSampling(
      {
        isServer,
        method: isServer ? requestMethod(attributes) : undefined,
        path: isServer ? requestPath(attributes) : undefined,
        parentSampled: parent && isSpanContextValid(parent) ? (parent.traceFlags & TraceFlags.SAMPLED) !== 0 : undefined,
        traceId,
      },
      this.policy,
    );
    if (outcome.sample && outcome.newTrace && this.limiter && !this.limiter.tryTake()) return this.notSampled;
    return outcome.sample ? this.sampled : this.notSampled;
  }

  toString(): string {
    return this.description;
  }
}
