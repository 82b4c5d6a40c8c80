/**
 * Starts OpAMP when CUSTOM_OTEL_OPAMP_ENDPOINT is set: the agent's
 * description from the resource, the live controls, and the client. Called
 * after the SDK is wired; it only schedules the first call.
 */
import { readFileSync } from 'node:fs';
import type { Resource } from '@opentelemetry/resources';
import { buildInfo } from '../build-info';
import { settledAttributes } from '../settled-resource';
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

export function startOpamp(
  settings: OpampSettings & { endpoint: string },
  resource: Resource,
  /** The configured attributes (service, k8s.*), used while the detectors settle. */
  configured: Record<string, string>,
  controls: LiveControls,
  /** Start-up facts reported next to the live settings (never endpoints or headers: they may hold credentials). */
  startupFacts: Record<string, unknown>,
  instrumentationNames: readonly string[],
  diagnostics: Diagnostics,
): OpampClient | undefined {
  let tls: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  try {
    const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file));
    tls = { ca: read(settings.tls.caFile), cert: read(settings.tls.certFile), key: read(settings.tls.keyFile) };
  } catch (error) {
    diagnostics.log('warn', `OpAMP is off: a TLS file could not be read (${describeError(error)})`);
    return undefined;
  }
  const client = new OpampClient({
    endpoint: settings.endpoint,
    heartbeatMs: settings.heartbeatSeconds * 1000,
    tls,
    description: () => agentDescription({ ...configured, ...settledAttributesOf(resource) }, process.versions.node, buildInfo.sdkLine),
    effectiveConfig: () => ({ [REMOTE_CONFIG_KEY]: { body: Buffer.from(JSON.stringify({ ...startupFacts, ...controls.effective() })), contentType: 'application/json' } }),
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
  // The first call waits (in the background) for the detectors' attributes, at most a second.
  const pending = resource as Resource & { asyncAttributesPending?: boolean; waitForAsyncAttributes?: () => Promise<void> };
  if (pending.asyncAttributesPending && pending.waitForAsyncAttributes) {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, DETECTOR_WAIT_MS);
      timer.unref();
    });
    Promise.race([pending.waitForAsyncAttributes().catch(() => undefined), waited]).then(
      () => {
        clearTimeout(timer);
        client.start();
      },
      () => client.start(),
    );
  } else {
    client.start();
  }
  return client;
}

const DETECTOR_WAIT_MS = 1000;

/** What the detectors have settled so far (the description is sent at most a second after start, settled or not). */
function settledAttributesOf(resource: Resource): Record<string, unknown> {
  try {
    return { ...settledAttributes(resource) };
  } catch {
    return {};
  }
}
