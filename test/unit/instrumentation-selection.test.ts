/** Which instrumentations start, with which settings (src/instrumentations/selection.ts). */
import { describe, expect, it } from 'vitest';
import { instrumentationSettings, selectInstrumentations } from '../../src/instrumentations/selection';
import { catalog } from '../../src/instrumentations/catalog';
import { parseConfig } from '../../src/config/config';

const AVAILABLE = ['dns', 'express', 'fs', 'host-metrics', 'http', 'mysql2', 'net', 'pg', 'pino'];

function select(env: Record<string, string>, available = AVAILABLE) {
  return selectInstrumentations(available, parseConfig(env).config.instrumentations);
}

describe('selectInstrumentations', () => {
  it('starts everything except fs, dns, net and host-metrics by default', () => {
    expect(select({})).toEqual({ selected: ['express', 'http', 'mysql2', 'pg', 'pino'], unknown: [] });
  });

  it('starts only the enabled ones when OTEL_NODE_ENABLED_INSTRUMENTATIONS is set, default-off ones included', () => {
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,fs,@opentelemetry/instrumentation-pg' })).toEqual({ selected: ['fs', 'http', 'pg'], unknown: [] });
  });

  it('lets disabled win over enabled and over the defaults', () => {
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pg', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pg' }).selected).toEqual(['http']);
    expect(select({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'express, pino' }).selected).toEqual(['http', 'mysql2', 'pg']);
  });

  it('reports names that are not available, from either list', () => {
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,mongoose', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'redis' })).toEqual({ selected: ['http'], unknown: ['mongoose', 'redis'] });
  });

  it('starts our mysql2 pool metrics with mysql2, unless either is disabled', () => {
    const available = [...AVAILABLE, 'mysql2-pool-metrics'];
    expect(select({}, available).selected).toContain('mysql2-pool-metrics');
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,mysql2' }, available).selected).toEqual(['http', 'mysql2', 'mysql2-pool-metrics']);
    expect(select({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'mysql2' }, available).selected).not.toContain('mysql2-pool-metrics');
    expect(select({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'mysql2-pool-metrics' }, available).selected).toContain('mysql2');
    expect(select({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'mysql2-pool-metrics' }, available).selected).not.toContain('mysql2-pool-metrics');
  });

  it('leaves on the pool metrics upstream instrumentations report unconditionally (pg, mysql, mongodb, oracledb)', () => {
    const drivers = ['pg', 'mysql', 'mongodb', 'oracledb'];
    expect(select({}, drivers).selected).toEqual(drivers);
    for (const name of drivers) expect(instrumentationSettings(name, parseConfig({}).config.instrumentations)).toEqual({});
  });

  it('starts the router instrumentation (layer spans only) when express layer spans are asked for or it is named', () => {
    const available = [...AVAILABLE, 'router'];
    expect(select({}, available).selected).not.toContain('router');
    expect(select({ CUSTOM_OTEL_EXPRESS_SPANS: 'handlers' }, available).selected).toContain('router');
    expect(select({ CUSTOM_OTEL_EXPRESS_SPANS: 'all' }, available).selected).toContain('router');
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,router' }, available).selected).toEqual(['http', 'router']);
  });

  it('starts nothing for an enabled list of only separators', () => {
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: ',' }).selected).toEqual([]);
  });

  it('works on the real catalog of this SDK line', () => {
    const names = catalog.map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(['http', 'express', 'fs', 'dns', 'net']));
    const { selected, unknown } = select({}, names);
    expect(selected).toEqual(expect.arrayContaining(['http', 'express']));
    for (const off of ['fs', 'dns', 'net']) expect(selected).not.toContain(off);
    expect(unknown).toEqual([]);
  });
});

describe('instrumentationSettings', () => {
  it('hides express layer spans unless CUSTOM_OTEL_EXPRESS_SPANS asks for them', () => {
    const settings = (value?: string) => instrumentationSettings('express', parseConfig(value ? { CUSTOM_OTEL_EXPRESS_SPANS: value } : {}).config.instrumentations);
    expect(settings()).toEqual({ ignoreLayersType: ['middleware', 'router', 'request_handler'] });
    expect(settings('handlers')).toEqual({ ignoreLayersType: ['middleware'] });
    expect(settings('all')).toEqual({ ignoreLayersType: [] });
  });

  it('captures the configured request headers on server and client spans', () => {
    const settings = parseConfig({ CUSTOM_OTEL_HTTP_CAPTURE_HEADERS: 'X-Request-Id,traceparent' }).config.instrumentations;
    expect(instrumentationSettings('http', settings)).toEqual({
      headersToSpanAttributes: { server: { requestHeaders: ['x-request-id', 'traceparent'] }, client: { requestHeaders: ['x-request-id', 'traceparent'] } },
    });
    expect(instrumentationSettings('http', parseConfig({}).config.instrumentations)).toEqual({});
  });

  it('gives separate header arrays to server and client, so one cannot change the other', () => {
    const settings = parseConfig({ CUSTOM_OTEL_HTTP_CAPTURE_HEADERS: 'a' }).config.instrumentations;
    const result = instrumentationSettings('http', settings) as { headersToSpanAttributes: { server: { requestHeaders: string[] }; client: { requestHeaders: string[] } } };
    result.headersToSpanAttributes.server.requestHeaders.push('b');
    expect(result.headersToSpanAttributes.client.requestHeaders).toEqual(['a']);
    expect(settings.captureHeaders).toEqual(['a']);
  });

  it('leaves other instrumentations at their own defaults', () => {
    expect(instrumentationSettings('pg', parseConfig({ CUSTOM_OTEL_HTTP_CAPTURE_HEADERS: 'a' }).config.instrumentations)).toEqual({});
  });
});
