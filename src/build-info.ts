/**
 * Facts fixed when a major's bundle is built (the bundler defines
 * __CUSTOM_OTEL_BUILD__); in development and unit tests, the values below.
 */
export interface SupportedImage {
  major: number;
  nodeRange: string;
}

export interface BuildInfo {
  distributionVersion: string;
  imageName: string;
  /** The Node major this bundle was built for, and the range it accepts. */
  major: number;
  nodeRange: string;
  sdkLine: string;
  /** Every image of this release, so the version guard can name the right one. */
  images: SupportedImage[];
}

declare const __CUSTOM_OTEL_BUILD__: BuildInfo | undefined;

export const buildInfo: BuildInfo =
  typeof __CUSTOM_OTEL_BUILD__ !== 'undefined'
    ? __CUSTOM_OTEL_BUILD__
    : {
        distributionVersion: '0.0.0-dev',
        imageName: 'custom-otel-autoinstrumentation-nodejs',
        major: 20,
        nodeRange: '>=20.6.0 <21',
        sdkLine: '2.x',
        images: [{ major: 20, nodeRange: '>=20.6.0 <21' }],
      };
