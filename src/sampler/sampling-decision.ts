/**
 * The sampling policy as a pure function: health checks out, then the
 * parent's decision (parent-based samplers), then path rules, then the
 * configured ratio; the rate cap applies last, to new traces only. Rules and
 * the ratio decide by consistent probability (./consistent-probability.ts),
 * and the outcome says what becomes of the `th` in the `ot` tracestate entry.
 */
import type { HealthPaths } from './health-paths';
import { matchSamplingRule, type SamplingRule } from './sampling-rules';
import {
  keeps,
  parentThresholdHolds,
  parseOtEntry,
  probabilityThreshold,
  randomnessOf,
  traceIdKeeps,
  type Threshold,
} from './consistent-probability';

export interface SamplingPolicy {
  healthPaths: HealthPaths;
  parentBased: boolean;
  /** Ratio for root spans no rule matches (always_on = 1, always_off = 0). */
  rootRatio: number;
  /**
   * Whether that ratio is a probability sampler's (`traceidratio`), whose
   * kept spans carry `th`; always_on and always_off set no threshold, as
   * upstream's samplers of those names do.
   */
  rootByProbability: boolean;
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
  /** The `ot` entry of the parent's tracestate, when it has one. */
  parentOt?: string | undefined;
  traceId: string;
}

export type Verdict = 'drop-health-check' | 'follow-parent' | 'rule' | 'ratio';

/**
 * What the span's `ot` tracestate entry gets: the parent's tracestate as it is
 * ('keep'; none for a root span), the parent's with `th` erased ('erase'), or
 * `th` of this threshold, every other entry and sub-key kept.
 */
export type OtAction = 'keep' | 'erase' | Threshold;

export interface SamplingOutcome {
  sample: boolean;
  verdict: Verdict;
  /** True when this is a new trace that the rate cap must still admit. */
  newTrace: boolean;
  ot: OtAction;
  /** For a new trace: the probability it was decided with (1 for always_on and always_off). */
  ratio: number;
}

/** The few outcomes there are, made once (per ratio for sampled ones): deciding allocates nothing. */
function outcome(sample: boolean, verdict: Verdict, newTrace: boolean, ot: OtAction, ratio = 1): SamplingOutcome {
  return Object.freeze({ sample, verdict, newTrace, ot, ratio });
}
// A span not kept carries no `th`, as upstream's composite sampler does: it describes no kept span.
const HEALTH_CHECK = outcome(false, 'drop-health-check', false, 'erase');
const FOLLOW_PARENT = {
  sampled: outcome(true, 'follow-parent', false, 'keep'),
  inconsistent: outcome(true, 'follow-parent', false, 'erase'),
  notSampled: outcome(false, 'follow-parent', false, 'erase'),
};
const NOT_BY_RULE = outcome(false, 'rule', true, 'erase');
const NOT_BY_RATIO = outcome(false, 'ratio', true, 'erase');
// always_on keeps a span whatever its parent's threshold said: that `th` would misstate it.
const ALWAYS = { on: outcome(true, 'ratio', true, 'erase'), off: outcome(false, 'ratio', true, 'erase') };

interface ConsistentRatio {
  threshold: Threshold | undefined;
  byRule: SamplingOutcome;
  byRatio: SamplingOutcome;
}
/** Per ratio: its threshold and sampled outcomes. Ratios come from the configuration, so few. */
const consistentRatios = new Map<number, ConsistentRatio>();
function consistentRatio(ratio: number): ConsistentRatio {
  let found = consistentRatios.get(ratio);
  if (!found) {
    const threshold = probabilityThreshold(ratio);
    const ot = threshold ?? 'erase';
    found = { threshold, byRule: outcome(true, 'rule', true, ot, ratio), byRatio: outcome(true, 'ratio', true, ot, ratio) };
    consistentRatios.set(ratio, found);
  }
  return found;
}

export function decideSampling(input: SamplingInput, policy: SamplingPolicy): SamplingOutcome {
  const { path } = input;
  const query = path === undefined ? -1 : path.indexOf('?');
  if (input.isServer && path !== undefined && policy.healthPaths.matches(path, query < 0 ? path.length : query)) return HEALTH_CHECK;
  if (policy.parentBased && input.parentSampled !== undefined) {
    const sample = input.parentSampled ? policy.followParent.sampled : policy.followParent.notSampled;
    if (!sample) return FOLLOW_PARENT.notSampled;
    // A sampled parent's `th` goes on unless it is invalid or contradicts the randomness (spec: erase it then).
    if (input.parentOt === undefined || !input.parentSampled) return FOLLOW_PARENT.sampled;
    return parentThresholdHolds(input.traceId, parseOtEntry(input.parentOt)) ? FOLLOW_PARENT.sampled : FOLLOW_PARENT.inconsistent;
  }
  const rule = path === undefined || policy.rules.length === 0 ? undefined : matchSamplingRule(policy.rules, input.method, query < 0 ? path : path.slice(0, query));
  if (rule) return ratioKeeps(input.traceId, input.parentOt, rule.ratio) ? consistentRatio(rule.ratio).byRule : NOT_BY_RULE;
  if (!policy.rootByProbability) return policy.rootRatio >= 1 ? ALWAYS.on : ALWAYS.off;
  return ratioKeeps(input.traceId, input.parentOt, policy.rootRatio) ? consistentRatio(policy.rootRatio).byRatio : NOT_BY_RATIO;
}

/**
 * A new trace that `outcome` keeps, under the rate cap's share q
 * (./cap-probability.ts): kept when it is also kept at probability ratio·q,
 * with that probability's threshold. q < 1 only.
 */
export function decideUnderCap(outcome: SamplingOutcome, q: number, input: Pick<SamplingInput, 'traceId' | 'parentOt'>): SamplingOutcome {
  const ratio = outcome.ratio * q;
  if (!ratioKeeps(input.traceId, input.parentOt, ratio)) return outcome.verdict === 'rule' ? NOT_BY_RULE : NOT_BY_RATIO;
  const consistent = consistentRatio(ratio);
  return outcome.verdict === 'rule' ? consistent.byRule : consistent.byRatio;
}

/**
 * Whether a span is kept with probability `ratio`: R ≥ T, with R the `rv` of
 * the `ot` entry when valid, else the trace id's low 56 bits. Deterministic, so
 * every service that samples the same trace with this ratio or more keeps it.
 */
export function ratioKeeps(traceId: string, ot: string | undefined, ratio: number): boolean {
  const threshold = consistentRatio(ratio).threshold;
  if (!threshold) return false;
  if (ot === undefined) return traceIdKeeps(traceId, threshold);
  const randomness = randomnessOf(traceId, parseOtEntry(ot));
  return randomness !== undefined && keeps(randomness, threshold);
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
