import { dumpYaml, type V1Pod } from '@kubernetes/client-node';
import type { ManifestDocument } from './manifest-documents';
import { describeDocument } from './manifest-documents';
import { isInstrumentation, type Instrumentation } from './instrumentation-types';
import { mutatePodForNodejs, resolvePodEnv, type MutationResult } from './operator-mutation';
import { NODEJS_INIT_CONTAINER_NAME } from './operator/nodejs-init-container';
import { admittedPod, isWorkload, WORKLOAD_KINDS } from './workload-pod';
import { universalTreeLine, type Tree } from './operator/universal-tree';
import { readVersions } from '../../scripts/versions';

// The preview's text, from parsed manifests: for each workload, what the operator
// would do to the pods it creates, and why.

export interface PreviewOptions {
  /** For documents without metadata.namespace (kubectl's default namespace). */
  defaultNamespace: string;
  /** Only this workload (by name). */
  workload?: string;
  /** Also print the app containers' environment as the kubelet resolves it, with example downward values. */
  resolveEnv?: boolean;
  /** The trees the universal image holds (default: every major of node-versions/versions.json). */
  universalTrees?: readonly Tree[];
  /** The operator's release (default: the one the preview models) and its default Node.js image (--auto-instrumentation-nodejs-image). */
  operatorVersion?: string;
  operatorNodejsImage?: string;
}

export interface WorkloadPreview {
  workload: string;
  result: MutationResult;
  text: string;
}

const YAML_OPTIONS = { lineWidth: -1, noRefs: true };

function stringMap(value: unknown, decode: boolean): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, raw] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    result[key] = decode ? Buffer.from(String(raw), 'base64').toString('utf8') : String(raw);
  }
  return result;
}

/** Secret and ConfigMap contents in the given files, to resolve secretKeyRef / configMapKeyRef. */
function storesFrom(documents: readonly ManifestDocument[]) {
  const secrets: Record<string, Record<string, string>> = {};
  const configMaps: Record<string, Record<string, string>> = {};
  for (const { content } of documents) {
    const name = String((content.metadata as { name?: string } | undefined)?.name ?? '');
    if (content.kind === 'Secret') secrets[name] = { ...stringMap(content.data, true), ...stringMap(content.stringData, false) };
    if (content.kind === 'ConfigMap') configMaps[name] = stringMap(content.data, false);
  }
  return { secrets, configMaps };
}

function bullet(lines: readonly string[]): string {
  return lines.map((line) => `  - ${line}`).join('\n');
}

/** `namespace/name` of every Secret and ConfigMap in the given files. */
function existingObjects(documents: readonly ManifestDocument[], defaultNamespace: string) {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  for (const { content } of documents) {
    const metadata = content.metadata as { name?: string; namespace?: string } | undefined;
    const key = `${metadata?.namespace ?? defaultNamespace}/${metadata?.name ?? ''}`;
    if (content.kind === 'Secret') secrets.add(key);
    if (content.kind === 'ConfigMap') configMaps.add(key);
  }
  return { secrets, configMaps };
}

function instrumentationImageOf(result: MutationResult): string | undefined {
  if (!result.injected) return undefined;
  return (result.podSpec.initContainers ?? []).find((c) => c.name === NODEJS_INIT_CONTAINER_NAME)?.image;
}

export function previewDocuments(documents: readonly ManifestDocument[], options: PreviewOptions): WorkloadPreview[] {
  const instrumentations: Instrumentation[] = documents
    .map((d): unknown => d.content)
    .filter(isInstrumentation)
    .map((inst) => ({ ...inst, metadata: { ...inst.metadata, namespace: inst.metadata.namespace ?? options.defaultNamespace } }));
  const namespaceAnnotations = new Map<string, Record<string, string>>();
  for (const { content } of documents) {
    const metadata = content.metadata as { name?: string; annotations?: Record<string, string> } | undefined;
    if (content.kind === 'Namespace' && metadata?.name) namespaceAnnotations.set(metadata.name, metadata.annotations ?? {});
  }
  const workloads = documents
    .map((d): unknown => d.content)
    .filter(isWorkload)
    .filter((w) => options.workload === undefined || w.metadata?.name === options.workload);
  if (workloads.length === 0) {
    throw new Error(
      options.workload === undefined
        ? `no workload in the given files (one of ${WORKLOAD_KINDS.join(', ')})`
        : `no workload named ${options.workload} in the given files`,
    );
  }

  return workloads.map((workload) => {
    const pod = admittedPod(workload, options.defaultNamespace);
    const result = mutatePodForNodejs({
      namespace: { name: pod.namespace, annotations: namespaceAnnotations.get(pod.namespace) },
      pod: { metadata: pod.metadata, spec: pod.spec },
      ownerObjects: pod.ownerObjects,
      instrumentations,
      existingObjects: existingObjects(documents, options.defaultNamespace),
      operator: { version: options.operatorVersion, defaultNodejsImage: options.operatorNodejsImage },
    });
    const title = describeDocument(workload as unknown as Record<string, unknown>);
    const sections = [`=== ${title} ===`];
    if (instrumentations.length === 0) sections.push('(no Instrumentation in the given files: pass the Instrumentation YAML too)');
    sections.push(
      result.injected
        ? `Injected: Instrumentation ${result.instrumentation} into ${result.containers.join(', ')}` +
            (result.skippedContainers.length ? ` (skipped: ${result.skippedContainers.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : '')
        : `Not injected: ${result.reason}`,
    );
    if (pod.notes.length) sections.push(`Assumed:\n${bullet(pod.notes)}`);
    if (result.decisions.length) sections.push(`Decisions:\n${bullet(result.decisions)}`);
    if (result.warnings.length) sections.push(`Warnings:\n${bullet(result.warnings)}`);
    if (result.injected) {
      const trees = options.universalTrees ?? readVersions().map(({ major, nodeRange }) => ({ major, nodeRange }));
      const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
      const lines = result.containers
        .map((name) => universalTreeLine(instrumentationImageOf(result), containers.find((c) => c.name === name)?.image, name, trees))
        .filter((line): line is string => line !== undefined);
      if (lines.length) sections.push(`Tree loaded:\n${bullet(lines)}`);
    }
    if (result.podSpec) {
      const mutated: V1Pod = { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata, spec: result.podSpec };
      sections.push(`Pod as the operator returns it:\n---\n${dumpYaml(mutated, YAML_OPTIONS).trimEnd()}`);
    }
    if (options.resolveEnv && result.injected) {
      const stores = storesFrom(documents);
      const podName = pod.metadata.name ?? `${pod.metadata.generateName ?? 'pod-'}x7k2p`;
      const downward = {
        podName,
        podUID: '3f6c2a1e-0000-4000-8000-000000000001',
        nodeName: 'node-1',
        hostIP: '192.0.2.10',
        podIP: '198.51.100.20',
        namespace: pod.namespace,
        labels: pod.metadata.labels,
        annotations: pod.metadata.annotations,
        ...stores,
      };
      for (const name of result.containers) {
        const container = [...result.podSpec.containers, ...(result.podSpec.initContainers ?? [])].find((c) => c.name === name);
        try {
          const env = resolvePodEnv(container?.env, downward);
          const lines = Object.entries(env).map(([key, value]) => `${key}=${value}`);
          sections.push(`Environment of ${name} as the app sees it (example pod ${podName} on node-1):\n${bullet(lines)}`);
        } catch (error) {
          sections.push(`Environment of ${name}: cannot resolve: ${(error as Error).message}`);
        }
      }
    }
    return { workload: title, result, text: sections.join('\n') };
  });
}
