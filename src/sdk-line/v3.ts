/**
 * The 3.x SDK line (Node >=22.15): sdk-trace-base and sdk-trace-node merged
 * into @opentelemetry/sdk-trace, processors take one options object, the logs
 * API lives in @opentelemetry/api, and no Jaeger propagator is published.
 */
import { TracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SamplingDecision } from '@opentelemetry/sdk-trace';
import * as api from '@opentelemetry/api';
import { modernLine } from './modern';

export const sdkLine = modernLine(
  '3.x',
  {
    TracerProvider,
    batchSpanProcessor: (exporter, options) => new BatchSpanProcessor({ exporter, ...options } as never),
    ConsoleSpanExporter,
    SamplingDecision,
  },
  {
    setGlobalLoggerProvider: (provider) => void (api as unknown as { logs: { setGlobalLoggerProvider(p: unknown): unknown } }).logs.setGlobalLoggerProvider(provider),
    jaegerPropagator: () => undefined,
  },
);
