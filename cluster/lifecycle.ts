/**
 * `up`, `down` and `status` of the whole cluster, as functions the CLI and the
 * tests' global set-up share.
 */
import { existsSync, rmSync } from 'node:fs';
import { buildComponent, type BuiltComponent } from './build';
import { BUILD_ORDER, type ComponentName } from './components';
import { buildCollectorImage, COLLECTOR_IMAGE } from './collector-image';
import { startApiServer, startControllerManager, startEtcd, startScheduler } from './control-plane';
import { writeKubectlWrapper } from './kubectl';
import { KUBECONFIG, STATE_DIR } from './layout';
import { API_SERVER_URL, LOOPBACK, PORTS } from './network';
import { clusterContext, loadNode, NO_NODE } from './node-interface';
import { OPERATOR_PROCESS, startOperator } from './operator';
import { recordedProcesses, runningProcess, stopProcess } from './processes';
import { probe } from './readiness';
import { buildDatabaseImage } from './database-image';
import { presentInDocker, workloadImages } from './workload-images';
import { CA } from './pki';

/** Started in this order, stopped in the reverse one. */
export const CONTROL_PLANE_PROCESSES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', OPERATOR_PROCESS] as const;

export interface UpResult {
  built: BuiltComponent[];
  node: boolean;
  elapsedMs: number;
}

export async function buildAll(log: (line: string) => void): Promise<Record<ComponentName, BuiltComponent>> {
  const built = {} as Record<ComponentName, BuiltComponent>;
  for (const name of BUILD_ORDER) built[name] = await buildComponent(name, log);
  return built;
}

export async function up(log: (line: string) => void = console.log): Promise<UpResult> {
  const startedAt = Date.now();
  const built = await buildAll(log);
  writeKubectlWrapper(built['control-plane'].binaries.kubectl as string);
  log('cluster: starting etcd, kube-apiserver, kube-controller-manager, kube-scheduler on 127.0.0.1');
  await startEtcd(built.etcd);
  await startApiServer(built['control-plane']);
  await startControllerManager(built['control-plane']);
  await startScheduler(built['control-plane']);
  await buildCollectorImage(built.collector);
  await buildDatabaseImage();
  log(`cluster: starting the OpenTelemetry Operator (webhooks on ${LOOPBACK}:${PORTS.operatorWebhook}, collector image ${COLLECTOR_IMAGE})`);
  await startOperator(built.operator);
  const node = await loadNode();
  if (node) {
    const ctx = clusterContext(log);
    await node.startNode(ctx);
    // The images k8s/ needs, as far as this machine has built them (the tests that run them name any missing).
    const { present, missing } = await presentInDocker([COLLECTOR_IMAGE, ...(await workloadImages())]);
    await node.loadImages?.(ctx, present);
    if (missing.length) log(`cluster: not in the local Docker engine, so not loaded: ${missing.join(', ')}`);
  } else {
    log(`cluster: ${NO_NODE}; pods are admitted (and mutated) but not run`);
  }
  const elapsedMs = Date.now() - startedAt;
  log(`cluster: up in ${Math.round(elapsedMs / 1000)} s; kubeconfig ${KUBECONFIG}, kubectl .cluster/bin/kubectl`);
  return { built: Object.values(built), node: node !== undefined, elapsedMs };
}

export async function down(log: (line: string) => void = console.log): Promise<void> {
  const node = await loadNode();
  if (node && existsSync(STATE_DIR)) await node.stopNode(clusterContext(log));
  const known = new Set<string>(CONTROL_PLANE_PROCESSES);
  // Anything else recorded (a process of an older `up`) goes first, then the control plane in reverse.
  const order = [...recordedProcesses().map((r) => r.name).filter((n) => !known.has(n)), ...[...CONTROL_PLANE_PROCESSES].reverse()];
  for (const name of order) {
    if (await stopProcess(name)) log(`cluster: stopped ${name}`);
  }
  rmSync(STATE_DIR, { recursive: true, force: true });
  log('cluster: down (.cluster removed)');
}

export async function status(): Promise<{ lines: string[]; running: boolean }> {
  const lines: string[] = [];
  for (const name of CONTROL_PLANE_PROCESSES) {
    const record = runningProcess(name);
    lines.push(`${name}: ${record ? `running (pid ${record.pid})` : 'not running'}`);
  }
  let apiReady = false;
  if (existsSync(CA.cert) && runningProcess('kube-apiserver')) {
    const answer = await probe({ url: `${API_SERVER_URL}/readyz`, ca: CA.cert, client: { cert: `${CA.cert.replace(/ca\.crt$/, 'admin.crt')}`, key: `${CA.cert.replace(/ca\.crt$/, 'admin.key')}` } });
    apiReady = answer.status === 200;
    lines.push(`API server ${API_SERVER_URL}: ${apiReady ? 'ready' : answer.error ?? `HTTP ${answer.status}`}`);
  }
  const node = await loadNode();
  if (!node) lines.push(`node: ${NO_NODE}`);
  else if (node.nodeStatus) lines.push(...(await node.nodeStatus(clusterContext(() => {}))));
  return { lines, running: apiReady };
}
