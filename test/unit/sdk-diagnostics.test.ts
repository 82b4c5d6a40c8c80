import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/diagnostics';
import { kindOfMessage, sdkDiagLogger, sdkErrorHandler } from '../../src/sdk-diagnostics';

function capture() {
  const lines: string[] = [];
  return { lines, diagnostics: new Diagnostics((line) => lines.push(line)) };
}

describe('SDK messages through our diagnostics', () => {
  it('takes an Error where a message string is expected (the Prometheus exporter does that) without throwing', () => {
    const { lines, diagnostics } = capture();
    const logger = sdkDiagLogger(diagnostics);
    expect(() => logger.error(new Error('listen EADDRINUSE: address already in use 127.0.0.1:9464') as unknown as string)).not.toThrow();
    expect(lines).toEqual(['[custom-otel] error: listen EADDRINUSE: address already in use 127.0.0.1:9464']);
  });

  it('prints a warning once whatever numbers it carries, and counts the rest', () => {
    const { lines, diagnostics } = capture();
    const logger = sdkDiagLogger(diagnostics);
    logger.warn('Dropped 12 spans because maxQueueSize reached');
    logger.warn('Dropped 40 spans because maxQueueSize reached');
    expect(lines).toEqual(['[custom-otel] warn: Dropped 12 spans because maxQueueSize reached']);
    diagnostics.flushSummary();
    expect(lines[1]).toContain('in the last minute:');
    expect(kindOfMessage('a 1 b 22')).toBe('a # b #');
  });

  it('does not report again an error the exporter guard already reported', () => {
    const { lines, diagnostics } = capture();
    const error = new Error('14 UNAVAILABLE: No connection established');
    diagnostics.markReported(error);
    sdkErrorHandler(diagnostics)(error);
    sdkDiagLogger(diagnostics).error('export failed', error);
    expect(lines).toEqual([]);
    sdkErrorHandler(diagnostics)(new Error('something else'));
    expect(lines).toEqual(['[custom-otel] warn: telemetry error (the app is unaffected): something else']);
  });
});

describe('sdkDiagLogger and variables we already warned about', () => {
  it('drops the SDK\'s own complaint about a variable our configuration already named, keeps others', () => {
    const lines: string[] = [];
    const logger = sdkDiagLogger(new Diagnostics((line) => lines.push(line)), new Set(['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT']));
    logger.warn("Unknown value 'big' for OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, expected a number, using defaults");
    logger.warn("Unknown value 'x' for OTEL_BSP_MAX_QUEUE_SIZE, expected a number, using defaults");
    expect(lines).toEqual(["[custom-otel] warn: Unknown value 'x' for OTEL_BSP_MAX_QUEUE_SIZE, expected a number, using defaults"]);
  });
});

describe('a resource detector that finds nothing', () => {
  it('is not a warning: the key is left out and said only at debug', () => {
    const { lines, diagnostics } = capture();
    sdkDiagLogger(diagnostics, new Set(), new Set(['service.name'])).warn('dropping invalid resource attribute value for key "container.id"');
    expect(lines).toEqual([]);
    diagnostics.setLevel('debug');
    sdkDiagLogger(diagnostics, new Set(), new Set(['service.name'])).warn('dropping invalid resource attribute value for key "host.id"');
    expect(lines).toEqual(['[custom-otel] debug: dropping invalid resource attribute value for key "host.id" (a resource detector found nothing; the key is left out)']);
  });

  it('still warns about a key the user configured, and about other resource messages', () => {
    const { lines, diagnostics } = capture();
    const logger = sdkDiagLogger(diagnostics, new Set(), new Set(['deployment.environment']));
    logger.warn('dropping invalid resource attribute value for key "deployment.environment"');
    logger.warn('dropping invalid resource attribute key: <empty string>');
    expect(lines).toEqual([
      '[custom-otel] warn: dropping invalid resource attribute value for key "deployment.environment"',
      '[custom-otel] warn: dropping invalid resource attribute key: <empty string>',
    ]);
  });
});
