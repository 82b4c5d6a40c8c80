import type { EnvReader } from '../config/env-reader';
import { readOtlpTarget, type OtlpTarget } from '../config/otlp-target';
import { oneOfSetting, readSetting } from '../config/setting';

export const TRACES_EXPORTER = oneOfSetting('OTEL_TRACES_EXPORTER', ['otlp', 'console', 'none'] as const, 'otlp', { doc: 'where spans go' });

export const TRACES_SETTINGS = [TRACES_EXPORTER];

export interface TracesSettings {
  exporter: (typeof TRACES_EXPORTER.allowed)[number];
  otlp: OtlpTarget;
}

export function readTracesSettings(read: EnvReader): TracesSettings {
  return { exporter: readSetting(read, TRACES_EXPORTER), otlp: readOtlpTarget(read, 'traces') };
}
