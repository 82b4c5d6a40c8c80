'use strict';

// Shared start-up of both entries: read config, reach the database, make sure
// the users table exists, listen, and shut down cleanly on SIGTERM/SIGINT.

const http = require('http');
const { readConfig } = require('./read-config.cjs');
const { connectDatabase, errorText } = require('./connect-database.cjs');
const { ensureUsersTable } = require('./users-table.cjs');
const { createApp } = require('./create-app.cjs');

// Longest a shutdown may wait for open connections before the process exits anyway.
const SHUTDOWN_GRACE_MS = 10000;

function listenUrl(host, port) {
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

// Close the server and the pool, then let the process end by itself rather
// than calling process.exit: other SIGTERM listeners (such as a telemetry
// SDK flushing its spans) get to finish their work.
function stopOnSignals(server, pool) {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS).unref();
    server.close();
    if (typeof server.closeIdleConnections === 'function') server.closeIdleConnections();
    pool.end().catch(() => {});
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * @param {object} options
 * @param {Function} options.express the express module, loaded by the entry
 * @param {object} options.mysql the mysql2/promise module, loaded by the entry
 * @param {'cjs'|'esm'} options.variant which entry is starting
 * @param {NodeJS.ProcessEnv} [options.env]
 */
async function startServer({ express, mysql, variant, env = process.env }) {
  const { config, warnings } = readConfig(env);
  for (const warning of warnings) console.error(`test-app: ${warning}`);

  let pool;
  try {
    pool = await connectDatabase(mysql, config);
  } catch (error) {
    fail(error.message);
    return;
  }
  try {
    await ensureUsersTable(pool);
  } catch (error) {
    fail(`test-app: cannot create table users in database "${config.dbName}" at ${config.dbHost}:${config.dbPort}: ${errorText(error)}`);
    return;
  }

  let server;
  const app = createApp({ express, pool, variant, ownPort: () => server.address().port });
  server = http.createServer(app);
  try {
    await listen(server, config.host, config.port);
  } catch (error) {
    fail(`test-app: cannot listen on ${config.host}:${config.port}: ${errorText(error)}; set HOST or PORT`);
    return;
  }
  stopOnSignals(server, pool);
  console.log(`test-app listening on ${listenUrl(config.host, server.address().port)} (${variant})`);
}

module.exports = { startServer, listenUrl };
