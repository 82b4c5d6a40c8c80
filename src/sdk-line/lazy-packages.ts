/**
 * Packages loaded only when the configuration needs them, so an app that
 * exports no metrics or logs does not pay for parsing them at start-up.
 * (In the bundle, each `require` becomes a module initialised on first call.)
 */
export const loadMetricsSdk = (): typeof import('@opentelemetry/sdk-metrics') => require('@opentelemetry/sdk-metrics');
export const loadLogsSdk = (): typeof import('@opentelemetry/sdk-logs') => require('@opentelemetry/sdk-logs');
export const loadContainerDetector = (): unknown => require('@opentelemetry/resource-detector-container').containerDetector;
