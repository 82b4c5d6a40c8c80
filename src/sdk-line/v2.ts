/** The 2.x SDK line (Node ^18.19 || >=20.6). */
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { logs } from '@opentelemetry/api-logs';
import { modernLine } from './modern';

export const sdkLine = modernLine(
  '2.x',
  {
    TracerProvider: BasicTracerProvider,
    batchSpanProcessor: (exporter, options) => new BatchSpanProcessor(exporter, options),
    ConsoleSpanExporter,
    SamplingDecision,
  },
  {
    setGlobalLoggerProvider: (provider) => void logs.setGlobalLoggerProvider(provider),
    jaegerPropagator: () => new (require('@opentelemetry/propagator-jaeger') as typeof import('@opentelemetry/propagator-jaeger')).JaegerPropagator(),
  },
);
