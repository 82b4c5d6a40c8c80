// The operator's annotation contract (annotation.go) and how a pod's value and
// its namespace's value combine.

export const ANNOTATION_INJECT_NODEJS = 'instrumentation.opentelemetry.io/inject-nodejs';
export const ANNOTATION_CONTAINER_NAMES = 'instrumentation.opentelemetry.io/container-names';
export const ANNOTATION_NODEJS_CONTAINER_NAMES = 'instrumentation.opentelemetry.io/nodejs-container-names';
/** resource.opentelemetry.io/<attribute> on the pod sets that resource attribute. */
export const RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX = 'resource.opentelemetry.io/';

export type Annotations = Record<string, string> | undefined;

export interface EffectiveAnnotation {
  value: string;
  /** Where the effective value came from, for the explanation. */
  from: 'pod' | 'namespace' | 'none';
}

const equalsIgnoringCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The operator's annotationValue(): the pod wins unless it says "true" (which only
 * means "instrument me") while the namespace names an instance or also says "true".
 */
export function effectiveAnnotation(namespaceAnnotations: Annotations, podAnnotations: Annotations, key: string): EffectiveAnnotation {
  const podValue = podAnnotations?.[key] ?? '';
  const namespaceValue = namespaceAnnotations?.[key] ?? '';
  if (namespaceValue === '') return { value: podValue, from: podValue === '' ? 'none' : 'pod' };
  if (podValue === '') return { value: namespaceValue, from: 'namespace' };
  if (!equalsIgnoringCase(podValue, 'true')) return { value: podValue, from: 'pod' };
  if (equalsIgnoringCase(namespaceValue, 'false')) return { value: podValue, from: 'pod' };
  return { value: namespaceValue, from: 'namespace' };
}

export function isTrue(value: string): boolean {
  return equalsIgnoringCase(value, 'true');
}

export function isFalse(value: string): boolean {
  return equalsIgnoringCase(value, 'false');
}
