import type { V1Container, V1SecurityContext, V1Volume } from '@kubernetes/client-node';
import type { Instrumentation } from '../instrumentation-types';

// The pod-level half of the Node.js injection (nodejs.go injectNodeJSSDKToPod,
// helper.go instrVolume): one shared volume and one init container that copies
// /autoinstrumentation into it.

export const NODEJS_INIT_CONTAINER_NAME = 'opentelemetry-auto-instrumentation-nodejs';
export const NODEJS_VOLUME_NAME = 'opentelemetry-auto-instrumentation-nodejs';
export const NODEJS_MOUNT_PATH = '/otel-auto-instrumentation-nodejs';
export const NODEJS_COPY_COMMAND = ['cp', '-r', '/autoinstrumentation/.', NODEJS_MOUNT_PATH];
export const DEFAULT_VOLUME_SIZE_LIMIT = '200Mi';

const isEmptyObject = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'object' && Object.keys(value as object).length === 0);

/** emptyDir with sizeLimit (default 200Mi), or an ephemeral PVC when volumeClaimTemplate is set. */
export function instrumentationVolume(inst: Instrumentation): V1Volume {
  const nodejs = inst.spec.nodejs ?? {};
  if (!isEmptyObject(nodejs.volumeClaimTemplate)) {
    return { name: NODEJS_VOLUME_NAME, ephemeral: { volumeClaimTemplate: nodejs.volumeClaimTemplate } };
  }
  const sizeLimit = nodejs.volumeLimitSize == null ? DEFAULT_VOLUME_SIZE_LIMIT : String(nodejs.volumeLimitSize);
  return { name: NODEJS_VOLUME_NAME, emptyDir: { sizeLimit } };
}

export function initContainer(inst: Instrumentation, securityContext: V1SecurityContext | undefined): V1Container {
  const nodejs = inst.spec.nodejs ?? {};
  return {
    name: NODEJS_INIT_CONTAINER_NAME,
    image: nodejs.image,
    command: [...NODEJS_COPY_COMMAND],
    ...(isEmptyObject(nodejs.resourceRequirements) ? {} : { resources: nodejs.resourceRequirements }),
    volumeMounts: [{ name: NODEJS_VOLUME_NAME, mountPath: NODEJS_MOUNT_PATH }],
    ...(inst.spec.imagePullPolicy ? { imagePullPolicy: inst.spec.imagePullPolicy } : {}),
    ...(securityContext ? { securityContext } : {}),
  };
}

/** Before the first instrumented init container (so the files exist when it runs), else after all init containers. */
export function insertInitContainer(initContainers: readonly V1Container[], toInsert: V1Container, firstTarget: string): V1Container[] {
  const index = initContainers.findIndex((c) => c.name === firstTarget);
  if (index === -1) return [...initContainers, toInsert];
  return [...initContainers.slice(0, index), toInsert, ...initContainers.slice(index)];
}
