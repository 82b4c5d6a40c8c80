/**
 * The cluster's node: containerd (with Debian's runc and CNI plugins), the
 * kubelet, kube-proxy and CoreDNS, all of the control plane's release, on the
 * node's own bridge and ranges (cluster/node-network.ts). `up` calls startNode,
 * `down` stopNode, `load` loadImages; startStandaloneNode runs the kubelet
 * without an API server (static pods only), to prove the runtime on its own.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand, runChecked } from '../scripts/child-process';
import { cniConflist, CNI_CONFLIST_NAME } from './cni-config';
import { containerdConfig, defaultRegistryHosts } from './containerd-config';
import { COREDNS_CONFIG_IN_POD, COREDNS_USER, corednsClusterObjects, corednsStaticPod, corefile } from './coredns';
import { CriClient, criApiProto } from './cri-client';
import { kubeProxyConfiguration } from './kube-proxy-config';
import { CLUSTER_DNS_IP } from './network';
import { kubeletArgs, kubeletConfiguration, podResolvConf, type KubeletMode } from './kubelet-config';
import { buildNodeComponent } from './node-build';
import { NODE_COMPONENTS, NODE_VERSIONS } from './node-components';
import { ensureCorednsImage, ensureSandboxImage, loadImagesIntoNode } from './node-images';
import { removeNodeChains } from './node-chains';
import { applyIsolation, removeIsolation } from './node-isolation';
import { componentKubeconfig } from './node-kubeconfig';
import { diskPressureProblem, filesystemRoom } from './node-disk';
import { nodeLayout, type NodeLayout } from './node-layout';
import { BRIDGE, BRIDGE_IP, BRIDGE_PREFIX, NODE_NAME, NODE_PORTS } from './node-network';
import { killProcesses, logTail, processesRunning, runningPid, startProcess, stopProcess } from './node-processes';

/** What the runtime alone needs (containerd, CNI, a standalone kubelet). */
export interface RuntimeContext {
  /** The cluster's state directory (.cluster/); the node keeps its own under node/. */
  stateDir: string;
  log: (line: string) => void;
}

export interface CertificateRequest {
  name: string;
  commonName: string;
  organization?: string;
  ipAddresses?: string[];
  dnsNames?: string[];
}

/** What the node gets from the control plane's side. */
export interface NodeContext extends RuntimeContext {
  ca: { cert: string; key: string };
  /** A certificate signed by the cluster's CA, good for serving and as a client. */
  issueCertificate: (request: CertificateRequest) => Promise<{ cert: string; key: string }>;
  /** The admin kubeconfig. */
  kubeconfig: string;
  kubectl: string;
  network: { API_SERVER_URL: string };
}

interface NodeBinaries {
  kubelet: string;
  kubeProxy: string;
  containerd: string;
  shim: string;
  ctr: string;
  coredns: string;
}

const PROCESS = { containerd: 'containerd', kubelet: 'kubelet', standaloneKubelet: 'kubelet-standalone', kubeProxy: 'kube-proxy' } as const;
const RUNC = '/usr/sbin/runc';

function dirsOf(layout: NodeLayout): { runDir: string; logDir: string } {
  return { runDir: layout.runDir, logDir: layout.logDir };
}

/** Every host tool the node runs that is not built here, with the Debian package that brings it. */
function checkHostPrerequisites(): void {
  const { runc, cniPlugins } = NODE_VERSIONS;
  const missing: string[] = [];
  if (!existsSync(RUNC)) missing.push(`${RUNC} (Debian package ${runc.debianPackage})`);
  for (const plugin of cniPlugins.plugins) {
    const path = join(cniPlugins.binDir, plugin);
    if (!existsSync(path)) missing.push(`${path} (Debian package ${cniPlugins.debianPackage})`);
  }
  for (const [tool, pkg] of [['/usr/sbin/iptables', 'iptables'], ['/usr/sbin/conntrack', 'conntrack'], ['/usr/sbin/ip', 'iproute2']] as const) {
    if (!existsSync(tool)) missing.push(`${tool} (Debian package ${pkg})`);
  }
  if (missing.length) throw new Error(`cluster: the node cannot start, missing on this machine: ${missing.join(', ')}`);
}

async function buildBinaries(log: (line: string) => void): Promise<NodeBinaries> {
  const node = await buildNodeComponent('node', log);
  const containerd = await buildNodeComponent('containerd', log);
  const coredns = await buildNodeComponent('coredns', log);
  const bin = (built: { binaries: Record<string, string> }, name: string): string => built.binaries[name] as string;
  return {
    kubelet: bin(node, 'kubelet'),
    kubeProxy: bin(node, 'kube-proxy'),
    containerd: bin(containerd, 'containerd'),
    shim: bin(containerd, 'containerd-shim-runc-v2'),
    ctr: bin(containerd, 'ctr'),
    coredns: bin(coredns, 'coredns'),
  };
}

/** The binaries the last start used: stopNode needs them without building. */
function binariesFile(layout: NodeLayout): string {
  return join(layout.root, 'binaries.json');
}

function recordedBinaries(layout: NodeLayout): NodeBinaries | undefined {
  const file = binariesFile(layout);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NodeBinaries) : undefined;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, details: () => string): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(500)) {
    if (await check().catch(() => false)) return;
  }
  throw new Error(`cluster: ${what} did not happen within ${timeoutMs / 1000} s\n${details()}`);
}

async function ensureBridge(): Promise<void> {
  if ((await runCommand('ip', ['link', 'show', BRIDGE])).exitCode !== 0) await runChecked('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  const addresses = (await runChecked('ip', ['-4', '-o', 'addr', 'show', 'dev', BRIDGE])).stdout;
  if (!addresses.includes(` ${BRIDGE_IP}/${BRIDGE_PREFIX} `)) await runChecked('ip', ['addr', 'add', `${BRIDGE_IP}/${BRIDGE_PREFIX}`, 'dev', BRIDGE]);
  await runChecked('ip', ['link', 'set', BRIDGE, 'up']);
}

async function removeBridge(): Promise<void> {
  if ((await runCommand('ip', ['link', 'show', BRIDGE])).exitCode === 0) await runChecked('ip', ['link', 'delete', BRIDGE]);
}

async function criClient(layout: NodeLayout): Promise<CriClient> {
  const proto = await criApiProto(NODE_COMPONENTS.node.dir, NODE_VERSIONS.kubernetes.stagingVersion);
  return new CriClient(proto, layout.containerdSocket);
}

async function startContainerd(layout: NodeLayout, binaries: NodeBinaries, sandboxImage: string): Promise<CriClient> {
  const { cniPlugins } = NODE_VERSIONS;
  for (const dir of [layout.containerdRoot, layout.containerdState, layout.runcRoot]) mkdirSync(dir, { recursive: true });
  writeFileSync(layout.containerdConfig, containerdConfig({ layout, runc: RUNC, cniBinDir: cniPlugins.binDir, sandboxImage }));
  mkdirSync(join(layout.registryConfigDir, '_default'), { recursive: true });
  writeFileSync(join(layout.registryConfigDir, '_default', 'hosts.toml'), defaultRegistryHosts());
  // containerd finds its runc shim on PATH.
  const env = { ...process.env, PATH: `${dirname(binaries.shim)}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` };
  startProcess(dirsOf(layout), PROCESS.containerd, binaries.containerd, ['--config', layout.containerdConfig], env);
  const cri = await criClient(layout);
  await waitFor('containerd answering on its CRI socket', async () => (await cri.version()).runtimeName === 'containerd', 60_000, () =>
    logTail(dirsOf(layout), PROCESS.containerd),
  );
  return cri;
}

export interface NodeRuntime {
  layout: NodeLayout;
  binaries: NodeBinaries;
  cri: CriClient;
}

/** containerd with runc and CNI on the node's bridge, the isolation rules, and the sandbox image loaded. */
export async function startRuntime(ctx: RuntimeContext): Promise<NodeRuntime> {
  checkHostPrerequisites();
  const binaries = await buildBinaries(ctx.log);
  const layout = nodeLayout(ctx.stateDir);
  // A node whose containerd root exists has its images on the disk already.
  const firstStart = !existsSync(layout.containerdRoot);
  for (const dir of [layout.root, layout.cniConfDir, layout.cniDataDir, layout.staticPodDir, layout.podLogDir, layout.logDir, layout.runDir]) {
    mkdirSync(dir, { recursive: true });
  }
  const diskProblem = diskPressureProblem(filesystemRoom(layout.root), firstStart ? undefined : { bytes: 0, inodes: 0 });
  if (diskProblem) throw new Error(diskProblem);
  writeFileSync(binariesFile(layout), `${JSON.stringify(binaries, null, 2)}\n`);
  writeFileSync(join(layout.cniConfDir, CNI_CONFLIST_NAME), cniConflist(layout.cniDataDir));
  writeFileSync(layout.resolvConf, podResolvConf());
  await ensureBridge();
  await applyIsolation();
  const sandboxImage = await ensureSandboxImage();
  const cri = await startContainerd(layout, binaries, sandboxImage);
  await loadImagesIntoNode(cri, binaries.ctr, layout.containerdSocket, [sandboxImage]);
  return { layout, binaries, cri };
}

function startKubelet(runtime: NodeRuntime, mode: KubeletMode, name: string): void {
  const { layout, binaries } = runtime;
  writeFileSync(layout.kubeletConfig, kubeletConfiguration(layout, mode));
  mkdirSync(layout.kubeletRoot, { recursive: true });
  startProcess(dirsOf(layout), name, binaries.kubelet, kubeletArgs(layout, mode));
}

async function kubeletHealthy(): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${NODE_PORTS.kubeletHealthz}/healthz`);
  return response.ok;
}

/** The runtime and a kubelet with no API server: it runs the static pods of <node>/manifests. */
export async function startStandaloneNode(ctx: RuntimeContext): Promise<NodeRuntime> {
  const runtime = await startRuntime(ctx);
  await stopProcess(dirsOf(runtime.layout), PROCESS.kubelet);
  startKubelet(runtime, { kind: 'standalone' }, PROCESS.standaloneKubelet);
  await waitFor('the standalone kubelet healthy', kubeletHealthy, 120_000, () => logTail(dirsOf(runtime.layout), PROCESS.standaloneKubelet));
  return runtime;
}

async function kubectl(ctx: NodeContext, args: string[], input?: string): Promise<string> {
  return (await runChecked(ctx.kubectl, ['--kubeconfig', ctx.kubeconfig, ...args], { input, timeoutMs: 60_000 })).stdout;
}

async function writeComponentKubeconfig(ctx: NodeContext, path: string, name: string, commonName: string, organization?: string): Promise<void> {
  const client = await ctx.issueCertificate({ name, commonName, organization });
  writeFileSync(path, componentKubeconfig({ server: ctx.network.API_SERVER_URL, caFile: ctx.ca.cert, user: commonName, certFile: client.cert, keyFile: client.key }));
}

async function prepareCoredns(ctx: NodeContext, runtime: NodeRuntime): Promise<void> {
  const { layout, binaries, cri } = runtime;
  mkdirSync(layout.corednsDir, { recursive: true });
  // The kubeconfig, certificate and key CoreDNS reads, in the one directory it mounts.
  const client = await ctx.issueCertificate({ name: 'coredns', commonName: COREDNS_USER });
  for (const [source, target] of [[ctx.ca.cert, 'ca.crt'], [client.cert, 'client.crt'], [client.key, 'client.key']] as const) {
    writeFileSync(join(layout.corednsDir, target), readFileSync(source));
  }
  writeFileSync(
    join(layout.corednsDir, 'kubeconfig'),
    componentKubeconfig({
      server: ctx.network.API_SERVER_URL,
      caFile: `${COREDNS_CONFIG_IN_POD}/ca.crt`,
      user: COREDNS_USER,
      certFile: `${COREDNS_CONFIG_IN_POD}/client.crt`,
      keyFile: `${COREDNS_CONFIG_IN_POD}/client.key`,
    }),
  );
  writeFileSync(join(layout.corednsDir, 'Corefile'), corefile(`${COREDNS_CONFIG_IN_POD}/kubeconfig`));
  await kubectl(ctx, ['apply', '-f', '-'], corednsClusterObjects());
  const image = await ensureCorednsImage(binaries.coredns, NODE_VERSIONS.coredns.version);
  await loadImagesIntoNode(cri, binaries.ctr, layout.containerdSocket, [image]);
  writeFileSync(join(layout.staticPodDir, 'coredns.json'), corednsStaticPod(image, layout.corednsDir));
}

async function nodeReady(ctx: NodeContext): Promise<boolean> {
  const out = await kubectl(ctx, ['get', 'node', NODE_NAME, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
  return out.trim() === 'True';
}

/** CoreDNS itself ready (its ready plugin, on the host network) and the kube-dns Service's endpoint ready. */
async function dnsReady(ctx: NodeContext): Promise<boolean> {
  if (!(await fetch(`http://127.0.0.1:${NODE_PORTS.corednsReady}/ready`)).ok) return false;
  const out = await kubectl(ctx, ['-n', 'kube-system', 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=kube-dns', '-o', 'jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[*]}']);
  return out.trim().split(/\s+/).includes(BRIDGE_IP);
}

/** Builds (cached) and starts the node; idempotent; resolves once the Node is Ready and the cluster's DNS answers. */
export async function startNode(ctx: NodeContext): Promise<void> {
  const runtime = await startRuntime(ctx);
  const { layout, binaries } = runtime;
  const dirs = dirsOf(layout);
  try {
    await stopProcess(dirs, PROCESS.standaloneKubelet);
    const serving = await ctx.issueCertificate({ name: 'kubelet-serving', commonName: `system:node:${NODE_NAME}`, organization: 'system:nodes', ipAddresses: [BRIDGE_IP, '127.0.0.1'], dnsNames: [NODE_NAME] });
    await writeComponentKubeconfig(ctx, layout.kubeletKubeconfig, 'kubelet-client', `system:node:${NODE_NAME}`, 'system:nodes');
    await writeComponentKubeconfig(ctx, layout.kubeProxyKubeconfig, 'kube-proxy', 'system:kube-proxy');
    await prepareCoredns(ctx, runtime);
    startKubelet(runtime, { kind: 'cluster', caFile: ctx.ca.cert, servingCert: serving.cert, servingKey: serving.key }, PROCESS.kubelet);
    await waitFor(`the Node ${NODE_NAME} Ready`, () => nodeReady(ctx), 180_000, () => logTail(dirs, PROCESS.kubelet));
    // kube-proxy exits as soon as its configuration file is written to, so a running one keeps an unchanged file.
    const proxyConfig = kubeProxyConfiguration(layout.kubeProxyKubeconfig);
    if (!existsSync(layout.kubeProxyConfig) || readFileSync(layout.kubeProxyConfig, 'utf8') !== proxyConfig) {
      await stopProcess(dirs, PROCESS.kubeProxy);
      writeFileSync(layout.kubeProxyConfig, proxyConfig);
    }
    startProcess(dirs, PROCESS.kubeProxy, binaries.kubeProxy, [`--config=${layout.kubeProxyConfig}`, '--v=1']);
    await waitFor('kube-proxy healthy', async () => (await fetch(`http://127.0.0.1:${NODE_PORTS.kubeProxyHealthz}/healthz`)).ok, 60_000, () =>
      logTail(dirs, PROCESS.kubeProxy),
    );
    await waitFor('CoreDNS ready behind the kube-dns Service', () => dnsReady(ctx), 180_000, () => logTail(dirs, PROCESS.kubelet));
  } finally {
    runtime.cri.close();
  }
}

/** Puts images of the local Docker engine into the node's runtime (`kind load docker-image`); returns those it loaded. */
export async function loadImages(ctx: RuntimeContext, images: readonly string[]): Promise<string[]> {
  const layout = nodeLayout(ctx.stateDir);
  const binaries = recordedBinaries(layout);
  if (!binaries || runningPid(dirsOf(layout), PROCESS.containerd) === undefined) {
    throw new Error('cluster: cannot load images: the node is not running (`npm run cluster -- up` starts it)');
  }
  const cri = await criClient(layout);
  try {
    const loaded = await loadImagesIntoNode(cri, binaries.ctr, layout.containerdSocket, images);
    ctx.log(loaded.length ? `cluster: loaded ${loaded.join(', ')} into the node` : 'cluster: the node already has these images');
    return loaded;
  } finally {
    cri.close();
  }
}

/** Every mount point under the node's directory, deepest first. */
function mountsUnder(root: string): string[] {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined && (point === root || point.startsWith(`${root}/`)))
    .map((point) => point.replace(/\\040/g, ' '));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Stops every process and removes every container, network namespace, mount, iptables rule and the bridge the node made. */
export async function stopNode(ctx: RuntimeContext): Promise<void> {
  const layout = nodeLayout(ctx.stateDir);
  const dirs = dirsOf(layout);
  const binaries = recordedBinaries(layout);
  await stopProcess(dirs, PROCESS.kubeProxy);
  if (binaries && existsSync(binaries.kubeProxy)) await runCommand(binaries.kubeProxy, ['--cleanup']);
  await stopProcess(dirs, PROCESS.kubelet);
  await stopProcess(dirs, PROCESS.standaloneKubelet);
  if (binaries && existsSync(binaries.containerd) && existsSync(layout.containerdState)) {
    // Only the CRI tears a pod's network down: containerd runs (again) until every pod is gone.
    const sandboxImage = await ensureSandboxImage();
    const cri = await startContainerd(layout, binaries, sandboxImage);
    try {
      const removed = await cri.removeAllPods();
      if (removed) ctx.log(`cluster: removed ${removed} pod(s) from the node`);
    } finally {
      cri.close();
    }
  }
  await stopProcess(dirs, PROCESS.containerd);
  if (binaries) await killProcesses(processesRunning([binaries.shim]));
  for (const point of mountsUnder(layout.root)) {
    if ((await runCommand('umount', [point])).exitCode !== 0) await runCommand('umount', ['-l', point]);
  }
  // Runtime state only; containerd's root (the loaded images) stays for the next `up`.
  for (const dir of [layout.containerdState, layout.runcRoot, layout.kubeletRoot, layout.cniDataDir, layout.staticPodDir, layout.podLogDir]) {
    rmSync(dir, { recursive: true, force: true });
  }
  await removeBridge();
  await removeIsolation();
  await removeNodeChains();
}

/** One line per part of the node, for `status`. */
export async function nodeStatus(ctx: RuntimeContext | NodeContext): Promise<string[]> {
  const layout = nodeLayout(ctx.stateDir);
  const lines = Object.values(PROCESS).flatMap((name) => {
    const pid = runningPid(dirsOf(layout), name);
    if (pid !== undefined) return [`${name}: running (pid ${pid})`];
    return name === PROCESS.standaloneKubelet ? [] : [`${name}: stopped`];
  });
  if (runningPid(dirsOf(layout), PROCESS.kubelet) === undefined || !('kubectl' in ctx)) return lines;
  // What the processes alone cannot say: whether the API server sees the node Ready, whether the cluster's DNS answers.
  const ready = await nodeReady(ctx).catch(() => false);
  lines.push(`Node ${NODE_NAME}: ${ready ? 'Ready' : 'not Ready'}`);
  const dns = await fetch(`http://127.0.0.1:${NODE_PORTS.corednsReady}/ready`).then((r) => r.ok, () => false);
  lines.push(`CoreDNS (kube-dns ${CLUSTER_DNS_IP}): ${dns ? 'ready' : 'not ready'}`);
  return lines;
}

/** Names of the files in the node's static pod directory (for tests and status). */
export function staticPods(ctx: RuntimeContext): string[] {
  const dir = nodeLayout(ctx.stateDir).staticPodDir;
  return existsSync(dir) ? readdirSync(dir) : [];
}
