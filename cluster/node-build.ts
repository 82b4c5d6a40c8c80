/**
 * The node's components through the cluster's cached Go build (build.ts):
 * ~/.cache/custom-otel-cluster/<component>-<key>, the key hashing everything
 * that decides them (go.mod, go.sum, our Go sources, flags, tags, environment,
 * the Go release). The flags match the control plane's (-trimpath is part of
 * Go's cache key), so the kubelet reuses the packages the control plane compiled.
 */
import { buildCachedGo, GO_BUILD_FLAGS, hashSources } from './build';
import { NODE_COMPONENTS, type NodeComponentName, type NodeGoComponent } from './node-components';

export class NodeComponentBuildError extends Error {
  constructor(readonly component: NodeComponentName, detail: string) {
    super(`cluster: the node's ${component} component cannot be built: ${detail}`);
  }
}

function buildArgs(component: NodeGoComponent, outDir: string): string[] {
  return [
    'build',
    ...GO_BUILD_FLAGS,
    ...(component.tags?.length ? [`-tags=${component.tags.join(',')}`] : []),
    '-ldflags',
    ['-s', '-w', ...component.ldflags].join(' '),
    '-o',
    `${outDir}/`,
    ...component.packages,
  ];
}

function buildKey(component: NodeGoComponent, goVersion: string): string {
  return hashSources(component.dir, `${goVersion}\n${buildArgs(component, '').join(' ')}\n${JSON.stringify(component.env ?? {})}\n`);
}

export interface BuiltNodeComponent {
  name: NodeComponentName;
  dir: string;
  binaries: Record<string, string>;
  built: boolean;
  elapsedMs: number;
}

export async function buildNodeComponent(name: NodeComponentName, log: (line: string) => void = () => {}): Promise<BuiltNodeComponent> {
  const component = NODE_COMPONENTS[name];
  const built = await buildCachedGo(
    {
      ...component,
      key: (go) => buildKey(component, go),
      args: (outDir) => buildArgs(component, outDir),
      fail: (detail) => new NodeComponentBuildError(name, detail),
    },
    log,
  );
  return { name, ...built };
}
