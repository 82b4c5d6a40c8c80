/**
 * Where the cluster keeps things: its state in the repository's .cluster/
 * (ignored by git: kubeconfig, certificates, data, logs, pid files), its built
 * binaries in ~/.cache/custom-otel-cluster (outside the repository, shared by
 * clones, keyed by the pinned versions).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../scripts/repository';

export const CLUSTER_SOURCE_DIR = join(REPO_ROOT, 'cluster');
export const COMPONENTS_DIR = join(CLUSTER_SOURCE_DIR, 'components');
export const STATE_DIR = join(REPO_ROOT, '.cluster');
export const KUBECONFIG = join(STATE_DIR, 'kubeconfig');
export const KUBECTL_LINK = join(STATE_DIR, 'bin', 'kubectl');
export const PKI_DIR = join(STATE_DIR, 'pki');
export const RUN_DIR = join(STATE_DIR, 'run');
export const LOG_DIR = join(STATE_DIR, 'logs');
export const DATA_DIR = join(STATE_DIR, 'data');
export const BUILD_CACHE_DIR = process.env.CUSTOM_OTEL_CLUSTER_CACHE ?? join(homedir(), '.cache', 'custom-otel-cluster');
