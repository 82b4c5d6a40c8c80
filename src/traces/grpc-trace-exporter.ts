/**
 * The OTLP/gRPC trace exporter of the 2.x and 3.x SDK lines, assembled from
 * the same public parts as upstream's OTLPTraceExporter (export delegate,
 * gRPC transport, retries, self-observability metrics) with one part swapped:
 * the request bytes come from our encoder, about 3x cheaper in CPU per span
 * than otlp-transformer's serializer (bench/otlp-encode-micro.ts) and byte for
 * byte the same. The packages are required when the exporter is made, so an
 * app that exports no traces over gRPC never loads them.
 *
 * The export delegate is internal to upstream's exporter packages: its shape
 * is checked when the exporter is made, and where it is not the one this was
 * written against, upstream's own OTLPTraceExporter (which the image carries)
 * is used instead, said in one line. Should our encoder ever fail on a batch,
 * that batch and every later one go through upstream's serializer. Ours takes
 * spans encoded as they ended (encoding-at-end.ts); upstream's does not.
 */
import type { SpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describeError } from '../diagnostics';
import { encodeTraceExportRequest } from './otlp-trace-encoding';
import { EncodedSpan, markTakesEncodedSpans, type ExportedSpan } from './encoded-span';

type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// What upstream's OTLPTraceExporter passes for its self-observability metrics and gRPC method.
const COMPONENT_TYPE = 'otlp_grpc_span_exporter';
const GRPC_SERVICE = 'TraceExportService';
const GRPC_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** The packages the exporter is assembled from (those of the SDK line, or others in tests). */
export interface ExportPackages {
  grpcBase: Loose;
  exporterBase: Loose;
  transformer: Loose;
  /** Upstream's exporter, the fallback. */
  upstreamExporter: () => new (options: Record<string, unknown>) => SpanExporter;
}

export const shippedExportPackages = (): ExportPackages => ({
  grpcBase: require('@opentelemetry/otlp-grpc-exporter-base'),
  exporterBase: require('@opentelemetry/otlp-exporter-base'),
  transformer: require('@opentelemetry/otlp-transformer'),
  upstreamExporter: () => require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter,
});

const isFunction = (value: unknown, parameters?: number): boolean => typeof value === 'function' && (parameters === undefined || value.length === parameters);

/**
 * What of the packages' internal export path is not the one checked (pure
 * on the packages given); undefined when all is as expected.
 */
export function exportPathProblem(packages: Omit<ExportPackages, 'upstreamExporter'>): string | undefined {
  const { grpcBase, exporterBase, transformer } = packages;
  if (!isFunction(grpcBase?.createOtlpGrpcExportDelegate, 7)) {
    return 'createOtlpGrpcExportDelegate(options, serializer, componentType, metricsHelper, meterProvider, grpcName, grpcPath) is missing or takes other parameters';
  }
  if (!isFunction(grpcBase.convertLegacyOtlpGrpcOptions, 2)) return 'convertLegacyOtlpGrpcOptions(options, signal) is missing or takes other parameters';
  if (!isFunction(exporterBase?.OTLPExporterBase)) return 'OTLPExporterBase is missing';
  if (transformer?.TraceExporterMetricsHelper === undefined) return 'otlp-transformer has no TraceExporterMetricsHelper';
  if (!isFunction(transformer.ProtobufTraceSerializer?.serializeRequest) || !isFunction(transformer.ProtobufTraceSerializer?.deserializeResponse)) {
    return 'otlp-transformer has no ProtobufTraceSerializer';
  }
  return undefined;
}

/** What of a made delegate is not as checked (pure). */
export function exportDelegateProblem(delegate: Loose): string | undefined {
  const missing = ['export', 'forceFlush', 'shutdown'].filter((method) => !isFunction(delegate?.[method]));
  return missing.length === 0 ? undefined : `the export delegate has no ${missing.join(', ')}`;
}

/**
 * Upstream's serializer, for a batch that may hold spans encoded as they
 * ended: those are copied by ours and the two requests concatenated (the
 * request is one repeated field, so its encodings concatenate).
 */
export function upstreamSerializing(serializeRequest: (spans: ReadableSpan[]) => Uint8Array | undefined): (spans: readonly ExportedSpan[]) => Uint8Array | undefined {
  return (spans) => {
    const plain = spans.filter((span): span is ReadableSpan => !(span instanceof EncodedSpan));
    if (plain.length === spans.length) return serializeRequest(plain);
    const encoded = encodeTraceExportRequest(spans.filter((span) => span instanceof EncodedSpan));
    if (plain.length === 0) return encoded;
    const theirs = serializeRequest(plain);
    return theirs === undefined ? undefined : Buffer.concat([encoded, theirs]);
  };
}

export function upstreamFallbackLine(problem: string): string {
  return `the OTLP/gRPC trace exporter's internals are not the ones checked (${problem}): spans are exported by upstream's OTLPTraceExporter and serializer instead (same bytes, more CPU per span)`;
}

/**
 * `say`: where the one line about a fallback goes. `encode`: our encoder
 * (another only in tests of the fallback).
 */
export function createGrpcTraceExporter(
  options: Record<string, unknown>,
  say: (line: string) => void = () => undefined,
  packages: ExportPackages = shippedExportPackages(),
  encode: (spans: readonly ExportedSpan[]) => Uint8Array = encodeTraceExportRequest,
): SpanExporter {
  const upstream = (problem: string): SpanExporter => {
    say(upstreamFallbackLine(problem));
    return new (packages.upstreamExporter())(options);
  };
  const problem = exportPathProblem(packages);
  if (problem !== undefined) return upstream(problem);
  const { grpcBase, exporterBase, transformer } = packages;
  let serialize: (spans: readonly ExportedSpan[]) => Uint8Array | undefined = encode;
  const serializer = {
    serializeRequest: (spans: readonly ExportedSpan[]): Uint8Array | undefined => {
      try {
        return serialize(spans);
      } catch (error) {
        if (serialize !== encode) throw error;
        say(`our OTLP trace encoder failed (${describeError(error)}): this and every later batch is encoded by upstream's serializer`);
        serialize = upstreamSerializing((batch) => transformer.ProtobufTraceSerializer.serializeRequest(batch));
        return serialize(spans);
      }
    },
    // Responses (partial success) are rare and small: upstream's reader stays.
    deserializeResponse: (bytes: Uint8Array) => transformer.ProtobufTraceSerializer.deserializeResponse(bytes),
  };
  let delegate: Loose;
  try {
    delegate = grpcBase.createOtlpGrpcExportDelegate(
      grpcBase.convertLegacyOtlpGrpcOptions(options, 'TRACES'),
      serializer,
      COMPONENT_TYPE,
      transformer.TraceExporterMetricsHelper,
      options.selfObsMeterProvider,
      GRPC_SERVICE,
      GRPC_PATH,
    );
  } catch (error) {
    return upstream(`createOtlpGrpcExportDelegate throws: ${describeError(error)}`);
  }
  const delegateProblem = exportDelegateProblem(delegate);
  if (delegateProblem !== undefined) return upstream(delegateProblem);
  const exporter = new exporterBase.OTLPExporterBase(delegate) as SpanExporter;
  return markTakesEncodedSpans(exporter);
}
