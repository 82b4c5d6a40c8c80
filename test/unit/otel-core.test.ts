/**
 * src/otel-core.ts hands out @opentelemetry/core's own values, read once: the
 * same functions, classes and enums every other user of the package gets.
 */
import * as core from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import * as ours from '../../src/otel-core';

describe('otel-core', () => {
  it.each(Object.keys(ours))('%s is the core package’s own value', (name) => {
    expect(name in core, `${name} is not exported by @opentelemetry/core`).toBe(true);
    expect((ours as Record<string, unknown>)[name]).toBe((core as Record<string, unknown>)[name]);
  });

  it('holds the values our request path reads', () => {
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(['hrTime', 'RPCType', 'getRPCMetadata', 'setRPCMetadata', 'isTracingSuppressed']));
  });
});
