/**
 * With a configuration file, the SDK must not read the process's OTEL_*
 * variables where it reads variables itself (exporters' TLS files and
 * temporality, span limits, log processor tuning): while it is built it sees
 * the file's instead. Synchronous and restored at once, so the app never sees
 * its environment changed.
 */
export function withSdkEnv<T>(sdkEnv: Record<string, string> | undefined, build: () => T): T {
  if (sdkEnv === undefined) return build();
  const env = process.env;
  const saved = new Map<string, string | undefined>();
  for (const name of Object.keys(env)) {
    if (name.startsWith('OTEL_') && !(name in sdkEnv)) {
      saved.set(name, env[name]);
      delete env[name];
    }
  }
  for (const [name, value] of Object.entries(sdkEnv)) {
    saved.set(name, env[name]);
    env[name] = value;
  }
  try {
    return build();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  }
}
