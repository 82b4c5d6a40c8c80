import { describe, expect, it } from 'vitest';
import { parseImageReference, serviceVersionFromImage } from '../../tools/k8s/operator/image-reference';
import { nodeMajorOfAppImage, nodeMajorOfInstrumentationImage } from '../../tools/k8s/operator/node-major';

const SHA = 'sha256:' + '0123456789abcdef'.repeat(4);

describe('image references', () => {
  it.each([
    ['node', { name: 'node' }],
    ['node:20', { name: 'node', tag: '20' }],
    ['localhost:5000/team/app:1.0', { name: 'localhost:5000/team/app', tag: '1.0' }],
    ['registry.example.com/app', { name: 'registry.example.com/app' }],
    [`app@${SHA}`, { name: 'app', digest: SHA }],
    [`app:v1@${SHA}`, { name: 'app', tag: 'v1', digest: SHA }],
    ['[::1]:5000/app:x', { name: '[::1]:5000/app', tag: 'x' }],
  ])('%s', (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });

  it.each(['Node:20', 'app:', 'app:-bad', '', `app@sha256:${'0'.repeat(10)}`, 'app@md5:' + '0'.repeat(32)])('%s does not parse', (image) => {
    expect(parseImageReference(image)).toBeUndefined();
  });

  it('service.version is tag@digest, digest, tag or nothing', () => {
    expect(serviceVersionFromImage(`app:v1@${SHA}`)).toBe(`v1@${SHA}`);
    expect(serviceVersionFromImage(`app@${SHA}`)).toBe(SHA);
    expect(serviceVersionFromImage('app:v1')).toBe('v1');
    expect(serviceVersionFromImage('app')).toBeUndefined();
    expect(serviceVersionFromImage('Not A Reference')).toBeUndefined();
  });
});

describe('Node majors from image tags', () => {
  it.each([
    ['custom-otel-autoinstrumentation-nodejs:1.0.0-node20', 20],
    ['registry:5000/x/custom-otel-autoinstrumentation-nodejs:2.1.0-node14', 14],
    ['ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:0.60.0', undefined],
  ])('instrumentation image %s → %s', (image, major) => {
    expect(nodeMajorOfInstrumentationImage(image)).toBe(major);
  });

  it.each([
    ['node:18-alpine', 18],
    ['node:22.11.0-bookworm-slim', 22],
    ['docker.io/library/node:20', 20],
    ['custom-otel-test-app:node20', 20],
    ['app:1.4.2-node-16', 16],
    ['node:lts', undefined],
    ['myapp:1.2.3', undefined],
  ])('app image %s → %s', (image, major) => {
    expect(nodeMajorOfAppImage(image)).toBe(major);
  });
});
