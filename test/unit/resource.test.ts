/** The resource attributes every signal carries (src/resource.ts). */
import { describe, expect, it } from 'vitest';
import { resourceAttributes, sdkDetectorNames } from '../../src/resource';
import { parseConfig } from '../../src/config/config';
import { buildInfo } from '../../src/build-info';

describe('sdkDetectorNames', () => {
  it('maps the default detectors to the SDK ones, env being ours', () => {
    expect(sdkDetectorNames(parseConfig({}).config.resourceDetectors)).toEqual(['host', 'os', 'process', 'container']);
  });

  it('expands all and honours none over everything', () => {
    expect(sdkDetectorNames(['all'])).toEqual(['host', 'os', 'process', 'serviceinstance', 'container']);
    expect(sdkDetectorNames(['none'])).toEqual([]);
    expect(sdkDetectorNames(['all', 'none'])).toEqual([]);
    expect(sdkDetectorNames(['env'])).toEqual([]);
    expect(sdkDetectorNames(['serviceinstance', 'host'])).toEqual(['serviceinstance', 'host']);
  });
});

describe('resourceAttributes', () => {
  const attributes = (env: Record<string, string>, processName = 'node') => resourceAttributes(parseConfig(env).config, processName);

  it('prefers OTEL_SERVICE_NAME over service.name in OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(attributes({ OTEL_SERVICE_NAME: 'checkout', OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes' })['service.name']).toBe('checkout');
  });

  it('uses service.name from OTEL_RESOURCE_ATTRIBUTES without OTEL_SERVICE_NAME', () => {
    expect(attributes({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=from%20attributes' })['service.name']).toBe('from attributes');
  });

  it('falls back to unknown_service:<process>', () => {
    expect(attributes({}, '/usr/local/bin/node')['service.name']).toBe('unknown_service:/usr/local/bin/node');
    expect(attributes({ OTEL_SERVICE_NAME: '  ' }, 'node')['service.name']).toBe('unknown_service:node');
  });

  it('carries the distribution and the operator attributes', () => {
    expect(attributes({ OTEL_SERVICE_NAME: 'svc', OTEL_RESOURCE_ATTRIBUTES: 'k8s.namespace.name=shop,k8s.pod.name=web-1' })).toEqual({
      'telemetry.distro.name': 'custom-otel-nodejs',
      'telemetry.distro.version': buildInfo.distributionVersion,
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'web-1',
      'service.name': 'svc',
    });
  });
});
