/** Settings of the distribution as a whole: on/off, its own log, the resource, propagation, shutdown and the ESM hook. */
import type { EnvReader } from './config/env-reader';
import { booleanSetting, keyValuesSetting, listOfSetting, numberSetting, oneOfSetting, readSetting, textSetting } from './config/setting';

export const SDK_DISABLED = booleanSetting('OTEL_SDK_DISABLED', false, { doc: 'start nothing (the configuration is still checked and warned about)' });
export const LOG_LEVEL = oneOfSetting('OTEL_LOG_LEVEL', ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const, 'info', {
  doc: 'what the distribution and the SDK write to stderr, each line prefixed `[custom-otel]`',
});
export const SERVICE_NAME = textSetting('OTEL_SERVICE_NAME', undefined, { doc: '`service.name` of the resource (the operator sets it from the workload)' });
export const RESOURCE_ATTRIBUTES = keyValuesSetting('OTEL_RESOURCE_ATTRIBUTES', { doc: '`key=value,...` resource attributes (the operator adds its `k8s.*` keys here)' });
export const RESOURCE_DETECTORS = listOfSetting('OTEL_NODE_RESOURCE_DETECTORS', ['env', 'host', 'os', 'process', 'serviceinstance', 'container', 'all', 'none'] as const, ['env', 'host', 'os', 'process', 'container'], {
  doc: 'resource detectors to run; the cloud detectors are not shipped, their network look-ups would delay every pod',
});
export const PROPAGATORS = listOfSetting('OTEL_PROPAGATORS', ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none'] as const, ['tracecontext', 'baggage'], {
  doc: 'context propagation formats (`jaeger` is not shipped on the 3.x line)',
});
export const SHUTDOWN_TIMEOUT_MS = numberSetting('CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS', 2000, { min: 0, max: 60_000 }, {
  doc: 'longest wait for the collector on a signal or at exit (a refused address is not waited for; a process that ends within 10 s of its start sends only its spans)',
});
export const ESM_HOOK = oneOfSetting('CUSTOM_OTEL_ESM_HOOK', ['auto', 'always', 'never'] as const, 'auto', {
  doc: '`auto`: loader hook only for entries Node runs as ES modules (by its own rules: extension, package type, syntax detection, type stripping, an `--import` loader); `always` (a CommonJS app that `import()`s ES modules); `never`',
});

export const DISTRIBUTION_SETTINGS = [SDK_DISABLED, LOG_LEVEL, SERVICE_NAME, RESOURCE_ATTRIBUTES, RESOURCE_DETECTORS, PROPAGATORS, SHUTDOWN_TIMEOUT_MS, ESM_HOOK];

export type LogLevel = (typeof LOG_LEVEL.allowed)[number];

export interface DistributionSettings {
  sdkDisabled: boolean;
  logLevel: LogLevel;
  serviceName: string | undefined;
  resourceAttributes: Record<string, string>;
  resourceDetectors: string[];
  propagators: string[];
  shutdownTimeoutMs: number;
  esmHook: (typeof ESM_HOOK.allowed)[number];
}

export function readDistributionSettings(read: EnvReader): DistributionSettings {
  return {
    sdkDisabled: readSetting(read, SDK_DISABLED),
    logLevel: readSetting(read, LOG_LEVEL),
    serviceName: readSetting(read, SERVICE_NAME),
    resourceAttributes: readSetting(read, RESOURCE_ATTRIBUTES),
    resourceDetectors: readSetting(read, RESOURCE_DETECTORS),
    propagators: readSetting(read, PROPAGATORS),
    shutdownTimeoutMs: readSetting(read, SHUTDOWN_TIMEOUT_MS),
    esmHook: readSetting(read, ESM_HOOK),
  };
}
