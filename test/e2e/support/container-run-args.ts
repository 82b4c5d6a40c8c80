/**
 * A Kubernetes container spec as `docker run` arguments: what the kubelet
 * would enforce (user, runAsNonRoot, capabilities, no-new-privileges,
 * read-only root, memory and CPU limits, mounts, command) becomes the
 * matching docker flag, so a mutated pod's containers run here as they
 * would in a cluster. Pure; refuses what it cannot translate.
 */
import type { V1Container, V1ResourceRequirements, V1SecurityContext } from '@kubernetes/client-node';

const BINARY_SUFFIXES: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL_SUFFIXES: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A Kubernetes memory quantity ("64Mi", "128M", "1Gi", "1000") in bytes. */
export function memoryQuantityToBytes(quantity: string | number): number {
  const text = String(quantity).trim();
  const match = /^(\d+(?:\.\d+)?)([KMGT]i|[kMGT]?)$/.exec(text);
  if (!match) throw new Error(`memory quantity "${text}" is not one this translation knows (e.g. 64Mi, 128M, 1Gi)`);
  const factor = BINARY_SUFFIXES[match[2]!] ?? DECIMAL_SUFFIXES[match[2]!]!;
  return Math.round(Number(match[1]) * factor);
}

/** A Kubernetes CPU quantity ("200m", "1", "0.5") in cores. */
export function cpuQuantityToCores(quantity: string | number): number {
  const text = String(quantity).trim();
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!match) throw new Error(`cpu quantity "${text}" is not one this translation knows (e.g. 200m, 1, 0.5)`);
  return Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
}

export function resourceArgs(resources: V1ResourceRequirements | undefined): string[] {
  const limits = (resources?.limits ?? {}) as Record<string, string | number>;
  const args: string[] = [];
  if (limits.memory !== undefined) args.push('--memory', String(memoryQuantityToBytes(limits.memory)));
  if (limits.cpu !== undefined) args.push('--cpus', String(cpuQuantityToCores(limits.cpu)));
  return args;
}

/**
 * The securityContext as docker flags. `imageUser` is the image's USER
 * ("65532:65532", "1000", "" for root), needed for the runAsNonRoot check the
 * kubelet makes when the pod names no uid.
 */
export function securityArgs(context: V1SecurityContext | undefined, imageUser: string, container: string): string[] {
  const args: string[] = [];
  const sc = context ?? {};
  if (sc.privileged) throw new Error(`${container}: privileged containers are not translated`);
  if (sc.runAsUser !== undefined) args.push('--user', sc.runAsGroup !== undefined ? `${sc.runAsUser}:${sc.runAsGroup}` : String(sc.runAsUser));
  else if (sc.runAsGroup !== undefined) throw new Error(`${container}: runAsGroup without runAsUser is not translated`);
  if (sc.runAsNonRoot) {
    const user = sc.runAsUser !== undefined ? String(sc.runAsUser) : (imageUser.split(':')[0] ?? '');
    // The kubelet's own checks, with its wording.
    if (!/^\d+$/.test(user)) throw new Error(`${container}: container has runAsNonRoot and image has non-numeric user (${user || 'none'}), cannot verify user is non-root`);
    if (Number(user) === 0) throw new Error(`${container}: container has runAsNonRoot and image will run as root`);
  }
  if (sc.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  for (const capability of sc.capabilities?.drop ?? []) args.push('--cap-drop', capability);
  for (const capability of sc.capabilities?.add ?? []) args.push('--cap-add', capability);
  if (sc.readOnlyRootFilesystem) args.push('--read-only');
  // RuntimeDefault is what docker applies anyway: its default seccomp profile.
  const seccomp = sc.seccompProfile?.type;
  if (seccomp === 'Unconfined') args.push('--security-opt', 'seccomp=unconfined');
  else if (seccomp !== undefined && seccomp !== 'RuntimeDefault') throw new Error(`${container}: seccompProfile ${seccomp} is not translated`);
  return args;
}

export interface RunSettings {
  name: string;
  network: 'host' | 'none';
  /** Host directory backing each pod volume the container mounts, by volume name. */
  volumes: Record<string, string>;
  /** Volumes to mount read-only whatever the spec says. */
  readOnlyVolumes?: readonly string[];
  /** The container's resolved environment. */
  env?: Record<string, string>;
  /** USER of the container's image. */
  imageUser: string;
  /** Run in the background (docker run -d). */
  detach?: boolean;
}

/** Everything after `docker run`. */
export function containerRunArgs(container: V1Container, settings: RunSettings): string[] {
  if (!container.image) throw new Error(`${container.name}: no image`);
  const args = ['--name', settings.name, '--network', settings.network];
  if (settings.detach) args.push('--detach');
  args.push(...securityArgs(container.securityContext, settings.imageUser, container.name));
  args.push(...resourceArgs(container.resources));
  for (const mount of container.volumeMounts ?? []) {
    const hostDir = settings.volumes[mount.name];
    if (!hostDir) throw new Error(`${container.name}: mounts volume ${mount.name}, for which no host directory was given`);
    const readOnly = mount.readOnly || settings.readOnlyVolumes?.includes(mount.name);
    args.push('--volume', `${hostDir}:${mount.mountPath}${readOnly ? ':ro' : ''}`);
  }
  for (const [key, value] of Object.entries(settings.env ?? {})) args.push('--env', `${key}=${value}`);
  // command replaces the image's ENTRYPOINT (and, as in docker --entrypoint, its CMD); args replace the CMD.
  const [entrypoint, ...commandRest] = container.command ?? [];
  if (entrypoint !== undefined) args.push('--entrypoint', entrypoint);
  args.push(container.image, ...commandRest, ...(container.args ?? []));
  return args;
}
