/**
 * The node as a cluster member (started by the cluster project's `up`): it is
 * Ready with the control plane's release on containerd; its pods get addresses
 * from the node's pod subnet, routes to the cluster's ranges only, resolve
 * Services through CoreDNS at the fixed DNS address and reach them through
 * kube-proxy; `kubectl logs` and `kubectl exec` reach the kubelet; and the
 * isolation chain is in the kernel, read back.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, runChecked } from '../../scripts/child-process';
import { REPO_ROOT } from '../../scripts/repository';
import { CLUSTER_DNS_IP, CLUSTER_DOMAIN } from '../../cluster/network';
import { loadImages } from '../../cluster/node';
import { NODE_VERSIONS } from '../../cluster/node-components';
import { expectedListing, ISOLATION_CHAIN, ISOLATION_HOOK, readIsolation } from '../../cluster/node-isolation';
import { BRIDGE_IP, NODE_NAME, POD_ROUTES } from '../../cluster/node-network';

const STATE_DIR = join(REPO_ROOT, '.cluster');
const KUBECTL = join(STATE_DIR, 'bin', 'kubectl');
const KUBECONFIG = join(STATE_DIR, 'kubeconfig');
const NAMESPACE = 'node-services';
const IMAGE = 'busybox:stable';

async function kubectl(args: string[], input?: string): Promise<string> {
  return (await runChecked(KUBECTL, ['--kubeconfig', KUBECONFIG, ...args], { input, timeoutMs: 120_000 })).stdout;
}

function busyboxPod(name: string, labels: Record<string, string>, script: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name, image: IMAGE, imagePullPolicy: 'Never', command: ['sh', '-c', script] }],
    },
  };
}

const objects = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    busyboxPod('web', { app: 'web' }, 'mkdir -p /www && echo hello-from-web > /www/index.html && echo web-started && exec httpd -f -p 8080 -h /www'),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NAMESPACE }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
    busyboxPod('client', { app: 'client' }, 'trap "exit 0" TERM; while :; do sleep 1; done'),
  ],
};

async function exec(pod: string, command: string[]): Promise<string> {
  return kubectl(['-n', NAMESPACE, 'exec', pod, '--', ...command]);
}

describe('the node in the cluster (kubelet, kube-proxy, CoreDNS)', () => {
  beforeAll(async () => {
    await loadImages({ stateDir: STATE_DIR, log: () => {} }, [IMAGE]);
    // A namespace of an earlier run may still be terminating: new pods would be refused in it.
    await kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=180s']);
    await kubectl(['apply', '-f', '-'], JSON.stringify(objects.items[0]));
    // Pods are refused until the controller-manager made the namespace's default ServiceAccount.
    await kubectl(['-n', NAMESPACE, 'wait', '--for=create', '--timeout=120s', 'serviceaccount/default']);
    await kubectl(['apply', '-f', '-'], JSON.stringify({ ...objects, items: objects.items.slice(1) }));
    await kubectl(['-n', NAMESPACE, 'wait', '--for=condition=Ready', '--timeout=180s', 'pod/web', 'pod/client']);
  });

  afterAll(async () => {
    await runCommand(KUBECTL, ['--kubeconfig', KUBECONFIG, 'delete', 'namespace', NAMESPACE, '--wait=false', '--ignore-not-found']);
  });

  it('is Ready with the control plane release on containerd, at its bridge address', async () => {
    const node = JSON.parse(await kubectl(['get', 'node', NODE_NAME, '-o', 'json'])) as {
      status: { nodeInfo: { kubeletVersion: string; containerRuntimeVersion: string }; addresses: { type: string; address: string }[] };
    };
    expect(node.status.nodeInfo.kubeletVersion).toBe(NODE_VERSIONS.kubernetes.version);
    expect(node.status.nodeInfo.containerRuntimeVersion).toBe(`containerd://${NODE_VERSIONS.containerd.version.replace(/^v/, '')}`);
    expect(node.status.addresses).toContainEqual({ type: 'InternalIP', address: BRIDGE_IP });
  });

  it("gives pods addresses from the node's subnet and routes to the cluster's ranges only", async () => {
    const ip = (await kubectl(['-n', NAMESPACE, 'get', 'pod', 'client', '-o', 'jsonpath={.status.podIP}'])).trim();
    expect(ip).toMatch(/^10\.244\.0\.\d+$/);
    const routes = (await exec('client', ['ip', '-4', 'route'])).trim().split('\n');
    const destinations = routes.map((line) => line.split(' ')[0]);
    expect(destinations).not.toContain('default');
    expect(destinations.filter((d) => d !== '10.244.0.0/24').sort()).toEqual([...POD_ROUTES].sort());
  });

  it('resolves Services through CoreDNS at the cluster DNS address and reaches them through kube-proxy', async () => {
    expect(await exec('client', ['cat', '/etc/resolv.conf'])).toContain(`nameserver ${CLUSTER_DNS_IP}`);
    const serviceIp = (await kubectl(['-n', NAMESPACE, 'get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const answer = await exec('client', ['nslookup', `web.${NAMESPACE}.svc.${CLUSTER_DOMAIN}`, CLUSTER_DNS_IP]);
    expect(answer).toContain(`Address: ${serviceIp}`);
    // The endpoints may trail the pod's readiness by a moment: a few tries, judged by the body.
    let body = '';
    for (let attempt = 0; attempt < 20 && !body.includes('hello-from-web'); attempt++) {
      if (attempt) await sleep(1_000);
      body = await exec('client', ['sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 5 web 80']).catch((error: Error) => error.message);
    }
    expect(body).toContain('hello-from-web');
  });

  it('serves kubectl logs and kubectl exec through the kubelet', async () => {
    expect(await kubectl(['-n', NAMESPACE, 'logs', 'web'])).toContain('web-started');
    expect((await exec('web', ['cat', '/www/index.html'])).trim()).toBe('hello-from-web');
  });

  it('drops whatever would leave the cluster ranges through another interface (the rule read back from the kernel)', async () => {
    const { chain, firstRule } = await readIsolation();
    expect(chain).toEqual(expectedListing());
    expect(firstRule).toBe(`-A ${ISOLATION_HOOK} -j ${ISOLATION_CHAIN}`);
  });
});
