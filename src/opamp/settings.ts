/** Settings of the OpAMP client: where the server is, how often to call it, and its TLS files. */
import { Prose, type EnvReader } from '../config/env-reader';
import { numberSetting, pathSetting, readSetting, textSetting } from '../config/setting';

export const OPAMP_ENDPOINT = textSetting('CUSTOM_OTEL_OPAMP_ENDPOINT', undefined, {
  doc: 'OpAMP server (HTTP transport), e.g. `http://opamp-server:4320/v1/opamp`; unset: no OpAMP at all. Remote config can change sampling, logging, instrumentations and which signals are sent, nothing else (Node ≥ 14)',
});
export const OPAMP_HEARTBEAT_SECONDS = numberSetting('CUSTOM_OTEL_OPAMP_HEARTBEAT_SECONDS', 30, { min: 1, max: 86_400 }, {
  doc: 'seconds between two calls to the OpAMP server (each call reports status and fetches remote config)',
});
export const OPAMP_CERTIFICATE = pathSetting('CUSTOM_OTEL_OPAMP_CERTIFICATE', { doc: 'PEM CA certificate(s) trusted for an https:// OpAMP endpoint (default: the runtime\'s CAs)' });
export const OPAMP_CLIENT_CERTIFICATE = pathSetting('CUSTOM_OTEL_OPAMP_CLIENT_CERTIFICATE', { doc: 'PEM client certificate for mutual TLS with the OpAMP server' });
export const OPAMP_CLIENT_KEY = pathSetting('CUSTOM_OTEL_OPAMP_CLIENT_KEY', { doc: 'PEM private key of that client certificate' });

export const OPAMP_SETTINGS = [OPAMP_ENDPOINT, OPAMP_HEARTBEAT_SECONDS, OPAMP_CERTIFICATE, OPAMP_CLIENT_CERTIFICATE, OPAMP_CLIENT_KEY];

export interface OpampSettings {
  /** undefined: OpAMP off. */
  endpoint: string | undefined;
  heartbeatSeconds: number;
  tls: { caFile?: string; certFile?: string; keyFile?: string };
}

export function readOpampSettings(read: EnvReader): OpampSettings {
  const raw = readSetting(read, OPAMP_ENDPOINT);
  let endpoint: string | undefined;
  if (raw !== undefined && raw.trim() !== '') {
    let url: URL | undefined;
    try {
      url = new URL(raw.trim());
    } catch {
      url = undefined;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) endpoint = url.href;
    else read.invalid(OPAMP_ENDPOINT.name, 'expected an http:// or https:// URL', new Prose('no OpAMP'));
  }
  return {
    endpoint,
    heartbeatSeconds: readSetting(read, OPAMP_HEARTBEAT_SECONDS),
    tls: { caFile: readSetting(read, OPAMP_CERTIFICATE), certFile: readSetting(read, OPAMP_CLIENT_CERTIFICATE), keyFile: readSetting(read, OPAMP_CLIENT_KEY) },
  };
}
