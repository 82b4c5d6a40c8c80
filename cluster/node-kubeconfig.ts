/** A kubeconfig for one of the node's components: the API server, the cluster's CA, a client certificate. */
export interface KubeconfigSettings {
  server: string;
  caFile: string;
  user: string;
  certFile: string;
  keyFile: string;
}

export function componentKubeconfig({ server, caFile, user, certFile, keyFile }: KubeconfigSettings): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'custom-otel-cluster', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: user, user: { 'client-certificate': certFile, 'client-key': keyFile } }],
    contexts: [{ name: 'default', context: { cluster: 'custom-otel-cluster', user } }],
    'current-context': 'default',
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
