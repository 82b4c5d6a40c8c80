/** What an agent told @elastic/mockopampserver: remote config statuses and effective config, read from its test-mode request log. */
import type { MockOpAMPServer } from '@elastic/mockopampserver';

export const APPLIED = 1;
export const FAILED = 3;

type KeyValue = { key: string; value?: { value: { case: string; value: unknown } } };
export interface NotedRequest {
  a2s?: {
    agentDescription?: { identifyingAttributes: KeyValue[]; nonIdentifyingAttributes: KeyValue[] };
    remoteConfigStatus?: { lastRemoteConfigHash: Uint8Array; status: number; errorMessage: string };
    effectiveConfig?: { configMap?: { configMap: Record<string, { body: Uint8Array }> } };
    health?: { healthy: boolean };
  };
}

export function flatAttributes(list: KeyValue[]): Record<string, unknown> {
  return Object.fromEntries(list.map((kv) => [kv.key, kv.value?.value.value]));
}

export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const notedRequests = (server: MockOpAMPServer) => server.testGetRequests() as NotedRequest[];

/** Offers `config` under `custom-otel` and waits for the agent's status for it (APPLIED or FAILED). */
export function offerConfig(server: MockOpAMPServer, config: Record<string, unknown>) {
  // Only what the agent says after this offer: the same config offered again has the same hash as before.
  const before = notedRequests(server).length;
  server.setAgentConfigMap({ configMap: { 'custom-otel': { body: Buffer.from(JSON.stringify(config)), contentType: 'application/json' } } });
  const hash = Buffer.from((server as unknown as { _agentConfigMapHash: Uint8Array })._agentConfigMapHash);
  return waitFor(`the agent's status for the remote config ${JSON.stringify(config)}`, () =>
    notedRequests(server)
      .slice(before)
      .map((r) => r.a2s?.remoteConfigStatus)
      .find((s) => s !== undefined && Buffer.from(s.lastRemoteConfigHash).equals(hash) && s.status !== 0),
  );
}

/** The effective config the agent reported last. */
export function lastEffectiveConfig(server: MockOpAMPServer): Record<string, unknown> {
  const last = [...notedRequests(server)].reverse().find((r) => r.a2s?.effectiveConfig);
  if (!last) throw new Error('the agent reported no effective config');
  return JSON.parse(Buffer.from(last.a2s!.effectiveConfig!.configMap!.configMap['custom-otel']!.body).toString()) as Record<string, unknown>;
}
