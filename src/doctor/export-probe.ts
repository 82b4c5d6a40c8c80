/**
 * The doctor's proof that the OTLP endpoint answers: one real span exported
 * with the configured traces exporter (protocol, URL, headers, certificates),
 * within a short time limit. Lives in the core, which holds the SDK.
 */
import type { ReadableSpan, Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { OtlpTarget } from '../config/otlp-target';
import { describeError } from '../diagnostics';
import { createOtlpExporter } from '../otlp-exporters';
import { sdkLine, type SdkLine } from '../sdk-line';
import { SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT } from '../traces/settings';

export interface ProbeResult {
  ok: boolean;
  /** The exporter's error, or that nothing answered in time. */
  error?: string;
  ms: number;
}

export const PROBE_SPAN_NAME = 'custom-otel doctor test span';

export function exportTestSpan(target: OtlpTarget, serviceName: string, timeoutMs: number, sdk: SdkLine = sdkLine): Promise<ProbeResult> {
  const started = Date.now();
  let ended: ReadableSpan | undefined;
  const capture: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span) => void (ended = span),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const sampleAll = { shouldSample: () => ({ decision: sdk.decision.recordAndSample }), toString: () => 'doctor' } as unknown as Sampler;
  const provider = sdk.createTracerProvider({
    resource: sdk.resourceFromAttributes({ 'service.name': serviceName, 'telemetry.distro.name': 'custom-otel-nodejs' }),
    sampler: sampleAll,
    spanProcessors: [capture],
    // The probe's few short attributes are far below any limit.
    spanLimits: { attributeValueLengthLimit: SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT.default },
  });
  provider.getTracer('custom-otel-doctor').startSpan(PROBE_SPAN_NAME, { attributes: { 'custom.doctor': true } }).end();

  const exporter = createOtlpExporter<SpanExporter>('traces', { ...target, timeoutMs: Math.min(target.timeoutMs, timeoutMs) });
  return new Promise<ProbeResult>((resolve) => {
    const finish = (error: string | undefined) => {
      clearTimeout(timer);
      resolve({ ok: error === undefined, ...(error === undefined ? {} : { error }), ms: Date.now() - started });
    };
    // The exporter's own deadline should come first; this one catches an exporter that never calls back.
    const timer = setTimeout(() => finish(`no answer within ${timeoutMs} ms`), timeoutMs + 1000);
    try {
      exporter.export([ended!], (result) => finish(result.code === 0 ? undefined : describeError(result.error ?? 'export failed')));
    } catch (error) {
      finish(describeError(error));
    }
  });
}
