/**
 * A small client of containerd's CRI service (the API the kubelet speaks), for
 * what the node does without the kubelet: list the pods, read a pod's IP, and
 * stop and remove every pod sandbox on `stopNode` (only the CRI tears a pod's
 * network down through CNI). The protocol is k8s.io/cri-api's api.proto from
 * Go's module cache, at the version the kubelet is built with.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { runChecked } from '../scripts/child-process';

export interface PodSandbox {
  id: string;
  metadata: { name: string; namespace: string; uid: string };
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
}

export interface CriContainer {
  id: string;
  podSandboxId: string;
  metadata: { name: string };
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
  image: { image: string };
}

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;
type Unary = (request: object, options: { deadline: Date }, callback: Callback<Record<string, unknown>>) => void;

/** Where api.proto of this k8s.io/cri-api version is, downloading the module if needed. */
export async function criApiProto(nodeModuleDir: string, criApiVersion: string): Promise<string> {
  const result = await runChecked('go', ['mod', 'download', '-json', `k8s.io/cri-api@${criApiVersion}`], { cwd: nodeModuleDir });
  const dir = (JSON.parse(result.stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`cluster: go mod download gave no directory for k8s.io/cri-api@${criApiVersion}`);
  return `${dir}/pkg/apis/runtime/v1/api.proto`;
}

export class CriClient {
  private readonly runtime: Record<string, Unary> & grpc.Client;
  private readonly images: Record<string, Unary> & grpc.Client;

  constructor(protoFile: string, socket: string) {
    const definition = protoLoader.loadSync(protoFile, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
    type Service = grpc.ServiceClientConstructor;
    const pkg = grpc.loadPackageDefinition(definition) as unknown as { runtime: { v1: { RuntimeService: Service; ImageService: Service } } };
    const address = `unix://${socket}`;
    this.runtime = new pkg.runtime.v1.RuntimeService(address, grpc.credentials.createInsecure()) as unknown as Record<string, Unary> & grpc.Client;
    this.images = new pkg.runtime.v1.ImageService(address, grpc.credentials.createInsecure()) as unknown as Record<string, Unary> & grpc.Client;
  }

  private call<T>(method: string, request: object, timeoutMs = 60_000, service = this.runtime): Promise<T> {
    return new Promise((resolve, reject) => {
      const fn = service[method];
      if (!fn) return reject(new Error(`CRI: no method ${method}`));
      fn.call(service, request, { deadline: new Date(Date.now() + timeoutMs) }, (error, response) =>
        error ? reject(new Error(`CRI ${method}: ${error.message}`)) : resolve(response as T),
      );
    });
  }

  async version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    return this.call('Version', {}, 5_000);
  }

  async pods(): Promise<PodSandbox[]> {
    return (await this.call<{ items: PodSandbox[] }>('ListPodSandbox', {})).items;
  }

  async containers(): Promise<CriContainer[]> {
    return (await this.call<{ containers: CriContainer[] }>('ListContainers', {})).containers;
  }

  /** The image's id (its config digest, which is the Docker engine's image ID), or undefined when the node lacks it. */
  async imageId(image: string): Promise<string | undefined> {
    const status = await this.call<{ image?: { id: string } | null }>('ImageStatus', { image: { image } }, 30_000, this.images);
    return status.image?.id || undefined;
  }

  /** Asks containerd to pull an image (the node has no registry: this is expected to fail, with containerd's reason). */
  async pullImage(image: string): Promise<void> {
    await this.call('PullImage', { image: { image } }, 60_000, this.images);
  }

  /** The pod's IP on the node's network, or '' when it has none. */
  async podIp(podSandboxId: string): Promise<string> {
    const status = await this.call<{ status: { network?: { ip: string } } }>('PodSandboxStatus', { podSandboxId });
    return status.status.network?.ip ?? '';
  }

  /** Runs a command in a running container and returns its output; throws unless it exits 0. */
  async execSync(containerId: string, cmd: string[], timeoutSeconds = 10): Promise<string> {
    const result = await this.call<{ stdout: Buffer; stderr: Buffer; exitCode: number }>('ExecSync', { containerId, cmd, timeout: timeoutSeconds });
    if (result.exitCode !== 0) throw new Error(`CRI ExecSync ${cmd.join(' ')} exited with ${result.exitCode}: ${result.stderr.toString()}`);
    return result.stdout.toString();
  }

  /** Stops (tearing its network down through CNI) and removes every pod sandbox and its containers. */
  async removeAllPods(): Promise<number> {
    const pods = await this.pods();
    for (const pod of pods) {
      await this.call('StopPodSandbox', { podSandboxId: pod.id });
      await this.call('RemovePodSandbox', { podSandboxId: pod.id });
    }
    return pods.length;
  }

  close(): void {
    this.runtime.close();
    this.images.close();
  }
}
