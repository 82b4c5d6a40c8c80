import type { EnvReader } from '../config/env-reader';
import { readSignalSettings, type SignalSettings } from '../config/otlp-target';
import { oneOfSetting } from '../config/setting';

export const LOGS_EXPORTER = oneOfSetting('OTEL_LOGS_EXPORTER', ['otlp', 'console', 'none'] as const, 'otlp', { doc: 'where log records (from the logging libraries instrumented) go' });

export const LOGS_SETTINGS = [LOGS_EXPORTER];

export type LogsSettings = SignalSettings<(typeof LOGS_EXPORTER.allowed)[number]>;

export const readLogsSettings = (read: EnvReader): LogsSettings => readSignalSettings(read, LOGS_EXPORTER, 'logs');
