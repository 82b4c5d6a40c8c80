'use strict';

// Turns the process environment into the app's configuration.
// Pure: returns the config and the warnings for bad values (each naming the
// variable and the value used instead); the caller decides where they go.

const DEFAULTS = Object.freeze({
  port: 8080,
  host: '0.0.0.0',
  dbHost: '127.0.0.1',
  dbPort: 3306,
  // Same account that scripts/mariadb.sh creates, so a local run needs no env.
  dbUser: 'testapp',
  dbPassword: 'testapp',
  dbName: 'testapp',
  // In Kubernetes the database may become ready after the app starts.
  dbConnectTimeoutMs: 10000,
});

function readInteger(env, name, { min, max, fallback, meaning }, warnings) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const trimmed = raw.trim();
  const value = Number(trimmed);
  if (/^\d+$/.test(trimmed) && value >= min && value <= max) return value;
  warnings.push(`${name}=${JSON.stringify(raw)} is not ${meaning} (${min}-${max}); using ${fallback}`);
  return fallback;
}

function readText(env, name, fallback) {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

function readConfig(env) {
  const warnings = [];
  const port = { min: 0, max: 65535, meaning: 'a port number' };
  const config = {
    port: readInteger(env, 'PORT', { ...port, fallback: DEFAULTS.port }, warnings),
    host: readText(env, 'HOST', DEFAULTS.host),
    dbHost: readText(env, 'DB_HOST', DEFAULTS.dbHost),
    dbPort: readInteger(env, 'DB_PORT', { ...port, min: 1, fallback: DEFAULTS.dbPort }, warnings),
    dbUser: readText(env, 'DB_USER', DEFAULTS.dbUser),
    // An empty password is a legitimate value, so only an unset one defaults.
    dbPassword: env.DB_PASSWORD === undefined ? DEFAULTS.dbPassword : env.DB_PASSWORD,
    dbName: readText(env, 'DB_NAME', DEFAULTS.dbName),
    dbConnectTimeoutMs: readInteger(
      env,
      'DB_CONNECT_TIMEOUT_MS',
      { min: 0, max: 3600000, meaning: 'a duration in milliseconds', fallback: DEFAULTS.dbConnectTimeoutMs },
      warnings,
    ),
  };
  return { config, warnings };
}

module.exports = { readConfig, DEFAULTS };
