/**
 * The resource every signal carries: what the detectors find, then
 * OTEL_RESOURCE_ATTRIBUTES (the operator's k8s.* keys arrive there), then
 * OTEL_SERVICE_NAME, later sources winning.
 */
import { basename } from 'node:path';
import type { Resource } from '@opentelemetry/resources';
import type { DistributionConfig } from './config/config';
import type { SdkLine } from './sdk-line';
import { buildInfo } from './build-info';

/** Detectors implemented by the SDK; `env` is our own parsed OTEL_RESOURCE_ATTRIBUTES. */
export function sdkDetectorNames(names: readonly string[]): string[] {
  if (names.includes('none')) return [];
  const all = ['host', 'os', 'process', 'serviceinstance', 'container'];
  return names.includes('all') ? all : names.filter((name) => all.includes(name));
}

export function resourceAttributes(config: Pick<DistributionConfig, 'resourceAttributes' | 'serviceName'>, processName: string): Record<string, string> {
  const serviceName = config.serviceName ?? config.resourceAttributes['service.name'] ?? `unknown_service:${processName}`;
  return {
    'telemetry.distro.name': 'custom-otel-nodejs',
    'telemetry.distro.version': buildInfo.distributionVersion,
    ...config.resourceAttributes,
    'service.name': serviceName,
  };
}

/** `node` for /usr/local/bin/node: the default service name says which runtime, not where it lives. */
export function processName(): string {
  return basename(process.argv0 || 'node');
}

export function buildResource(config: DistributionConfig, sdk: SdkLine): Resource {
  const detected = sdk.detectResources(sdkDetectorNames(config.resourceDetectors));
  const configured = sdk.resourceFromAttributes(resourceAttributes(config, processName()));
  return sdk.mergeResources(sdk.mergeResources(sdk.defaultResource(), detected), configured);
}
