import type { EnvReader } from '../config/env-reader';
import { readSignalSettings, type SignalSettings } from '../config/otlp-target';
import { oneOfSetting } from '../config/setting';

export const TRACES_EXPORTER = oneOfSetting('OTEL_TRACES_EXPORTER', ['otlp', 'console', 'none'] as const, 'otlp', { doc: 'where spans go' });

export const TRACES_SETTINGS = [TRACES_EXPORTER];

export type TracesSettings = SignalSettings<(typeof TRACES_EXPORTER.allowed)[number]>;

export const readTracesSettings = (read: EnvReader): TracesSettings => readSignalSettings(read, TRACES_EXPORTER, 'traces');
