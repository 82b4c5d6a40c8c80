/**
 * The internals our gRPC trace exporter is assembled from (src/traces/grpc-trace-exporter.ts)
 * are checked when it is made: on every SDK line it is used on they pass, and
 * any changed shape gives upstream's own OTLPTraceExporter, said in one line.
 */
import { describe, expect, it } from 'vitest';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { createGrpcTraceExporter, exportDelegateProblem, exportPathProblem, shippedExportPackages, type ExportPackages } from '../../src/traces/grpc-trace-exporter';
import { sdkLineRequire } from '../support/sdk-line-packages';

const OPTIONS = { url: 'http://127.0.0.1:4317', timeoutMillis: 1000 };

describe('the export path of every line it is used on passes the check', () => {
  it('development (2.x)', () => {
    expect(exportPathProblem(shippedExportPackages())).toBeUndefined();
  });

  it.each(['2.x', '3.x'] as const)('the %s line, from its own lockfile', async (line) => {
    const lineRequire = await sdkLineRequire(line);
    const packages = {
      grpcBase: lineRequire('@opentelemetry/otlp-grpc-exporter-base'),
      exporterBase: lineRequire('@opentelemetry/otlp-exporter-base'),
      transformer: lineRequire('@opentelemetry/otlp-transformer'),
    };
    expect(exportPathProblem(packages)).toBeUndefined();
    const lines: string[] = [];
    const exporter = createGrpcTraceExporter(OPTIONS, (said) => lines.push(said), { ...packages, upstreamExporter: () => OTLPTraceExporter as never });
    expect(lines).toEqual([]);
    expect(exporter).toBeInstanceOf(packages.exporterBase.OTLPExporterBase);
    await exporter.shutdown();
  }, 5 * 60_000);
});

describe('a changed shape gives upstream exporter, said in one line naming what changed', () => {
  const changed = (change: (packages: ExportPackages) => Partial<ExportPackages>): ExportPackages => {
    const real = shippedExportPackages();
    return { ...real, ...change(real) };
  };
  const cases: Array<[string, ExportPackages, RegExp]> = [
    ['the delegate factory with another signature', changed((p) => ({ grpcBase: { ...p.grpcBase, createOtlpGrpcExportDelegate: (options: unknown, serializer: unknown) => [options, serializer] } })), /createOtlpGrpcExportDelegate\(options, serializer/],
    ['the delegate factory gone', changed((p) => ({ grpcBase: { ...p.grpcBase, createOtlpGrpcExportDelegate: undefined } })), /createOtlpGrpcExportDelegate/],
    ['the options converter with another signature', changed((p) => ({ grpcBase: { ...p.grpcBase, convertLegacyOtlpGrpcOptions: (options: unknown) => options } })), /convertLegacyOtlpGrpcOptions/],
    ['no OTLPExporterBase', changed((p) => ({ exporterBase: { ...p.exporterBase, OTLPExporterBase: undefined } })), /OTLPExporterBase is missing/],
    ['no metrics helper', changed((p) => ({ transformer: { ...p.transformer, TraceExporterMetricsHelper: undefined } })), /TraceExporterMetricsHelper/],
    ['no protobuf serializer', changed((p) => ({ transformer: { ...p.transformer, ProtobufTraceSerializer: undefined } })), /ProtobufTraceSerializer/],
    [
      'a delegate factory that throws',
      changed((p) => ({ grpcBase: { ...p.grpcBase, createOtlpGrpcExportDelegate: (_a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown, _f: unknown, _g: unknown) => { throw new Error('options moved'); } } })),
      /createOtlpGrpcExportDelegate throws: options moved/,
    ],
    [
      'a delegate without shutdown',
      changed((p) => ({ grpcBase: { ...p.grpcBase, createOtlpGrpcExportDelegate: (_a: unknown, _b: unknown, _c: unknown, _d: unknown, _e: unknown, _f: unknown, _g: unknown) => ({ export() {}, forceFlush() {} }) } })),
      /the export delegate has no shutdown/,
    ],
  ];
  it.each(cases)('%s', async (_change, packages, named) => {
    const lines: string[] = [];
    const exporter = createGrpcTraceExporter(OPTIONS, (said) => lines.push(said), packages);
    expect(exporter).toBeInstanceOf(OTLPTraceExporter);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(named);
    expect(lines[0]).toMatch(/exported by upstream's OTLPTraceExporter/);
    expect(lines[0]).not.toContain('\n');
    await exporter.shutdown();
  });

  it('names every missing method of a delegate', () => {
    expect(exportDelegateProblem({ export() {} })).toBe('the export delegate has no forceFlush, shutdown');
    expect(exportDelegateProblem(undefined)).toBe('the export delegate has no export, forceFlush, shutdown');
    expect(exportDelegateProblem({ export() {}, forceFlush() {}, shutdown() {} })).toBeUndefined();
  });
});
