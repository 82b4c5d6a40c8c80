/**
 * Whether the node's filesystem has room for a cluster. Under the kubelet's
 * evictionHard thresholds the node gets the disk-pressure taint: no pod is
 * scheduled and every rollout waits until it times out, far from the cause.
 * So the node refuses to start when its filesystem is already there or would
 * be once the cluster's images and pods are on it, and says how much is free.
 */
import { statfsSync } from 'node:fs';
import { EVICTION_HARD } from './kubelet-config';

/**
 * What the cluster's images (unpacked in containerd), pods and logs take during
 * the test suite, with room to spare: running `npx vitest run --project cluster`
 * took free space down by 3.7 GB at the most (sampled every 15 s), and the node's
 * directory held 146,000 files after the images were loaded.
 */
export const CLUSTER_DISK_NEED = { bytes: 5 * 1024 ** 3, inodes: 400_000 };

export interface FilesystemRoom {
  path: string;
  totalBytes: number;
  /** Free to processes that are not root: what the kubelet counts as available. */
  availableBytes: number;
  totalInodes: number;
  freeInodes: number;
}

export function filesystemRoom(path: string): FilesystemRoom {
  const stats = statfsSync(path);
  return {
    path,
    totalBytes: stats.blocks * stats.bsize,
    availableBytes: stats.bavail * stats.bsize,
    totalInodes: stats.files,
    freeInodes: stats.ffree,
  };
}

function percentOf(threshold: string): number {
  const match = /^(\d+(?:\.\d+)?)%$/.exec(threshold);
  if (!match) throw new Error(`cluster: evictionHard threshold ${threshold} is not a percentage`);
  return Number(match[1]) / 100;
}

const gib = (bytes: number): string => (bytes / 1024 ** 3).toFixed(1);

/** Why the node would be under disk pressure on this filesystem once it holds `need` more, or undefined when it has room. */
export function diskPressureProblem(room: FilesystemRoom, need: { bytes: number; inodes: number } = CLUSTER_DISK_NEED): string | undefined {
  const where = `cluster: the node cannot start, its filesystem (${room.path})`;
  const evictBelowBytes = room.totalBytes * Math.max(percentOf(EVICTION_HARD['nodefs.available']), percentOf(EVICTION_HARD['imagefs.available']));
  if (room.availableBytes < evictBelowBytes + need.bytes) {
    return (
      `${where} has ${gib(room.availableBytes)} GiB free of ${gib(room.totalBytes)} GiB; ` +
      `the kubelet taints the node and evicts its pods below ${gib(evictBelowBytes)} GiB (evictionHard nodefs.available ${EVICTION_HARD['nodefs.available']}) ` +
      `and the cluster's images and pods take up to ${gib(need.bytes)} GiB. Free at least ${gib(evictBelowBytes + need.bytes - room.availableBytes)} GiB ` +
      `there (Docker's build cache: docker builder prune) and start it again.`
    );
  }
  const evictBelowInodes = Math.ceil(room.totalInodes * percentOf(EVICTION_HARD['nodefs.inodesFree']));
  // Some filesystems report no inode count at all: nothing to run out of.
  if (room.totalInodes > 0 && room.freeInodes < evictBelowInodes + need.inodes) {
    return (
      `${where} has ${room.freeInodes} of ${room.totalInodes} inodes free; the kubelet taints the node below ${evictBelowInodes} ` +
      `(evictionHard nodefs.inodesFree ${EVICTION_HARD['nodefs.inodesFree']}) and the cluster's images and pods take up to ${need.inodes}. ` +
      `Remove files there and start it again.`
    );
  }
  return undefined;
}
