/** Kubernetes quantities in the form the API server stores them (tools/k8s/operator/quantity.ts). */
import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from '../../tools/k8s/operator/quantity';

describe('canonicalQuantity', () => {
  it.each([
    ['0.5Gi', '512Mi'],
    ['0.25Gi', '256Mi'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['2000Mi', '2000Mi'],
    ['50Mi', '50Mi'],
    ['1Ki', '1Ki'],
    ['0.5Ki', '512'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1000m', '1'],
    ['100m', '100m'],
    ['128M', '128M'],
    ['1000M', '1G'],
    ['1e3', '1e3'],
    ['0', '0'],
    [2, '2'],
  ])('%j is stored as %j', (written, stored) => {
    expect(canonicalQuantity(written)).toBe(stored);
  });

  it('is undefined for what is not a quantity', () => {
    expect(canonicalQuantity('half a gig')).toBeUndefined();
    expect(canonicalQuantity('1MB')).toBeUndefined();
  });
});
