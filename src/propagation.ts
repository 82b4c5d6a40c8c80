/** OTEL_PROPAGATORS to one composite propagator; B3 and Jaeger load only when named. */
import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

const FACTORIES: Record<string, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
  b3: () => {
    const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3') as typeof import('@opentelemetry/propagator-b3');
    return new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
  },
  b3multi: () => {
    const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3') as typeof import('@opentelemetry/propagator-b3');
    return new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });
  },
  jaeger: () => new (require('@opentelemetry/propagator-jaeger') as typeof import('@opentelemetry/propagator-jaeger')).JaegerPropagator(),
};

export function createPropagator(names: readonly string[]): TextMapPropagator {
  if (names.includes('none')) return new CompositePropagator({ propagators: [] });
  return new CompositePropagator({ propagators: names.filter((n) => FACTORIES[n]).map((n) => FACTORIES[n]!()) });
}
