/** withSdkEnv: the SDK sees a configuration file's OTEL_* variables while it is built, and the process's environment is as before afterwards. */
import { afterEach, describe, expect, it } from 'vitest';
import { withSdkEnv } from '../../src/config/sdk-env';

const NAMES = ['OTEL_SPAN_EVENT_COUNT_LIMIT', 'OTEL_EXPORTER_OTLP_CERTIFICATE', 'OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE', 'SDK_ENV_TEST_OTHER'];
afterEach(() => {
  for (const name of NAMES) delete process.env[name];
});

describe('withSdkEnv', () => {
  it('hides the process\'s OTEL_* variables, shows the file\'s, keeps the others, and restores everything', () => {
    process.env.OTEL_SPAN_EVENT_COUNT_LIMIT = '5';
    process.env.OTEL_EXPORTER_OTLP_CERTIFICATE = '/env/ca.pem';
    process.env.SDK_ENV_TEST_OTHER = 'kept';
    const seen = withSdkEnv({ OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/file/ca.pem' }, () => NAMES.map((name) => process.env[name]));
    expect(seen).toEqual([undefined, undefined, '/file/ca.pem', 'kept']);
    expect(NAMES.map((name) => process.env[name])).toEqual(['5', '/env/ca.pem', undefined, 'kept']);
  });

  it('restores when the build throws, and does nothing without a file', () => {
    process.env.OTEL_SPAN_EVENT_COUNT_LIMIT = '5';
    expect(() => withSdkEnv({}, () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(process.env.OTEL_SPAN_EVENT_COUNT_LIMIT).toBe('5');
    expect(withSdkEnv(undefined, () => process.env.OTEL_SPAN_EVENT_COUNT_LIMIT)).toBe('5');
  });
});
