/**
 * Starts OpAMP when CUSTOM_OTEL_OPAMP_ENDPOINT is set: the agent's
 * description from the resource, the live controls, and the client. Called
 * after the SDK is wired; it only schedules the first call.
 */
import { readFileSync } from 'node:fs';
import type { Resource } from '@opentelemetry/resources';
import { buildInfo } from '../build-info';
import { describeError, type Diagnostics } from '../diagnostics';
import type { OpampSettings } from './settings';
import { OpampClient } from './client';
import { decideRemoteConfig, REMOTE_CONFIG_KEY } from './remote-config';
import type { LiveControls } from './live-controls';

const IDENTIFYING = ['service.name', 'service.namespace', 'service.version', 'service.instance.id'];
const NON_IDENTIFYING = ['telemetry.sdk.name', 'telemetry.sdk.language', 'telemetry.sdk.version', 'telemetry.distro.name', 'telemetry.distro.version', 'k8s.namespace.name', 'k8s.pod.name', 'k8s.node.name', 'host.name'];

/** The description an OpAMP server shows for this process (pure). */
export function agentDescription(attributes: Record<string, unknown>, nodeVersion: string, sdkLine: string) {
  const pick = (keys: string[]) => Object.fromEntries(keys.flatMap((key) => (attributes[key] === undefined ? [] : [[key, String(attributes[key])]])));
  return {
    identifying: pick(IDENTIFYING),
    nonIdentifying: { ...pick(NON_IDENTIFYING), 'process.runtime.name': 'nodejs', 'process.runtime.version': nodeVersion, 'custom_otel.sdk_line': sdkLine },
  };
}

export function startOpamp(settings: OpampSettings & { endpoint: string }, resource: Resource, controls: LiveControls, instrumentationNames: readonly string[], diagnostics: Diagnostics): OpampClient | undefined {
  let tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  try {
    const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file));
    tls = { ca: read(settings.tls.caFile), cert: read(settings.tls.certFile), key: read(settings.tls.keyFile) };
  } catch (error) {
    diagnostics.log('warn', `OpAMP is off: a TLS file could not be read (${describeError(error)})`);
    return undefined;
  }
  let attributes: Record<string, unknown> = {};
  try {
    attributes = { ...resource.attributes };
  } catch {
    // attributes still settling: the description goes without them
  }
  const client = new OpampClient({
    endpoint: settings.endpoint,
    heartbeatMs: settings.heartbeatSeconds * 1000,
    tls,
    description: agentDescription(attributes, process.versions.node, buildInfo.sdkLine),
    effectiveConfig: () => ({ [REMOTE_CONFIG_KEY]: { body: Buffer.from(JSON.stringify(controls.effective())), contentType: 'application/json' } }),
    onRemoteConfig: (files) => {
      const decision = decideRemoteConfig(files, instrumentationNames);
      if (!decision.accepted) {
        diagnostics.log('warn', `OpAMP remote config refused, the current settings stay: ${decision.reason}`);
        return decision.reason;
      }
      try {
        controls.apply(decision.settings);
      } catch (error) {
        diagnostics.log('warn', `OpAMP remote config could not be applied: ${describeError(error)}`);
        return describeError(error);
      }
      diagnostics.log('info', `OpAMP remote config applied: ${JSON.stringify(controls.effective())}`);
      return undefined;
    },
    tell: (kind, message) => diagnostics.once(`opamp:${kind}`, 'warn', message),
  });
  client.start();
  return client;
}
