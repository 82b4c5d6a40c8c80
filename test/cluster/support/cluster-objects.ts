/** kubectl for the cluster tests: apply, dry-run creation, waiting. */
import { dumpYaml } from '@kubernetes/client-node';
import { kubectl, kubectlChecked } from '../../../cluster/kubectl';

export type KubeObject = Record<string, any>;

export async function apply(objects: readonly KubeObject[]): Promise<void> {
  await kubectlChecked(['apply', '-f', '-'], { input: objects.map((o) => dumpYaml(o)).join('---\n') });
}

/** What the API server would store: admission (the operator's webhooks included) without creating anything. */
export async function createDryRun(object: KubeObject): Promise<KubeObject> {
  const result = await kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(object) });
  if (result.exitCode !== 0) throw new Error(`kubectl create --dry-run=server refused ${object.kind} ${object.metadata?.name}: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as KubeObject;
}

export async function getJson(args: readonly string[]): Promise<KubeObject> {
  return JSON.parse((await kubectlChecked(['get', '-o', 'json', ...args])).stdout) as KubeObject;
}

/** Every namespace gets its `default` ServiceAccount from the controller-manager; pods are refused before it exists. */
export async function waitForDefaultServiceAccounts(namespaces: readonly string[]): Promise<void> {
  for (const namespace of namespaces) {
    await kubectlChecked(['wait', '--for=create', '--timeout=120s', '-n', namespace, 'serviceaccount/default']);
  }
}

export async function deleteNamespaces(namespaces: readonly string[]): Promise<void> {
  if (namespaces.length) await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...namespaces]);
}
