/**
 * The Go components the cluster builds: for each, its go.mod directory under
 * cluster/components, the packages of its one `go build`, the binaries that
 * come out, and the link-time version stamps.
 */
import { join } from 'node:path';
import { COMPONENTS_DIR } from './layout';
import { CLUSTER_VERSIONS, majorMinor } from './versions';

export type ComponentName = 'control-plane' | 'etcd' | 'operator' | 'collector';

export interface GoComponent {
  name: ComponentName;
  dir: string;
  /** The module whose version versions.json pins; its go.mod must require exactly that. */
  pinned: { module: string; version: string };
  packages: string[];
  binaries: string[];
  ldflags: string[];
  /** Extra environment of its `go build`. */
  env?: Record<string, string>;
}

/** What hack/lib/version.sh stamps, so the API server, kubectl, the kubelet and kube-proxy report the release. */
export function kubernetesVersionFlags(version: string): string[] {
  const { major, minor } = majorMinor(version);
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    // A fixed date: the same inputs give the same binaries.
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ]);
}

const { controlPlane, etcd, operator, collector } = CLUSTER_VERSIONS;
const operatorVersionPackage = `${operator.module}/internal/version`;

export const COMPONENTS: Record<ComponentName, GoComponent> = {
  'control-plane': {
    name: 'control-plane',
    dir: join(COMPONENTS_DIR, 'control-plane'),
    pinned: controlPlane,
    packages: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'].map((c) => `${controlPlane.module}/cmd/${c}`),
    binaries: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'],
    ldflags: kubernetesVersionFlags(controlPlane.version),
  },
  etcd: {
    name: 'etcd',
    dir: join(COMPONENTS_DIR, 'etcd'),
    pinned: etcd,
    packages: ['.'],
    binaries: ['etcd'],
    ldflags: [],
  },
  operator: {
    name: 'operator',
    dir: join(COMPONENTS_DIR, 'operator'),
    pinned: operator,
    packages: [operator.module],
    binaries: ['opentelemetry-operator'],
    // The operator reports its own version and the collector it manages (ours).
    ldflags: [
      `-X ${operatorVersionPackage}.version=${operator.version.replace(/^v/, '')}`,
      `-X ${operatorVersionPackage}.otelCol=${collector.version.replace(/^v/, '')}`,
      `-X ${operatorVersionPackage}.autoInstrumentationNodeJS=${operator.defaultNodejsInstrumentation}`,
      `-X ${operatorVersionPackage}.buildDate=1970-01-01T00:00:00Z`,
    ],
  },
  collector: {
    name: 'collector',
    dir: join(COMPONENTS_DIR, 'collector'),
    pinned: collector,
    packages: ['.'],
    binaries: ['collector'],
    ldflags: [],
    // It runs in a container image: static, with no C library to match.
    env: { CGO_ENABLED: '0' },
  },
};

/** The order `up` builds them in: the control plane first, the rest reuse its build cache. */
export const BUILD_ORDER: ComponentName[] = ['control-plane', 'etcd', 'operator', 'collector'];
