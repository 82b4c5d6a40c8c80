/**
 * What runs at the fixed offered load of one app: bare, ours and upstream on
 * every app, and ours with settings changed on the apps where they say
 * something (pure).
 */
import type { Variant } from './variants';

export interface FixedLoadCase {
  name: string;
  variant: Variant;
  /** Added to the variant's environment. */
  extraEnv: Record<string, string>;
  /** Spans the receiver must get from the server: some (instrumented), none (sampling off), any (bare: nothing to export to). */
  expectSpans: 'some' | 'none' | 'any';
}

/** Ours with no span recorded: what an unsampled request costs. */
export const ALWAYS_OFF = 'ours, always_off';
/** Ours with HTTP server spans made by upstream's instrumentation-http: what our diagnostics_channel path gains. */
export const UPSTREAM_HTTP = 'ours (upstream http)';
/** Both: what our path gains for a request that is not sampled. */
export const ALWAYS_OFF_UPSTREAM_HTTP = 'ours, always_off (upstream http)';

const BASE: FixedLoadCase[] = [
  { name: 'bare', variant: 'bare', extraEnv: {}, expectSpans: 'any' },
  { name: 'ours', variant: 'ours', extraEnv: {}, expectSpans: 'some' },
  { name: 'upstream', variant: 'upstream', extraEnv: {}, expectSpans: 'some' },
];

/** The further cases, each on a few apps only: every case costs a fixed-load run per round. */
const EXTRA: Array<{ apps: readonly string[]; case: FixedLoadCase }> = [
  { apps: ['http'], case: { name: ALWAYS_OFF, variant: 'ours', extraEnv: { OTEL_TRACES_SAMPLER: 'always_off' }, expectSpans: 'none' } },
  { apps: ['http', 'express'], case: { name: UPSTREAM_HTTP, variant: 'ours', extraEnv: { CUSTOM_OTEL_HTTP_INSTRUMENTATION: 'upstream' }, expectSpans: 'some' } },
  {
    apps: ['http'],
    case: { name: ALWAYS_OFF_UPSTREAM_HTTP, variant: 'ours', extraEnv: { OTEL_TRACES_SAMPLER: 'always_off', CUSTOM_OTEL_HTTP_INSTRUMENTATION: 'upstream' }, expectSpans: 'none' },
  },
];

/** The further cases, in the order the report shows them. */
export const EXTRA_CASES: readonly FixedLoadCase[] = EXTRA.map((extra) => extra.case);

/** What a case changes, for the report: `ours with OTEL_TRACES_SAMPLER=always_off`. */
export function describeCase(fixedLoadCase: FixedLoadCase): string {
  const env = Object.entries(fixedLoadCase.extraEnv).map(([name, value]) => `${name}=${value}`);
  return env.length === 0 ? fixedLoadCase.variant : `${fixedLoadCase.variant} with ${env.join(', ')}`;
}

export function fixedLoadCases(app: string): FixedLoadCase[] {
  return [...BASE, ...EXTRA.filter((extra) => extra.apps.includes(app)).map((extra) => extra.case)];
}
