import type { V1Container, V1EnvVar, V1ObjectMeta, V1PodSpec, V1Volume } from '@kubernetes/client-node';
import { alreadyInstrumentedReason } from './operator/already-instrumented';
import { ANNOTATION_INJECT_NODEJS, effectiveAnnotation } from './operator/annotations';
import { containersToInstrument, resolveContainerNames } from './operator/container-selection';
import { appendIfNotSet, appendOrReplace, fieldRefEnv, indexOfEnv, moveEnvToEnd } from './operator/env-list';
import { configureExporter } from './operator/exporter-config';
import { applyWebhookDefaults, validateInstrumentation } from './operator/instrumentation-webhook';
import { selectInstrumentation } from './operator/instrumentation-selection';
import { nodeMajorMismatch } from './operator/node-major';
import { releaseBehaviour, type ReleaseBehaviour } from './operator/operator-release';
import {
  initContainer,
  insertInitContainer,
  instrumentationVolume,
  NODEJS_INIT_CONTAINER_NAME,
  NODEJS_MOUNT_PATH,
  NODEJS_VOLUME_NAME,
} from './operator/nodejs-init-container';
import {
  chooseServiceName,
  chooseServiceVersion,
  createResourceMap,
  ENV_NODE_NAME,
  ENV_POD_NAME,
  ENV_POD_UID,
  ENV_RESOURCE_ATTRIBUTES,
  reference,
  resourceMapToString,
  type OwnerObject,
  type PodFacts,
} from './operator/resource-attributes';
import { instrumentationKey, type Instrumentation } from './instrumentation-types';

// The OpenTelemetry Operator's Node.js injection (v0.158, see
// docs/operator-contract.md; earlier releases where operator/operator-release.ts
// says they differ), as one pure function: the pod the
// webhook receives and the Instrumentations in the cluster in, the pod spec the
// webhook returns out, with a line of explanation for each decision.

export { resolvePodEnv, expandReferences, type DownwardValues } from './kubelet-env';

export const NODE_REQUIRE_ARGUMENT = ' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js';
export const ENV_NODE_OPTIONS = 'NODE_OPTIONS';

export interface AdmissionRequest {
  /** The pod's namespace and its annotations (they can carry inject-nodejs too). */
  namespace: { name: string; annotations?: Record<string, string> };
  /** The pod as the webhook sees it: no name yet for controller-made pods, no nodeName, no uid. */
  pod: { metadata: V1ObjectMeta; spec: V1PodSpec };
  /** ReplicaSets and Jobs the operator reads to find Deployments and CronJobs. */
  ownerObjects?: OwnerObject[];
  /** Every Instrumentation in the cluster, with metadata.namespace set. */
  instrumentations: readonly Instrumentation[];
  /**
   * Secrets and ConfigMaps known to exist, as `namespace/name`. The operator
   * refuses a pod whose Instrumentation names a TLS Secret/ConfigMap missing
   * from the pod's namespace; when this is not given, that cannot be checked.
   */
  existingObjects?: { secrets: ReadonlySet<string>; configMaps: ReadonlySet<string> };
  /** Operator flags (both default to the operator's defaults, true), its release and its default Node.js image. */
  operator?: { enableNodeJsInstrumentation?: boolean; enableMultiInstrumentation?: boolean; version?: string; defaultNodejsImage?: string };
}

export interface SkippedContainer {
  name: string;
  reason: string;
}

export type MutationResult =
  | {
      injected: true;
      podSpec: V1PodSpec;
      instrumentation: string;
      containers: string[];
      skippedContainers: SkippedContainer[];
      decisions: string[];
      warnings: string[];
    }
  | {
      injected: false;
      reason: string;
      /** Set when the operator still changes the pod (it adds the init container even if every container was skipped). */
      podSpec?: V1PodSpec;
      decisions: string[];
      warnings: string[];
    };

interface ContainerOutcome {
  container: V1Container;
  podVolumes: V1Volume[];
}

/** The per-container half: nodejs.go injectNodeJSSDKToContainer, then sdk.go's common env and SDK config. */
function instrumentContainer(
  original: V1Container,
  inst: Instrumentation,
  facts: PodFacts,
  podVolumes: V1Volume[],
  explain: (line: string) => void,
  release: ReleaseBehaviour,
): ContainerOutcome {
  const spec = inst.spec;
  const ownEnv = original.env ?? [];
  const own = new Set(ownEnv.map((e) => e.name));
  const keptOwn = (names: string[]) => names.filter((n) => own.has(n));
  let env: V1EnvVar[] = appendIfNotSet(ownEnv, ...(spec.nodejs?.env ?? []));
  const shadowedLanguageEnv = keptOwn((spec.nodejs?.env ?? []).map((e) => e.name));
  if (shadowedLanguageEnv.length) explain(`${original.name}: keeps its own ${shadowedLanguageEnv.join(', ')} over spec.nodejs.env`);
  let volumeMounts = [...(original.volumeMounts ?? []), { name: NODEJS_VOLUME_NAME, mountPath: NODEJS_MOUNT_PATH }];

  // Common variables: both prepended, so OTEL_NODE_IP ends up first.
  if (indexOfEnv(env, 'OTEL_POD_IP') === -1) env = [fieldRefEnv('OTEL_POD_IP', 'status.podIP'), ...env];
  if (indexOfEnv(env, 'OTEL_NODE_IP') === -1) env = [fieldRefEnv('OTEL_NODE_IP', 'status.hostIP'), ...env];
  const beforeCommon = new Set(env.map((e) => e.name));
  env = appendIfNotSet(env, ...(spec.env ?? []));
  const shadowedCommon = (spec.env ?? []).map((e) => e.name).filter((n) => beforeCommon.has(n));
  if (shadowedCommon.length) explain(`${original.name}: spec.env ${shadowedCommon.join(', ')} not added (already set)`);

  // NODE_OPTIONS: appended to a plain value, set when missing (appendOrReplace keeps its position).
  const nodeOptions = env[indexOfEnv(env, ENV_NODE_OPTIONS)];
  const nodeDefaults: V1EnvVar[] = [];
  if (!nodeOptions) {
    nodeDefaults.push({ name: ENV_NODE_OPTIONS, value: NODE_REQUIRE_ARGUMENT });
    explain(`${original.name}: NODE_OPTIONS unset → "${NODE_REQUIRE_ARGUMENT}" (leading space is the operator's)`);
  } else if (!nodeOptions.valueFrom) {
    nodeDefaults.push({ name: ENV_NODE_OPTIONS, value: (nodeOptions.value ?? '') + NODE_REQUIRE_ARGUMENT });
    explain(`${original.name}: NODE_OPTIONS "${nodeOptions.value ?? ''}" → "${(nodeOptions.value ?? '') + NODE_REQUIRE_ARGUMENT}"`);
  }
  if (release.defaultsMetricsExporter && indexOfEnv(env, 'OTEL_METRICS_EXPORTER') === -1) nodeDefaults.push({ name: 'OTEL_METRICS_EXPORTER', value: 'otlp' });
  env = appendOrReplace(env, ...nodeDefaults);

  // sdk.go injectCommonSDKConfig.
  const working: V1Container = { ...original, env };
  const resources = createResourceMap(spec, facts, working);
  if (indexOfEnv(env, 'OTEL_SERVICE_NAME') === -1) {
    const serviceName = chooseServiceName(spec, facts.metadata, resources, working);
    env = [...env, { name: 'OTEL_SERVICE_NAME', value: serviceName.value }];
    explain(`${original.name}: OTEL_SERVICE_NAME=${serviceName.value} (from ${serviceName.source})`);
  } else {
    explain(`${original.name}: keeps its own OTEL_SERVICE_NAME`);
  }

  const exporter = configureExporter(spec.exporter, { env, volumeMounts, podVolumes });
  env = exporter.env;
  volumeMounts = exporter.volumeMounts;

  // Always added (even when present): the pod name is only known once the pod exists.
  env = [...env, fieldRefEnv(ENV_POD_NAME, 'metadata.name')];
  resources.set('k8s.pod.name', reference(ENV_POD_NAME));
  if (spec.resource?.addK8sUIDAttributes && (resources.get('k8s.pod.uid') ?? '') === '') {
    env = [...env, fieldRefEnv(ENV_POD_UID, 'metadata.uid')];
    resources.set('k8s.pod.uid', reference(ENV_POD_UID));
  }

  const existingAttributes = env[indexOfEnv(env, ENV_RESOURCE_ATTRIBUTES)];
  if (!existingAttributes || !(existingAttributes.value ?? '').includes('service.version')) {
    const version = chooseServiceVersion(spec, facts.metadata, working);
    if (version) {
      resources.set('service.version', version.value);
      explain(`${original.name}: service.version=${version.value} (from ${version.source})`);
    }
  }
  if ((resources.get('k8s.node.name') ?? '') === '') {
    env = [...env, fieldRefEnv(ENV_NODE_NAME, 'spec.nodeName')];
    resources.set('k8s.node.name', reference(ENV_NODE_NAME));
  }

  const attributes = resourceMapToString(resources);
  const attributesIndex = indexOfEnv(env, ENV_RESOURCE_ATTRIBUTES);
  if (attributesIndex === -1) {
    env = [...env, { name: ENV_RESOURCE_ATTRIBUTES, value: attributes }];
  } else {
    const current = env[attributesIndex]?.value ?? '';
    const joined = current + (current.endsWith(',') ? '' : ',') + attributes;
    env = env.map((e, i) => (i === attributesIndex ? { ...e, value: joined } : e));
    explain(`${original.name}: its own OTEL_RESOURCE_ATTRIBUTES is extended, its keys kept`);
  }

  const propagators = spec.propagators ?? [];
  if (indexOfEnv(env, 'OTEL_PROPAGATORS') === -1 && propagators.length > 0) {
    env = [...env, { name: 'OTEL_PROPAGATORS', value: propagators.join(',') }];
  }
  const samplerType = spec.sampler?.type ?? '';
  if (indexOfEnv(env, 'OTEL_TRACES_SAMPLER') === -1 && samplerType !== '') {
    if (indexOfEnv(env, 'OTEL_TRACES_SAMPLER_ARG') === -1) {
      env = [...env, { name: 'OTEL_TRACES_SAMPLER', value: samplerType }];
      if ((spec.sampler?.argument ?? '') !== '') env = [...env, { name: 'OTEL_TRACES_SAMPLER_ARG', value: spec.sampler?.argument }];
    } else {
      explain(`${original.name}: sets OTEL_TRACES_SAMPLER_ARG itself, so spec.sampler is not applied at all`);
    }
  }
  // Last, so its $(VAR) references see the variables they name.
  env = moveEnvToEnd(env, ENV_RESOURCE_ATTRIBUTES);
  return { container: { ...original, env, volumeMounts }, podVolumes: exporter.podVolumes };
}

/**
 * podmutator.go validateInstrumentation: the objects spec.exporter.tls names
 * must exist in the pod's namespace. [] when all do, undefined when unknown.
 */
function missingTlsObjects(inst: Instrumentation, podNamespace: string, existing: AdmissionRequest['existingObjects']): string[] | undefined {
  const tls = inst.spec.exporter?.tls;
  if (!tls?.secretName && !tls?.configMapName) return [];
  if (!existing) return undefined;
  const missing: string[] = [];
  if (tls.secretName && !existing.secrets.has(`${podNamespace}/${tls.secretName}`)) {
    missing.push(`secret ${podNamespace}/${tls.secretName} with certificates does not exist`);
  }
  if (tls.configMapName && !existing.configMaps.has(`${podNamespace}/${tls.configMapName}`)) {
    missing.push(`configmap ${podNamespace}/${tls.configMapName} with CA certificate does not exist`);
  }
  return missing;
}

export function mutatePodForNodejs(request: AdmissionRequest): MutationResult {
  const decisions: string[] = [];
  const warnings: string[] = [];
  const explain = (line: string) => decisions.push(line);
  const notInjected = (reason: string, podSpec?: V1PodSpec): MutationResult => ({ injected: false, reason, decisions, warnings, ...(podSpec ? { podSpec } : {}) });
  const { pod, namespace } = request;
  const enableNodeJs = request.operator?.enableNodeJsInstrumentation ?? true;
  const multiInstrumentation = request.operator?.enableMultiInstrumentation ?? true;
  const release = releaseBehaviour(request.operator?.version);
  warnings.push(...release.warnings);

  const already = alreadyInstrumentedReason(pod.spec);
  if (already) return notInjected(already);

  const annotation = effectiveAnnotation(namespace.annotations, pod.metadata.annotations, ANNOTATION_INJECT_NODEJS);
  if (annotation.from !== 'none') explain(`${ANNOTATION_INJECT_NODEJS}="${annotation.value}" (effective value, from the ${annotation.from})`);
  const selection = selectInstrumentation(annotation.value, namespace.name, request.instrumentations);
  if (selection.kind === 'none') return notInjected(selection.reason);
  if (selection.kind === 'error') return notInjected(`the operator logs an error and admits the pod unchanged: ${selection.reason}`);
  explain(`Instrumentation ${instrumentationKey(selection.instrumentation)}: ${selection.how}`);
  if (!enableNodeJs) return notInjected('support for NodeJS auto instrumentation is not enabled (--enable-nodejs-instrumentation=false)');

  const verdict = validateInstrumentation(selection.instrumentation);
  warnings.push(...verdict.warnings.map((w) => `Instrumentation ${instrumentationKey(selection.instrumentation)}: ${w}`));
  if (verdict.errors.length > 0) {
    return notInjected(
      `Instrumentation ${instrumentationKey(selection.instrumentation)} would be refused by the operator's webhook, so it cannot exist: ${verdict.errors.join('; ')}`,
    );
  }
  const defaulted = applyWebhookDefaults(selection.instrumentation, request.operator?.defaultNodejsImage);
  defaulted.applied.forEach(explain);
  const inst = defaulted.instrumentation;

  const names = resolveContainerNames(namespace.annotations, pod.metadata.annotations, multiInstrumentation);
  if (names.kind === 'error') return notInjected(`the operator returns an error and admits the pod unchanged: ${names.reason}`);
  if (names.kind === 'skip') return notInjected(`the operator skips injection: ${names.reason}`);
  const missingTls = missingTlsObjects(inst, namespace.name, request.existingObjects);
  if (missingTls === undefined) {
    warnings.push(`the operator refuses injection unless the TLS Secret/ConfigMap named in spec.exporter.tls exists in namespace ${namespace.name}`);
  } else if (missingTls.length > 0) {
    return notInjected(
      `the operator logs an error and admits the pod unchanged: ${missingTls.join('; ')} (not in the given files; if it exists in the cluster, pass its YAML too)`,
    );
  }
  if (pod.spec.containers.length === 0) return notInjected('the pod has no containers');

  const selected = containersToInstrument(pod.spec, names.names);
  const first = selected.targets[0];
  for (const unknown of selected.unknownNames) {
    warnings.push(`container-names lists "${unknown}", which is not a container of this pod: the operator ignores it silently`);
  }
  if (first === undefined) return notInjected(`no container of the pod matches the container-names annotation (${names.names.join(',')})`);
  if (selected.defaultedToFirst) explain(`containers: no container-names annotation, so only the first container (${first.name})`);
  else explain(`containers: ${names.how} → ${selected.targets.map((t) => t.name).join(', ')}`);

  const facts: PodFacts = { metadata: pod.metadata, nodeName: pod.spec.nodeName, namespace: namespace.name, ownerObjects: request.ownerObjects ?? [] };
  let containers = [...pod.spec.containers];
  let initContainers = [...(pod.spec.initContainers ?? [])];
  let podVolumes = [...(pod.spec.volumes ?? [])];
  const instrumented: string[] = [];
  const skipped: SkippedContainer[] = [];

  for (const target of selected.targets) {
    const list = target.isInit ? initContainers : containers;
    const original = list.find((c) => c.name === target.name) as V1Container;
    const nodeOptions = (original.env ?? []).find((e) => e.name === ENV_NODE_OPTIONS);
    if (nodeOptions?.valueFrom) {
      skipped.push({ name: target.name, reason: `the container defines env var value via ValueFrom, envVar: ${ENV_NODE_OPTIONS}` });
      explain(`${target.name}: NOT instrumented: NODE_OPTIONS comes from valueFrom, which the operator will not edit`);
      continue;
    }
    const outcome = instrumentContainer(original, inst, facts, podVolumes, explain, release);
    podVolumes = outcome.podVolumes;
    const replace = (c: V1Container) => (c.name === target.name ? outcome.container : c);
    if (target.isInit) initContainers = initContainers.map(replace);
    else containers = containers.map(replace);
    instrumented.push(target.name);
    const mismatch = nodeMajorMismatch(inst.spec.nodejs?.image, original.image, target.name);
    if (mismatch) warnings.push(mismatch);
    if ((original.envFrom ?? []).length > 0) {
      // The operator only reads env; an env entry beats envFrom, so values there are overridden, not merged.
      warnings.push(`${target.name}: uses envFrom; if it provides NODE_OPTIONS or OTEL_* variables, the operator's env entries override them silently`);
    }
    if ((original.env ?? []).some((e) => e.name === ENV_RESOURCE_ATTRIBUTES && e.valueFrom)) {
      warnings.push(`${target.name}: OTEL_RESOURCE_ATTRIBUTES uses valueFrom; the operator also writes a value into it, which the API server rejects`);
    }
  }

  // The pod-level part runs even when every container was skipped.
  if (!initContainers.some((c) => c.name === NODEJS_INIT_CONTAINER_NAME)) {
    const volume = instrumentationVolume(inst);
    podVolumes = [...podVolumes, volume];
    explain(
      volume.emptyDir
        ? `volume ${NODEJS_VOLUME_NAME}: emptyDir, sizeLimit ${volume.emptyDir.sizeLimit}${inst.spec.nodejs?.volumeLimitSize == null ? ' (operator default)' : ' (spec.nodejs.volumeLimitSize)'}`
        : `volume ${NODEJS_VOLUME_NAME}: ephemeral PVC from spec.nodejs.volumeClaimTemplate`,
    );
    const firstContainer = (first.isInit ? initContainers : containers).find((c) => c.name === first.name);
    const securityContext = inst.spec.initContainerSecurityContext ?? firstContainer?.securityContext;
    explain(
      inst.spec.initContainerSecurityContext
        ? 'init container securityContext: spec.initContainerSecurityContext'
        : securityContext
          ? `init container securityContext: copied from container ${first.name}`
          : `init container securityContext: none (container ${first.name} has none)`,
    );
    initContainers = insertInitContainer(initContainers, initContainer(inst, securityContext), first.name);
    explain(`init container ${NODEJS_INIT_CONTAINER_NAME}: image ${inst.spec.nodejs?.image}, cp -r /autoinstrumentation/. ${NODEJS_MOUNT_PATH}`);
  }

  const podSpec: V1PodSpec = { ...pod.spec, containers, initContainers, volumes: podVolumes };
  if (instrumented.length === 0) {
    return notInjected(skipped.map((s) => `${s.name}: ${s.reason}`).join('; '), podSpec);
  }
  return {
    injected: true,
    podSpec,
    instrumentation: instrumentationKey(inst),
    containers: instrumented,
    skippedContainers: skipped,
    decisions,
    warnings,
  };
}
