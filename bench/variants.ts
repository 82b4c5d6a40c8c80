/**
 * The three ways an app runs in these benchmarks, on the same Node and app:
 *   bare      no instrumentation;
 *   ours      NODE_OPTIONS=" --require <staged tree>/autoinstrumentation.js", as our image is used;
 *   upstream  NODE_OPTIONS=" --require @opentelemetry/auto-instrumentations-node/register", as the stock image is used.
 * Both instrumented variants get the operator's usual environment and export
 * traces, metrics and logs over OTLP/gRPC to the receiver on 127.0.0.1.
 */
export const VARIANTS = ['bare', 'ours', 'upstream'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface VariantSetup {
  oursEntry: string;
  upstreamRegister: string;
  /** OTLP/gRPC endpoint of the receiver, like http://127.0.0.1:4317. */
  endpoint: string;
}

/**
 * Resource detectors for both instrumented variants. Upstream's default
 * ("all") adds the cloud detectors, which query metadata addresses off this
 * machine; benchmark traffic stays on 127.0.0.1, so both use our default set.
 */
export const RESOURCE_DETECTORS = 'env,host,os,process,container';

export function variantEnv(variant: Variant, setup: VariantSetup, serviceName: string, base: Record<string, string>): Record<string, string> {
  if (variant === 'bare') return { ...base };
  const entry = variant === 'ours' ? setup.oursEntry : setup.upstreamRegister;
  const env: Record<string, string> = {
    ...base,
    // The operator's value when the container sets no NODE_OPTIONS: note the leading space.
    NODE_OPTIONS: ` --require ${entry}`,
    OTEL_SERVICE_NAME: serviceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: setup.endpoint,
    OTEL_RESOURCE_ATTRIBUTES: 'k8s.container.name=app,k8s.namespace.name=bench,k8s.pod.name=bench-0,service.namespace=bench',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_LOGS_EXPORTER: 'otlp',
    OTEL_PROPAGATORS: 'tracecontext,baggage',
    OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    OTEL_NODE_RESOURCE_DETECTORS: RESOURCE_DETECTORS,
  };
  // Upstream's exporters default to HTTP/protobuf; ours default to gRPC.
  if (variant === 'upstream') env.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
  return env;
}

/** service.name of a variant's process, so the receiver can tell whose telemetry arrived. */
export function serviceNameOf(variant: Variant, app: string): string {
  return `bench-${variant}-${app}`;
}
