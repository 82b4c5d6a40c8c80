/**
 * CoreDNS as the cluster's DNS: a static pod of the kubelet on the host network,
 * bound to the node's bridge address, reading the API server through a
 * kubeconfig of its own (the API server listens on 127.0.0.1, which a pod's
 * network could not reach), behind the kube-dns Service at the fixed
 * CLUSTER_DNS_IP. It answers the cluster's names only (no forward plugin).
 */
import { CLUSTER_DNS_IP, CLUSTER_DOMAIN } from './network';
import { BRIDGE_IP, NODE_PORTS } from './node-network';

export const COREDNS_USER = 'system:coredns';
export const COREDNS_LABELS = { 'k8s-app': 'kube-dns' } as const;

export function corefile(kubeconfigInPod: string): string {
  return `.:53 {
    bind ${BRIDGE_IP}
    errors
    health 127.0.0.1:${NODE_PORTS.corednsHealth}
    ready 127.0.0.1:${NODE_PORTS.corednsReady}
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        kubeconfig ${kubeconfigInPod}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 30
}
`;
}

export const COREDNS_CONFIG_IN_POD = '/etc/coredns';

/** The static pod: the kubelet runs it from its manifest directory, before and without the scheduler. */
export function corednsStaticPod(image: string, configDir: string): string {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: COREDNS_LABELS },
    spec: {
      hostNetwork: true,
      dnsPolicy: 'Default',
      containers: [
        {
          name: 'coredns',
          image,
          imagePullPolicy: 'Never',
          args: ['-conf', `${COREDNS_CONFIG_IN_POD}/Corefile`],
          volumeMounts: [{ name: 'config', mountPath: COREDNS_CONFIG_IN_POD, readOnly: true }],
          readinessProbe: { httpGet: { host: '127.0.0.1', port: NODE_PORTS.corednsReady, path: '/ready' }, periodSeconds: 2 },
          livenessProbe: { httpGet: { host: '127.0.0.1', port: NODE_PORTS.corednsHealth, path: '/health' }, periodSeconds: 10, failureThreshold: 6 },
          resources: { requests: { cpu: '50m', memory: '50Mi' }, limits: { memory: '170Mi' } },
        },
      ],
      volumes: [{ name: 'config', hostPath: { path: configDir, type: 'Directory' } }],
    },
  };
  return `${JSON.stringify(pod, null, 2)}\n`;
}

/** What the API server needs for it: CoreDNS's read rights and the kube-dns Service, as one kubectl apply. */
export function corednsClusterObjects(): string {
  const objects = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:coredns' },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:coredns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: COREDNS_USER }],
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { ...COREDNS_LABELS, 'kubernetes.io/name': 'CoreDNS' } },
      spec: {
        clusterIP: CLUSTER_DNS_IP,
        selector: COREDNS_LABELS,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    },
  ];
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
}
