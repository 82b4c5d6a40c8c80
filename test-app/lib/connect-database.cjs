'use strict';

// Connects to MySQL/MariaDB, retrying for a bounded window because in
// Kubernetes the database often becomes ready after the app. The retry
// decision and the failure message are pure functions; connectDatabase does
// the I/O.

const RETRY_DELAY_MS = 500;
const MIN_ATTEMPT_TIMEOUT_MS = 1000;
const MAX_ATTEMPT_TIMEOUT_MS = 10000;

// Errors that waiting cannot fix: wrong credentials or a missing database.
const PERMANENT_ERROR_CODES = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR']);

function isRetryableConnectError(error) {
  return !PERMANENT_ERROR_CODES.has(error && error.code);
}

// What to do after a failed attempt: wait and retry, or give up.
function nextConnectAttempt({ elapsedMs, windowMs, error }) {
  if (!isRetryableConnectError(error)) return { retry: false };
  const remainingMs = windowMs - elapsedMs;
  if (remainingMs <= 0) return { retry: false };
  return { retry: true, delayMs: Math.min(RETRY_DELAY_MS, remainingMs) };
}

// How long one attempt may take: the rest of the window, within sane bounds.
function attemptTimeoutMs({ elapsedMs, windowMs }) {
  return Math.min(MAX_ATTEMPT_TIMEOUT_MS, Math.max(MIN_ATTEMPT_TIMEOUT_MS, windowMs - elapsedMs));
}

// Node's happy-eyeballs connect can fail with an AggregateError whose own
// message is empty; the useful text is in its parts.
function errorText(error) {
  if (!error) return 'unknown error';
  const parts = Array.isArray(error.errors) ? error.errors.map((part) => part && part.message).filter(Boolean) : [];
  const text = error.message || parts.join('; ') || error.code || String(error);
  return text.replace(/\s+/g, ' ').trim();
}

// The single line printed before exiting when the database cannot be used.
function describeConnectFailure({ host, port, user, database, attempts, elapsedMs, error }) {
  const where = `${host}:${port} (user "${user}", database "${database}")`;
  const seconds = (elapsedMs / 1000).toFixed(1);
  if (!isRetryableConnectError(error)) {
    return `test-app: database at ${where} rejected the connection: ${errorText(error)}; check DB_USER, DB_PASSWORD and DB_NAME`;
  }
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  return `test-app: database unreachable at ${where} after ${tries} in ${seconds} s: ${errorText(error)}; check DB_HOST and DB_PORT, or wait longer with DB_CONNECT_TIMEOUT_MS`;
}

function connectionOptions(config) {
  return {
    host: config.dbHost,
    port: config.dbPort,
    user: config.dbUser,
    password: config.dbPassword,
    database: config.dbName,
  };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Resolves to a connection pool once one connection succeeded; rejects with an
// Error whose message is the one line to print.
async function connectDatabase(mysql, config) {
  const startedAt = Date.now();
  const windowMs = config.dbConnectTimeoutMs;
  for (let attempts = 1; ; attempts += 1) {
    try {
      const connectTimeout = attemptTimeoutMs({ elapsedMs: Date.now() - startedAt, windowMs });
      const probe = await mysql.createConnection({ ...connectionOptions(config), connectTimeout });
      await probe.end();
      return mysql.createPool({ ...connectionOptions(config), connectionLimit: 10 });
    } catch (error) {
      const elapsedMs = Date.now() - startedAt;
      const next = nextConnectAttempt({ elapsedMs, windowMs, error });
      if (!next.retry) {
        const { dbHost: host, dbPort: port, dbUser: user, dbName: database } = config;
        throw new Error(describeConnectFailure({ host, port, user, database, attempts, elapsedMs, error }));
      }
      await sleep(next.delayMs);
    }
  }
}

module.exports = {
  connectDatabase,
  nextConnectAttempt,
  attemptTimeoutMs,
  isRetryableConnectError,
  describeConnectFailure,
  errorText,
  RETRY_DELAY_MS,
};
