import type { V1EnvVar } from '@kubernetes/client-node';

// The operator's env-list primitives (helper.go / sdk.go), as pure functions
// that return new arrays. Kubernetes expands $(VAR) only against variables
// declared EARLIER in the list, so order is part of the contract.

export function indexOfEnv(envs: readonly V1EnvVar[], name: string): number {
  return envs.findIndex((env) => env.name === name);
}

/** Appends each variable whose name is not in the list yet (the operator's appendIfNotSet). */
export function appendIfNotSet(envs: readonly V1EnvVar[], ...additions: V1EnvVar[]): V1EnvVar[] {
  const result = [...envs];
  for (const env of additions) {
    if (indexOfEnv(result, env.name) === -1) result.push(env);
  }
  return result;
}

/** Replaces a variable in place, or appends it (the operator's appendOrReplace). */
export function appendOrReplace(envs: readonly V1EnvVar[], ...additions: V1EnvVar[]): V1EnvVar[] {
  const result = [...envs];
  for (const env of additions) {
    const index = indexOfEnv(result, env.name);
    if (index === -1) result.push(env);
    else result[index] = env;
  }
  return result;
}

/** Moves the named variable to the end, so its $(VAR) references see every other variable. */
export function moveEnvToEnd(envs: readonly V1EnvVar[], name: string): V1EnvVar[] {
  const index = indexOfEnv(envs, name);
  const moved = envs[index];
  if (moved === undefined) return [...envs];
  return [...envs.slice(0, index), ...envs.slice(index + 1), moved];
}

/** A downward-API variable, written exactly as the operator writes it (no fieldRef.apiVersion). */
export function fieldRefEnv(name: string, fieldPath: string): V1EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}
