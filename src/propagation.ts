/** OTEL_PROPAGATORS to one composite propagator; B3 and Jaeger load only when named. */
import type { TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from './otel-core';

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
};

/** `jaeger` comes from the SDK line, which may not ship it; then it is skipped with a warning. */
export function createPropagator(names: readonly string[], jaeger: () => TextMapPropagator | undefined, warn: (message: string) => void): TextMapPropagator {
  if (names.includes('none')) return new CompositePropagator({ propagators: [] });
  const propagators: TextMapPropagator[] = [];
  for (const name of names) {
    const propagator = name === 'jaeger' ? jaeger() : FACTORIES[name]?.();
    if (propagator) propagators.push(propagator);
    else warn(`OTEL_PROPAGATORS names ${name}, which this image's SDK line does not ship; it is left out`);
  }
  return new CompositePropagator({ propagators });
}
