import { describe, expect, it } from 'vitest';
import { isUnfoundDetectorValue } from '../../src/unfound-detector-values';

describe('isUnfoundDetectorValue', () => {
  const configured = new Set(['service.name', 'k8s.pod.name']);
  it('recognises the SDK message for a key nobody configured', () => {
    expect(isUnfoundDetectorValue('dropping invalid resource attribute value for key "container.id"', configured)).toBe(true);
    expect(isUnfoundDetectorValue('dropping invalid resource attribute value for key "host.id"', configured)).toBe(true);
  });
  it('leaves configured keys, other messages and non-strings alone', () => {
    expect(isUnfoundDetectorValue('dropping invalid resource attribute value for key "k8s.pod.name"', configured)).toBe(false);
    expect(isUnfoundDetectorValue('dropping invalid resource attribute key: <empty string>', configured)).toBe(false);
    expect(isUnfoundDetectorValue('Dropped 3 spans', configured)).toBe(false);
    expect(isUnfoundDetectorValue(new Error('dropping invalid resource attribute value for key "x"'), configured)).toBe(false);
  });
});
