/**
 * A configuration file's sampler onto our sampler settings (OTEL_TRACES_SAMPLER
 * and its argument): the ratio samplers, composable or not, are the ratio
 * sampler of our settings; one we have no setting for is warned about and the
 * default (parent-based, always on) used.
 */
import type { FileValue } from './file-walk';
import type { Warn } from './config-file-mapping';

interface MappedSampler {
  name: string;
  ratio?: number;
  at: FileValue;
}

const SAMPLERS = ['always_on', 'always_off', 'trace_id_ratio_based', 'probability/development', 'parent_based', 'composite/development', 'jaeger_remote/development'];
const COMPOSABLE = ['always_on', 'always_off', 'probability', 'parent_threshold', 'rule_based'];

function ratioOf(sampler: FileValue): { ratio: number; at: FileValue } {
  const ratio = sampler.object(['ratio']).ratio;
  return { ratio: ratio?.isSet ? ratio.number(0, 1) : 1, at: ratio ?? sampler };
}

export function mapSampler(sampler: FileValue, warn: Warn): MappedSampler {
  const [kind, fields] = sampler.choice(SAMPLERS);
  switch (kind) {
    case 'always_on':
    case 'always_off':
      fields.object([]);
      return { name: kind, at: fields };
    case 'trace_id_ratio_based':
    case 'probability/development':
      return { name: 'traceidratio', ...ratioOf(fields) };
    case 'parent_based': {
      const parent = fields.object(['root', 'remote_parent_sampled', 'remote_parent_not_sampled', 'local_parent_sampled', 'local_parent_not_sampled']);
      // Ours follows the parent's decision; only that behaviour can be asked for.
      for (const [key, expected] of [['remote_parent_sampled', 'always_on'], ['local_parent_sampled', 'always_on'], ['remote_parent_not_sampled', 'always_off'], ['local_parent_not_sampled', 'always_off']] as const) {
        const value = parent[key];
        if (value?.isSet && value.choice(SAMPLERS)[0] !== expected) warn(value, `only ${expected} is supported here (the parent's decision is followed); ignored`);
      }
      if (!parent.root?.isSet) return { name: 'parentbased_always_on', at: fields };
      const root = mapSampler(parent.root, warn);
      if (root.name.startsWith('parentbased_')) parent.root.fail('a parent-based sampler as the root of a parent-based sampler');
      return { ...root, name: `parentbased_${root.name}` };
    }
    case 'composite/development':
      return mapComposable(fields, warn);
    default:
      warn(fields, `the ${kind} sampler is not shipped in this distribution; the default parentbased_always_on is used`);
      return { name: 'parentbased_always_on', at: fields };
  }
}

function mapComposable(sampler: FileValue, warn: Warn): MappedSampler {
  const [kind, fields] = sampler.choice(COMPOSABLE);
  switch (kind) {
    case 'always_on':
    case 'always_off':
      fields.object([]);
      return { name: kind, at: fields };
    case 'probability':
      return { name: 'traceidratio', ...ratioOf(fields) };
    case 'parent_threshold': {
      const root = fields.need(fields.object(['root']).root, 'parent_threshold needs a root sampler');
      const mapped = mapComposable(root, warn);
      if (mapped.name.startsWith('parentbased_')) root.fail('a parent_threshold sampler as the root of a parent_threshold sampler');
      return { ...mapped, name: `parentbased_${mapped.name}` };
    }
    default:
      warn(fields, 'the rule_based sampler is not supported here (our rules are CUSTOM_OTEL_SAMPLING_RULES, see distribution.custom_otel.sampling_rules); the default parentbased_always_on is used');
      return { name: 'parentbased_always_on', at: fields };
  }
}
