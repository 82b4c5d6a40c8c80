/**
 * What a remote config offered over OpAMP asks for, decided as a pure
 * function: the `custom-otel` file of the config map (JSON) becomes a typed
 * set of live settings, or a refusal naming what is wrong. Only the settings
 * below can be changed remotely; anything else (where telemetry goes,
 * headers, credentials, code to load) is refused as a whole, so a config is
 * applied entirely or not at all. A setting absent (or "") returns to its
 * start-up value: the remote config is a state, not a series of edits.
 */
import { LOG_LEVEL, type LogLevel } from '../settings';
import type { ConfigFile } from './messages';

export const REMOTE_CONFIG_KEY = 'custom-otel';
/** A config file larger than this is refused unread. */
export const MAX_REMOTE_CONFIG_BYTES = 64 * 1024;

export interface RemoteSettings {
  samplingRate?: number;
  loggingLevel?: LogLevel;
  deactivateInstrumentations?: string[];
  deactivateAllInstrumentations?: boolean;
  sendTraces?: boolean;
  sendMetrics?: boolean;
  sendLogs?: boolean;
}

export type RemoteConfigDecision = { accepted: true; settings: RemoteSettings } | { accepted: false; reason: string };

const BOOLEAN_KEYS = {
  deactivate_all_instrumentations: 'deactivateAllInstrumentations',
  send_traces: 'sendTraces',
  send_metrics: 'sendMetrics',
  send_logs: 'sendLogs',
} as const;
export const REMOTE_KEYS = ['sampling_rate', 'logging_level', 'deactivate_instrumentations', ...Object.keys(BOOLEAN_KEYS)] as const;

/** Level names other OpAMP-configured agents use, read as ours. */
const LEVEL_ALIASES: Record<string, LogLevel> = { warning: 'warn', trace: 'verbose', critical: 'error', off: 'none' };
const JSON_TYPES = ['', 'application/json', 'text/json'];

function refuse(reason: string): RemoteConfigDecision {
  return { accepted: false, reason };
}

function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return undefined;
}

/**
 * @param files the config map the server offered
 * @param instrumentationNames the names `deactivate_instrumentations` may use
 */
export function decideRemoteConfig(files: Readonly<Record<string, ConfigFile>>, instrumentationNames: readonly string[]): RemoteConfigDecision {
  const file = Object.prototype.hasOwnProperty.call(files, REMOTE_CONFIG_KEY) ? files[REMOTE_CONFIG_KEY] : undefined;
  if (file === undefined) return { accepted: true, settings: {} };
  const contentType = file.contentType.split(';')[0]!.trim().toLowerCase();
  if (!JSON_TYPES.includes(contentType)) return refuse(`${REMOTE_CONFIG_KEY}: content type ${JSON.stringify(file.contentType)} is not JSON`);
  if (file.body.length > MAX_REMOTE_CONFIG_BYTES) return refuse(`${REMOTE_CONFIG_KEY}: ${file.body.length} bytes, more than ${MAX_REMOTE_CONFIG_BYTES}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(file.body.toString('utf8'));
  } catch (error) {
    return refuse(`${REMOTE_CONFIG_KEY}: not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return refuse(`${REMOTE_CONFIG_KEY}: expected a JSON object`);
  const entries = Object.entries(parsed as Record<string, unknown>);
  const refused = entries.map(([key]) => key).filter((key) => !(REMOTE_KEYS as readonly string[]).includes(key));
  if (refused.length > 0) {
    return refuse(`${REMOTE_CONFIG_KEY}: ${refused.map((key) => JSON.stringify(key.slice(0, 64))).join(', ')} cannot be set remotely (only ${REMOTE_KEYS.join(', ')})`);
  }
  const settings: RemoteSettings = {};
  for (const [key, value] of entries) {
    if (value === '' || value === null) continue;
    const bad = (expected: string) => refuse(`${REMOTE_CONFIG_KEY}: ${key}=${JSON.stringify(value).slice(0, 80)} is invalid (expected ${expected})`);
    if (key === 'sampling_rate') {
      const rate = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(rate) || rate < 0 || rate > 1) return bad('a number from 0 to 1');
      settings.samplingRate = rate;
    } else if (key === 'logging_level') {
      const name = typeof value === 'string' ? value.trim().toLowerCase() : '';
      const level = (LOG_LEVEL.allowed as readonly string[]).includes(name) ? (name as LogLevel) : LEVEL_ALIASES[name];
      if (level === undefined) return bad(`one of ${LOG_LEVEL.allowed.join(', ')}`);
      settings.loggingLevel = level;
    } else if (key === 'deactivate_instrumentations') {
      const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
      if (list === undefined || list.some((name) => typeof name !== 'string')) return bad('a comma-separated list of instrumentation names');
      const names = [...new Set((list as string[]).map((name) => name.trim()).filter((name) => name !== ''))];
      const unknown = names.filter((name) => !instrumentationNames.includes(name));
      if (unknown.length > 0) return bad(`instrumentation names; unknown: ${unknown.slice(0, 5).join(', ')}`);
      settings.deactivateInstrumentations = names;
    } else {
      const flag = asBoolean(value);
      if (flag === undefined) return bad('true or false');
      settings[BOOLEAN_KEYS[key as keyof typeof BOOLEAN_KEYS]] = flag;
    }
  }
  return { accepted: true, settings };
}
