/** Kubeconfig files: one for the admin (.cluster/kubeconfig), one per component. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dumpYaml } from '@kubernetes/client-node';
import { API_SERVER_URL } from './network';
import { CA, type CertificateFiles } from './pki';

export const CONTEXT_NAME = 'custom-otel-cluster';

export function writeKubeconfig(path: string, user: string, credentials: CertificateFiles): void {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT_NAME, cluster: { server: API_SERVER_URL, 'certificate-authority': CA.cert } }],
    users: [{ name: user, user: { 'client-certificate': credentials.cert, 'client-key': credentials.key } }],
    contexts: [{ name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user, namespace: 'default' } }],
    'current-context': CONTEXT_NAME,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, dumpYaml(config), { mode: 0o600 });
}
