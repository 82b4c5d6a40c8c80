import type { V1PodSpec } from '@kubernetes/client-node';
import { ENV_NODE_NAME } from './resource-attributes';

// The operator's idempotency guard (helper.go isAutoInstrumentationInjected): a pod
// that already carries any language's init container, the Go sidecar, or the
// node-name variable in any container is left alone entirely.

const INSTRUMENTATION_INIT_CONTAINERS = [
  'opentelemetry-auto-instrumentation-dotnet',
  'opentelemetry-auto-instrumentation-java',
  'opentelemetry-auto-instrumentation-nodejs',
  'opentelemetry-auto-instrumentation-python',
  'otel-agent-attach-apache',
  'otel-agent-source-container-clone',
];
const GO_SIDECAR = 'opentelemetry-auto-instrumentation';
const COLLECTOR_SIDECAR = 'otc-container';

export function alreadyInstrumentedReason(spec: V1PodSpec): string | undefined {
  const init = (spec.initContainers ?? []).find((c) => INSTRUMENTATION_INIT_CONTAINERS.includes(c.name));
  if (init) return `already instrumented: the pod has the init container ${init.name}`;
  for (const container of spec.containers ?? []) {
    if (container.name === GO_SIDECAR) return `already instrumented: the pod has the container ${GO_SIDECAR}`;
    if (container.name !== COLLECTOR_SIDECAR && (container.env ?? []).some((e) => e.name === ENV_NODE_NAME)) {
      return `already instrumented: container ${container.name} sets ${ENV_NODE_NAME}`;
    }
  }
  return undefined;
}
