import { isFalse, isTrue } from './annotations';
import type { Instrumentation } from '../instrumentation-types';

// Which Instrumentation an inject-nodejs value names (podmutator.go
// getInstrumentationInstance / selectInstrumentationInstanceFromNamespace).

export type InstrumentationSelection =
  | { kind: 'selected'; instrumentation: Instrumentation; how: string }
  | { kind: 'none'; reason: string }
  /** The operator logs the error and admits the pod unchanged. */
  | { kind: 'error'; reason: string };

// The operator's own error texts.
export const ERROR_NO_INSTANCES = 'no OpenTelemetry Instrumentation instances available';
export const ERROR_MULTIPLE_INSTANCES =
  'multiple OpenTelemetry Instrumentation instances available, cannot determine which one to select';

export function selectInstrumentation(
  annotationValue: string,
  podNamespace: string,
  instrumentations: readonly Instrumentation[],
): InstrumentationSelection {
  if (annotationValue === '') return { kind: 'none', reason: 'no inject-nodejs annotation on the pod or its namespace' };
  if (isFalse(annotationValue)) return { kind: 'none', reason: 'inject-nodejs is "false"' };

  if (isTrue(annotationValue)) {
    const inNamespace = instrumentations.filter((inst) => inst.metadata.namespace === podNamespace);
    const only = inNamespace[0];
    if (only === undefined) return { kind: 'error', reason: `${ERROR_NO_INSTANCES} (namespace ${podNamespace})` };
    if (inNamespace.length > 1) return { kind: 'error', reason: `${ERROR_MULTIPLE_INSTANCES} (namespace ${podNamespace})` };
    return {
      kind: 'selected',
      instrumentation: only,
      how: `"true" picks the only Instrumentation in namespace ${podNamespace}`,
    };
  }

  // strings.Cut on the first "/": "ns/name" names another namespace.
  const slash = annotationValue.indexOf('/');
  const namespace = slash === -1 ? podNamespace : annotationValue.slice(0, slash);
  const name = slash === -1 ? annotationValue : annotationValue.slice(slash + 1);
  const found = instrumentations.find((inst) => inst.metadata.namespace === namespace && inst.metadata.name === name);
  if (!found) {
    return { kind: 'error', reason: `instrumentations.opentelemetry.io "${name}" not found (namespace ${namespace})` };
  }
  return { kind: 'selected', instrumentation: found, how: `"${annotationValue}" names ${namespace}/${name}` };
}
