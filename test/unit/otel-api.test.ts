/**
 * src/otel-api.ts hands out the API's own objects, read once: the same
 * singletons and enums every other user of @opentelemetry/api gets.
 */
import * as api from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import * as ours from '../../src/otel-api';

describe('otel-api', () => {
  it.each(Object.keys(ours))('%s is the API package’s own value', (name) => {
    expect(name in api, `${name} is not exported by @opentelemetry/api`).toBe(true);
    expect((ours as Record<string, unknown>)[name]).toBe((api as Record<string, unknown>)[name]);
  });

  it('holds the values our request path reads', () => {
    expect(Object.keys(ours).sort()).toEqual(expect.arrayContaining(['context', 'propagation', 'trace', 'SpanKind', 'TraceFlags', 'ROOT_CONTEXT']));
  });
});
