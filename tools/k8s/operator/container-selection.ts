import type { V1Container, V1PodSpec } from '@kubernetes/client-node';
import {
  ANNOTATION_CONTAINER_NAMES,
  ANNOTATION_NODEJS_CONTAINER_NAMES,
  effectiveAnnotation,
  type Annotations,
} from './annotations';

// Which containers get the Node.js SDK (podmutator.go setCommonInstrumentedContainers,
// setLanguageSpecificContainers, areInstrumentedContainersCorrect; sdk.go
// ensureContainer, containersToInstrument).

export type ContainerNames =
  | { kind: 'names'; names: string[]; how: string }
  /** The operator returns an error and admits the pod unchanged. */
  | { kind: 'error'; reason: string }
  /** The operator skips injection without an error (logged at debug level). */
  | { kind: 'skip'; reason: string };

const VALID_CONTAINERS_ANNOTATION = /^[a-zA-Z0-9-,]+$/;

function invalidCharacters(value: string): string | undefined {
  if (value === '' || VALID_CONTAINERS_ANNOTATION.test(value)) return undefined;
  return `not valid characters included in the instrumentation container annotation ${value}`;
}

/** Go's fmt %s of a []string: "[a b]". */
function duplicatedNames(names: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].filter(([name, count]) => name !== '' && count > 1).map(([name]) => name).sort();
}

export function resolveContainerNames(
  namespaceAnnotations: Annotations,
  podAnnotations: Annotations,
  multiInstrumentation: boolean,
): ContainerNames {
  const common = effectiveAnnotation(namespaceAnnotations, podAnnotations, ANNOTATION_CONTAINER_NAMES);
  const commonError = invalidCharacters(common.value);
  if (commonError) return { kind: 'error', reason: commonError };
  const names = common.value === '' ? [] : common.value.split(',');
  const how: string[] = common.value === '' ? [] : [`${ANNOTATION_CONTAINER_NAMES}="${common.value}" (${common.from})`];

  // The per-language annotation is read only with --enable-multi-instrumentation
  // (the operator's default), and is appended to the common list.
  if (multiInstrumentation) {
    const language = effectiveAnnotation(namespaceAnnotations, podAnnotations, ANNOTATION_NODEJS_CONTAINER_NAMES);
    const languageError = invalidCharacters(language.value);
    if (languageError) return { kind: 'error', reason: languageError };
    if (language.value !== '') {
      names.push(...language.value.split(','));
      how.push(`${ANNOTATION_NODEJS_CONTAINER_NAMES}="${language.value}" (${language.from})`);
    }
    const duplicates = duplicatedNames(names);
    if (duplicates.length > 0) return { kind: 'skip', reason: `duplicated container names detected: [${duplicates.join(' ')}]` };
  }
  return { kind: 'names', names, how: how.join(' + ') };
}

export interface TargetContainer {
  name: string;
  /** Whether it is one of spec.initContainers (those are processed first). */
  isInit: boolean;
}

export interface TargetContainers {
  targets: TargetContainer[];
  /** Names that match no container: the operator drops them silently. */
  unknownNames: string[];
  defaultedToFirst: boolean;
}

/** No names means the first regular container only; init containers come first, in pod order. */
export function containersToInstrument(spec: V1PodSpec, names: readonly string[]): TargetContainers {
  const defaultedToFirst = names.length === 0;
  const wanted = defaultedToFirst ? spec.containers.slice(0, 1).map((c) => c.name) : names;
  const initContainers: V1Container[] = spec.initContainers ?? [];
  const unknownNames: string[] = [];
  const inits: TargetContainer[] = [];
  const regulars: TargetContainer[] = [];
  for (const name of wanted) {
    if (spec.containers.some((c) => c.name === name)) regulars.push({ name, isInit: false });
    else if (initContainers.some((c) => c.name === name)) inits.push({ name, isInit: true });
    else unknownNames.push(name);
  }
  const position = (name: string) => initContainers.findIndex((c) => c.name === name);
  inits.sort((a, b) => position(a.name) - position(b.name));
  return { targets: [...inits, ...regulars], unknownNames, defaultedToFirst };
}
