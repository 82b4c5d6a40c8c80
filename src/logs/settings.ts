import type { EnvReader } from '../config/env-reader';
import { readOtlpTarget, type OtlpTarget } from '../config/otlp-target';
import { oneOfSetting, readSetting } from '../config/setting';

export const LOGS_EXPORTER = oneOfSetting('OTEL_LOGS_EXPORTER', ['otlp', 'console', 'none'] as const, 'otlp', { doc: 'where log records (from the logging libraries instrumented) go' });

export const LOGS_SETTINGS = [LOGS_EXPORTER];

export interface LogsSettings {
  exporter: (typeof LOGS_EXPORTER.allowed)[number];
  otlp: OtlpTarget;
}

export function readLogsSettings(read: EnvReader): LogsSettings {
  return { exporter: readSetting(read, LOGS_EXPORTER), otlp: readOtlpTarget(read, 'logs') };
}
