import type { EnvReader } from '../config/env-reader';
import { listSetting, numberSetting, oneOfSetting, readRules, readSetting, rulesSetting } from '../config/setting';
import { parseSamplingRules, type SamplingRule } from './sampling-rules';

export const TRACES_SAMPLER = oneOfSetting(
  'OTEL_TRACES_SAMPLER',
  ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const,
  'parentbased_always_on',
  { doc: 'the sampler for spans not decided by the rules below' },
);
export const TRACES_SAMPLER_ARG = numberSetting('OTEL_TRACES_SAMPLER_ARG', 1, { min: 0, max: 1, fractional: true }, { doc: 'the ratio of the `traceidratio` samplers (read only for them); kept spans carry `ot=th:<threshold>` in `tracestate`' });
export const HEALTH_PATHS = listSetting('CUSTOM_OTEL_HEALTH_PATHS', ['/health', '/healthz', '/ready', '/readyz', '/live', '/livez', '/ping'], {
  doc: 'server requests to these paths are not sampled',
});
export const SAMPLING_RULES = rulesSetting('CUSTOM_OTEL_SAMPLING_RULES', '[METHOD ]PATH_PREFIX=RATIO,...', {
  doc: 'first match wins, for new traces: `GET /api/orders=0.5,/static=0`',
});
export const MAX_TRACES_PER_SECOND = numberSetting('CUSTOM_OTEL_MAX_TRACES_PER_SECOND', 0, { min: 0, max: 1_000_000, fractional: true }, {
  doc: 'at most this many new traces a second, kept by a consistent probability that follows the last second\'s rate (kept spans carry its `th`); 0: no cap',
});

export const SAMPLER_SETTINGS = [TRACES_SAMPLER, TRACES_SAMPLER_ARG, HEALTH_PATHS, SAMPLING_RULES, MAX_TRACES_PER_SECOND];

export type SamplerName = (typeof TRACES_SAMPLER.allowed)[number];

export interface SamplerSettings {
  sampler: { name: SamplerName; ratio: number };
  sampling: { healthPaths: string[]; rules: SamplingRule[]; maxTracesPerSecond: number };
}

export function readSamplerSettings(read: EnvReader): SamplerSettings {
  const name = readSetting(read, TRACES_SAMPLER);
  // The argument means something to the ratio samplers only: not read (nor warned about) for the others.
  const ratio = name.endsWith('traceidratio') ? readSetting(read, TRACES_SAMPLER_ARG) : 1;
  return {
    sampler: { name, ratio },
    sampling: {
      healthPaths: readSetting(read, HEALTH_PATHS),
      rules: readRules(read, SAMPLING_RULES, parseSamplingRules),
      maxTracesPerSecond: readSetting(read, MAX_TRACES_PER_SECOND),
    },
  };
}
