/**
 * Where the configuration comes from: the environment, or, when
 * OTEL_CONFIG_FILE names a file, that file (plus the environment variables it
 * refers to, and our non-OTEL_ ones). Either way the result is the one typed
 * configuration parseConfig makes, with the source of each setting.
 */
import { readFileSync } from 'fs';
import { ALL_SETTINGS } from './all-settings';
import { parseConfig, type ParsedConfig } from './config';
import { ConfigFileError, parseConfigYaml } from './config-file-yaml';
import { mapConfigFile } from './config-file-mapping';
import type { Env } from './env-reader';
import { variablesOf } from './setting';
import { CONFIG_FILE } from './config-file-setting';

export type Provenance = 'file' | 'environment' | 'default';

export interface SourcedConfig extends ParsedConfig {
  /** Where each setting came from, by the name of its row. */
  provenance: Record<string, Provenance>;
  /** The file read, when OTEL_CONFIG_FILE is set. */
  file?: { path: string; format: string };
}

export type ConfigOutcome =
  | ({ ok: true } & SourcedConfig)
  /** The file cannot be used: one line saying why; the app runs uninstrumented (the spec's no-op SDK). */
  | { ok: false; line: string };

/** Our own settings (not OTEL_*) read from the environment even with a file, which wins over them. */
const isOurs = (name: string) => !name.startsWith('OTEL_');

/** Settings reachable through `distribution.custom_otel` (the entry's are read before any file). */
const CUSTOM_SETTINGS = ALL_SETTINGS.filter((row) => row.name.startsWith('CUSTOM_OTEL_') && row.readBy !== 'entry').map((row) => row.name);

export function loadConfig(env: Env, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): ConfigOutcome {
  const path = env[CONFIG_FILE.name]?.trim();
  if (!path) {
    const parsed = parseConfig(env);
    return { ok: true, ...parsed, provenance: provenanceOf(env, {}) };
  }
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory, not a file' : (error as Error).message;
    return { ok: false, line: `${CONFIG_FILE.name}=${JSON.stringify(path)} cannot be read (${why}); telemetry is off, the app runs uninstrumented` };
  }
  try {
    return { ok: true, ...configFromFile(text, env, path) };
  } catch (error) {
    if (!(error instanceof ConfigFileError)) throw error;
    const where = error.path === '' ? '' : ` at ${error.path}`;
    return { ok: false, line: `${CONFIG_FILE.name}=${JSON.stringify(path)} is invalid${where}: ${error.reason}; telemetry is off, the app runs uninstrumented` };
  }
}

/**
 * The configuration a file's text makes, given the environment it refers
 * to. Pure. Throws a ConfigFileError naming the field at fault.
 */
export function configFromFile(text: string, env: Env, path: string): SourcedConfig {
  const { data } = parseConfigYaml(text, env);
  const file = mapConfigFile(data, CUSTOM_SETTINGS);
  const ours = Object.fromEntries(Object.entries(env).filter(([name]) => isOurs(name)));
  const combined: Env = { ...ours, ...file.variables };
  const parsed = parseConfig(combined);
  // A value the rows' readers refuse is an invalid file: said at its field.
  const warnings: string[] = [];
  for (const warning of parsed.warnings) {
    const variable = warning.slice(0, warning.indexOf('='));
    const origin = file.origins[variable];
    if (origin === undefined) {
      warnings.push(warning);
      continue;
    }
    const reason = /is invalid \((.*)\); using /s.exec(warning)?.[1] ?? warning;
    throw new ConfigFileError(origin, `${JSON.stringify(file.variables[variable])} is invalid (${reason})`);
  }
  const config = parsed.config;
  config.instrumentations.options = file.instrumentationOptions;
  config.instrumentations.alsoEnabled = file.alsoEnabled;
  // The SDK reads some variables itself (TLS files, limits, temporality):
  // while it is built it sees the file's, not the process's.
  const sdkEnv = Object.fromEntries(Object.entries(file.variables).filter(([name]) => name.startsWith('OTEL_')));
  config.sdkEnv = sdkEnv;
  for (const target of [config.traces.otlp, config.metrics.otlp, config.logs.otlp]) target.sdkEnv = sdkEnv;
  return {
    config,
    warnings: [...file.warnings.map((line) => `${CONFIG_FILE.name}: ${line}`), ...warnings],
    provenance: { ...provenanceOf(combined, file.variables), [CONFIG_FILE.name]: 'environment' },
    file: { path, format: file.fileFormat },
  };
}

function provenanceOf(env: Env, fromFile: Record<string, string>): Record<string, Provenance> {
  const provenance: Record<string, Provenance> = {};
  for (const row of ALL_SETTINGS) {
    const names = variablesOf(row);
    if (names.some((name) => fromFile[name] !== undefined)) provenance[row.name] = 'file';
    else if (names.some((name) => (env[name] ?? '').trim() !== '')) provenance[row.name] = 'environment';
    else provenance[row.name] = 'default';
  }
  return provenance;
}
