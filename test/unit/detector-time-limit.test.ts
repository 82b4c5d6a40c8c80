import { describe, expect, it } from 'vitest';
import * as resources from '@opentelemetry/resources';
import { DETECTION_TIME_LIMIT_MS, withTimeLimit } from '../../src/sdk-line/time-limit';
import { sdkLine } from '../../src/sdk-line';

describe('resource detection is time-limited', () => {
  it('withTimeLimit answers the fallback when the work never settles, and the result when it does', async () => {
    expect(await withTimeLimit(new Promise(() => undefined), 20, 'fallback')).toBe('fallback');
    expect(await withTimeLimit(Promise.resolve('done'), 1000, 'fallback')).toBe('done');
    expect(await withTimeLimit(Promise.reject(new Error('x')), 1000, 'fallback')).toBe('fallback');
  });

  it('a detector whose attribute never arrives leaves it out after the limit, so export is not held forever', async () => {
    const hanging: resources.ResourceDetector = { detect: () => ({ attributes: { 'host.id': new Promise<string>(() => undefined), 'host.name': 'h' } }) };
    const original = (resources as { hostDetector: resources.ResourceDetector }).hostDetector;
    // The line's detector table reads the module's export when asked.
    Object.defineProperty(resources, 'hostDetector', { value: hanging, configurable: true });
    try {
      const resource = sdkLine.detectResources(['host']);
      const started = Date.now();
      await resource.waitForAsyncAttributes?.();
      const waited = Date.now() - started;
      // A timer never fires early; without the limit the wait would never end
      // (caught by the test's timeout), so no upper bound on the time is needed.
      expect(waited).toBeGreaterThanOrEqual(DETECTION_TIME_LIMIT_MS - 50);
      expect(resource.attributes['host.name']).toBe('h');
      expect(resource.attributes['host.id']).toBeUndefined();
    } finally {
      Object.defineProperty(resources, 'hostDetector', { value: original, configurable: true });
    }
  });
});
