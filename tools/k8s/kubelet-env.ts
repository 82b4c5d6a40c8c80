import type { V1EnvVar } from '@kubernetes/client-node';

// What a container's environment becomes when the kubelet starts it: downward-API
// values filled in, and $(VAR) references expanded the way Kubernetes does
// (third_party/forked/golang/expansion): only against variables defined EARLIER
// in the same list; an undefined reference stays literal; "$$" is an escaped "$".
// Lets a test run a mutated pod's container on plain Docker with the same env.

export interface DownwardValues {
  podName: string;
  podUID: string;
  nodeName: string;
  hostIP: string;
  podIP: string;
  namespace: string;
  serviceAccountName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Secret and ConfigMap contents by name then key, for secretKeyRef / configMapKeyRef. */
  secrets?: Record<string, Record<string, string>>;
  configMaps?: Record<string, Record<string, string>>;
}

/** Expands $(NAME) with `lookup`; a name lookup does not know is written back unchanged. */
export function expandReferences(input: string, lookup: (name: string) => string | undefined): string {
  let output = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    output += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      output += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')');
      if (close === -1) {
        // An unterminated "$(" is kept as written.
        output += '$(';
      } else {
        const name = rest.slice(1, close);
        output += lookup(name) ?? `$(${name})`;
        advance = close + 1;
      }
    } else {
      output += '$' + rest[0];
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return output + input.slice(checkpoint);
}

const SELECTOR = /^metadata\.(labels|annotations)\['(.+)'\]$/;

function fieldValue(variable: string, fieldPath: string, downward: DownwardValues): string {
  switch (fieldPath) {
    case 'metadata.name':
      return downward.podName;
    case 'metadata.namespace':
      return downward.namespace;
    case 'metadata.uid':
      return downward.podUID;
    case 'spec.nodeName':
      return downward.nodeName;
    case 'spec.serviceAccountName':
      return downward.serviceAccountName ?? 'default';
    case 'status.hostIP':
    case 'status.hostIPs':
      return downward.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return downward.podIP;
  }
  const selected = SELECTOR.exec(fieldPath);
  if (selected) {
    const map = selected[1] === 'labels' ? downward.labels : downward.annotations;
    return map?.[selected[2] ?? ''] ?? '';
  }
  throw new Error(`env ${variable}: fieldRef.fieldPath "${fieldPath}" is not a downward-API field this resolver knows`);
}

/**
 * The environment as the app process sees it, in definition order (a later
 * duplicate name overwrites an earlier one, as in the kubelet).
 */
export function resolvePodEnv(containerEnv: readonly V1EnvVar[] | undefined, downward: DownwardValues): Record<string, string> {
  const resolved: Record<string, string> = {};
  const lookup = (name: string) => (Object.prototype.hasOwnProperty.call(resolved, name) ? resolved[name] : undefined);
  for (const env of containerEnv ?? []) {
    const source = env.valueFrom;
    if (!source) {
      resolved[env.name] = expandReferences(env.value ?? '', lookup);
      continue;
    }
    if (source.fieldRef) {
      resolved[env.name] = fieldValue(env.name, source.fieldRef.fieldPath, downward);
      continue;
    }
    const keyRef = source.configMapKeyRef ?? source.secretKeyRef;
    if (keyRef) {
      const kind = source.configMapKeyRef ? 'configMap' : 'secret';
      const store = source.configMapKeyRef ? downward.configMaps : downward.secrets;
      const value = store?.[keyRef.name ?? '']?.[keyRef.key];
      if (value !== undefined) resolved[env.name] = value;
      // The kubelet skips an optional reference it cannot resolve, and refuses to start the container otherwise.
      else if (!keyRef.optional) {
        throw new Error(`env ${env.name}: ${kind} ${keyRef.name} key ${keyRef.key} is not in the ${kind}s given to resolvePodEnv`);
      }
      continue;
    }
    const what = source.resourceFieldRef ? `resourceFieldRef ${source.resourceFieldRef.resource}` : 'an unknown valueFrom source';
    throw new Error(`env ${env.name}: its value comes from ${what}, which resolvePodEnv cannot read; set the value directly`);
  }
  return resolved;
}
