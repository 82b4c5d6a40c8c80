/**
 * The sampling policy as a pure function: health checks out, then the
 * parent's decision (parent-based samplers), then path rules, then the
 * configured ratio; the rate cap applies last, to new traces only.
 */
import type { HealthPaths } from './health-paths';
import { matchSamplingRule, type SamplingRule } from './sampling-rules';

export interface SamplingPolicy {
  healthPaths: HealthPaths;
  parentBased: boolean;
  /** Ratio for root spans no rule matches (always_on = 1, always_off = 0). */
  rootRatio: number;
  /** What a sampled / unsampled parent means for parent-based samplers. */
  followParent: { sampled: boolean; notSampled: boolean };
  rules: readonly SamplingRule[];
}

export interface SamplingInput {
  isServer: boolean;
  /**
   * Method and path of an HTTP request, when the span describes one. The path
   * may go on with `?` and the query (http.target), which the decision ignores.
   */
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

/** The few outcomes there are, made once: deciding allocates nothing. */
function outcome(sample: boolean, verdict: Verdict, newTrace: boolean): SamplingOutcome {
  return Object.freeze({ sample, verdict, newTrace });
}
const HEALTH_CHECK = outcome(false, 'drop-health-check', false);
const FOLLOW_PARENT = { sampled: outcome(true, 'follow-parent', false), notSampled: outcome(false, 'follow-parent', false) };
const BY_RULE = { sampled: outcome(true, 'rule', true), notSampled: outcome(false, 'rule', true) };
const BY_RATIO = { sampled: outcome(true, 'ratio', true), notSampled: outcome(false, 'ratio', true) };

export function decideSampling(input: SamplingInput, policy: SamplingPolicy): SamplingOutcome {
  const { path } = input;
  const query = path === undefined ? -1 : path.indexOf('?');
  if (input.isServer && path !== undefined && policy.healthPaths.matches(path, query < 0 ? path.length : query)) return HEALTH_CHECK;
  if (policy.parentBased && input.parentSampled !== undefined) {
    const sample = input.parentSampled ? policy.followParent.sampled : policy.followParent.notSampled;
    return sample ? FOLLOW_PARENT.sampled : FOLLOW_PARENT.notSampled;
  }
  const rule = path === undefined || policy.rules.length === 0 ? undefined : matchSamplingRule(policy.rules, input.method, query < 0 ? path : path.slice(0, query));
  if (rule) return traceIdBelowRatio(input.traceId, rule.ratio) ? BY_RULE.sampled : BY_RULE.notSampled;
  return traceIdBelowRatio(input.traceId, policy.rootRatio) ? BY_RATIO.sampled : BY_RATIO.notSampled;
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

/**
 * Path of a request from either semantic convention: url.path, or else
 * http.target, whose query is left on (decideSampling ignores it) so that no
 * substring is made per span.
 */
export function requestPath(attributes: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!attributes) return undefined;
  const path = attributes['url.path'];
  if (typeof path === 'string') return path;
  const target = attributes['http.target'];
  return typeof target === 'string' ? target : undefined;
}

export function requestMethod(attributes: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const method = attributes?.['http.request.method'] ?? attributes?.['http.method'];
  return typeof method === 'string' ? method : undefined;
}
