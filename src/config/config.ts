/**
 * The whole configuration, parsed once: each concern reads its own settings
 * rows (src/<concern>/settings.ts); this only puts the sections together.
 */
import { EnvReader, type Env } from './env-reader';
import { readDistributionSettings, type DistributionSettings } from '../settings';
import { readTracesSettings, type TracesSettings } from '../traces/settings';
import { readMetricsSettings, type MetricsSettings } from '../metrics/settings';
import { readLogsSettings, type LogsSettings } from '../logs/settings';
import { readSamplerSettings, type SamplerSettings } from '../sampler/settings';
import { readInstrumentationSettings, type InstrumentationSettings } from '../instrumentations/settings';
import { readProcessorSettings, type ProcessorSettings } from '../processor/settings';
import { readOpampSettings, type OpampSettings } from '../opamp/settings';

export type { LogLevel } from '../settings';
export type { SamplerName } from '../sampler/settings';
export type { MetricExporterName } from '../metrics/settings';

/** Everything the distribution reads from the environment, parsed once. */
export interface DistributionConfig extends DistributionSettings, SamplerSettings {
  traces: TracesSettings;
  metrics: MetricsSettings;
  logs: LogsSettings;
  instrumentations: InstrumentationSettings;
  processor: ProcessorSettings;
  /**
   * With OTEL_CONFIG_FILE: the OTEL_* variables the SDK's own readers (TLS
   * files, limits, temporality) see while it is built, in place of the
   * process's. Undefined: the process's environment is the configuration.
   */
  sdkEnv?: Record<string, string>;
  opamp: OpampSettings;
}

export interface ParsedConfig {
  config: DistributionConfig;
  /** One line per invalid variable, to be logged once at start. */
  warnings: string[];
}

export function parseConfig(env: Env): ParsedConfig {
  const read = new EnvReader(env);
  const config: DistributionConfig = {
    ...readSamplerSettings(read),
    ...readDistributionSettings(read),
    traces: readTracesSettings(read),
    metrics: readMetricsSettings(read),
    logs: readLogsSettings(read),
    instrumentations: readInstrumentationSettings(read),
    processor: readProcessorSettings(read),
    opamp: readOpampSettings(read),
  };
  return { config, warnings: read.warnings };
}
