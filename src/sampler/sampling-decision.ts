/**
 * The sampling policy as a pure function: health checks out, then the
 * parent's decision (parent-based samplers), then path rules, then the
 * configured ratio; the rate cap applies last, to new traces only.
 */
import { matchSamplingRule, type SamplingRule } from './sampling-rules';

export interface SamplingPolicy {
  healthPaths: ReadonlySet<string>;
  parentBased: boolean;
  /** Ratio for root spans no rule matches (always_on = 1, always_off = 0). */
  rootRatio: number;
  /** What a sampled / unsampled parent means for parent-based samplers. */
  followParent: { sampled: boolean; notSampled: boolean };
  rules: readonly SamplingRule[];
}

export interface SamplingInput {
  isServer: boolean;
  /** Method and path of an HTTP request, when the span describes one. */
  method: string | undefined;
  path: string | undefined;
  /** undefined: no valid parent; otherwise whether the parent was sampled. */
  parentSampled: boolean | undefined;
  traceId: string;
}

export type Verdict = 'drop-health-check' | 'follow-parent' | 'rule' | 'ratio';

export interface SamplingOutcome {
  sample: boolean;
  verdict: Verdict;
  /** True when this is a new trace that the rate cap must still admit. */
  newTrace: boolean;
}

export function decideSampling(input: SamplingInput, policy: SamplingPolicy): SamplingOutcome {
  if (input.isServer && input.path !== undefined && policy.healthPaths.has(input.path)) {
    return { sample: false, verdict: 'drop-health-check', newTrace: false };
  }
  if (policy.parentBased && input.parentSampled !== undefined) {
    const sample = input.parentSampled ? policy.followParent.sampled : policy.followParent.notSampled;
    return { sample, verdict: 'follow-parent', newTrace: false };
  }
  const rule = input.path === undefined ? undefined : matchSamplingRule(policy.rules, input.method, input.path);
  const ratio = rule ? rule.ratio : policy.rootRatio;
  return { sample: traceIdBelowRatio(input.traceId, ratio), verdict: rule ? 'rule' : 'ratio', newTrace: true };
}

/**
 * Deterministic in the trace id, so every service that samples the same trace
 * by ratio agrees. Uses the last 8 hex digits, which W3C trace ids keep random.
 */
export function traceIdBelowRatio(traceId: string, ratio: number): boolean {
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  const tail = parseInt(traceId.slice(-8), 16);
  return Number.isFinite(tail) && tail < ratio * 0x100000000;
}

/** Path of a request from either semantic convention: url.path, or http.target without its query. */
export function requestPath(attributes: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!attributes) return undefined;
  const path = attributes['url.path'];
  if (typeof path === 'string') return path;
  const target = attributes['http.target'];
  if (typeof target !== 'string') return undefined;
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}

export function requestMethod(attributes: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const method = attributes?.['http.request.method'] ?? attributes?.['http.method'];
  return typeof method === 'string' ? method : undefined;
}
