/** Every settings row of the distribution, by concern: what the README's tables and the tests are made from. */
import type { Setting } from './setting';
import { OTLP_SETTINGS } from './otlp-settings';
import { CONFIG_FILE_SETTINGS } from './config-file-setting';
import { DISTRIBUTION_SETTINGS } from '../settings';
import { ENTRY_SETTINGS } from '../entry/settings';
import { TRACES_SETTINGS } from '../traces/settings';
import { LOGS_SETTINGS } from '../logs/settings';
import { METRICS_SETTINGS } from '../metrics/settings';
import { SAMPLER_SETTINGS } from '../sampler/settings';
import { INSTRUMENTATION_SETTINGS } from '../instrumentations/settings';
import { PROCESSOR_SETTINGS } from '../processor/settings';
import { OPAMP_SETTINGS } from '../opamp/settings';

export const ALL_SETTINGS: readonly Setting[] = [
  ...CONFIG_FILE_SETTINGS,
  ...DISTRIBUTION_SETTINGS,
  ...ENTRY_SETTINGS,
  ...TRACES_SETTINGS,
  ...METRICS_SETTINGS,
  ...LOGS_SETTINGS,
  ...OTLP_SETTINGS,
  ...SAMPLER_SETTINGS,
  ...INSTRUMENTATION_SETTINGS,
  ...PROCESSOR_SETTINGS,
  ...OPAMP_SETTINGS,
];
