/**
 * The node's runtime on this machine: containerd 2.x with Debian's runc and the
 * CNI bridge, and the real kubelet (standalone: static pods, no API server)
 * running a pod from an image loaded out of the local Docker engine. The pod
 * gets an address from the node's pod subnet and routes to the cluster's ranges
 * only; the isolation chain is read back from the kernel; stopNode leaves no
 * process, pod, mount, bridge or rule behind.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../scripts/child-process';
import { NO_REGISTRY } from '../../cluster/containerd-config';
import type { CriClient } from '../../cluster/cri-client';
import { loadImages, startStandaloneNode, stopNode, type NodeRuntime } from '../../cluster/node';
import { nodeChainsLeft } from '../../cluster/node-chains';
import { expectedListing, ISOLATION_CHAIN, ISOLATION_HOOK, ISOLATION_TABLE, readIsolation } from '../../cluster/node-isolation';
import { nodeLayout } from '../../cluster/node-layout';
import { BRIDGE, BRIDGE_IP, POD_ROUTES } from '../../cluster/node-network';
import { processesRunning, runningPid } from '../../cluster/node-processes';
import { runtimeContext } from './support/node-context';

const ctx = runtimeContext();
const nodeDirs = { runDir: nodeLayout(ctx.stateDir).runDir, logDir: nodeLayout(ctx.stateDir).logDir };
const POD_IMAGE = 'busybox:stable';
const POD_NAME = 'node-probe';
let runtime: NodeRuntime;
let cri: CriClient;
let startedHere = false;

function staticPod(): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD_NAME, namespace: 'default' },
    spec: {
      containers: [{ name: 'probe', image: POD_IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'] }],
    },
  });
}

async function runningProbe(): Promise<{ podId: string; containerId: string } | undefined> {
  const pod = (await cri.pods()).find((p) => p.metadata.name.startsWith(POD_NAME) && p.state === 'SANDBOX_READY');
  if (!pod) return undefined;
  const container = (await cri.containers()).find((c) => c.podSandboxId === pod.id && c.state === 'CONTAINER_RUNNING');
  return container ? { podId: pod.id, containerId: container.id } : undefined;
}

async function waitForProbe(): Promise<{ podId: string; containerId: string }> {
  for (let i = 0; i < 240; i++) {
    const probe = await runningProbe();
    if (probe) return probe;
    await sleep(500);
  }
  const log = join(nodeLayout(ctx.stateDir).logDir, 'kubelet-standalone.log');
  throw new Error(`the static pod ${POD_NAME} never ran; kubelet log:\n${readFileSync(log, 'utf8').split('\n').slice(-30).join('\n')}`);
}

describe('the node runtime (containerd, runc, CNI, kubelet standalone)', () => {
  beforeAll(async () => {
    // One node per machine (one bridge, one set of ports): a cluster's node must be stopped first, never taken over.
    if (runningPid(nodeDirs, 'kubelet') !== undefined) {
      throw new Error('the node runs in cluster mode (`npm run cluster -- up`): `npm run cluster -- down` before this project');
    }
    startedHere = true;
    runtime = await startStandaloneNode(ctx);
    cri = runtime.cri;
    await loadImages(ctx, [POD_IMAGE]);
    writeFileSync(join(runtime.layout.staticPodDir, `${POD_NAME}.json`), staticPod());
  });

  afterAll(async () => {
    cri?.close();
    // Never the node of a cluster that was up before: only the one this file started.
    if (startedHere) await stopNode(ctx);
  });

  it('runs the static pod on containerd, from the image loaded out of the Docker engine', async () => {
    const version = await cri.version();
    expect(version.runtimeName).toBe('containerd');
    expect(version.runtimeVersion).toBe('v2.4.2');
    const { containerId } = await waitForProbe();
    const container = (await cri.containers()).find((c) => c.id === containerId);
    expect(container?.metadata.name).toBe('probe');
    expect(await cri.imageId(POD_IMAGE)).toBe((await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', POD_IMAGE])).stdout.trim());
  });

  it('asks no registry for an image it lacks: a pull goes to a closed port on the loopback and fails', async () => {
    // A registry named by an address on the node's own bridge: were the hosts file ignored, the pull would go there and no further.
    await expect(cri.pullImage(`${BRIDGE_IP}:5999/never-loaded:1`)).rejects.toThrow(NO_REGISTRY.replace('http://', ''));
  });

  it("gives the pod an address on the node's bridge and routes to the cluster's ranges only", async () => {
    const { podId } = await waitForProbe();
    const ip = await cri.podIp(podId);
    expect(ip).toMatch(/^10\.244\.0\.\d+$/);
    expect(ip).not.toBe(BRIDGE_IP);
    const routes = (await runtime.cri.execSync((await waitForProbe()).containerId, ['ip', '-4', 'route'])).trim().split('\n');
    const destinations = routes.map((line) => line.split(' ')[0]);
    expect(destinations).not.toContain('default');
    expect(destinations.filter((d) => d !== '10.244.0.0/24').sort()).toEqual([...POD_ROUTES].sort());
    for (const route of routes.filter((line) => !line.startsWith('10.244.0.0/24'))) expect(route).toContain(`via ${BRIDGE_IP}`);
  });

  it('drops whatever would leave the cluster ranges through another interface (the rule read back from the kernel)', async () => {
    const { chain, firstRule } = await readIsolation();
    expect(chain).toEqual(expectedListing());
    expect(firstRule).toBe(`-A ${ISOLATION_HOOK} -j ${ISOLATION_CHAIN}`);
  });

  it('stopNode removes every process, pod, mount, network namespace, bridge and rule it made', async () => {
    await stopNode(ctx);
    const layout = nodeLayout(ctx.stateDir);
    const binaries = JSON.parse(readFileSync(join(layout.root, 'binaries.json'), 'utf8')) as Record<string, string>;
    expect(processesRunning(Object.values(binaries))).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((line) => line.includes(` ${layout.root}`))).toEqual([]);
    expect(existsSync(layout.containerdState)).toBe(false);
    expect((await runCommand('ip', ['link', 'show', BRIDGE])).exitCode).not.toBe(0);
    expect((await runCommand('iptables', ['-w', '-t', ISOLATION_TABLE, '-S', ISOLATION_CHAIN])).exitCode).not.toBe(0);
    expect(await nodeChainsLeft()).toEqual([]);
  });
});
