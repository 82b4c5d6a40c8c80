'use strict';

// The Express application with every route the instrumentation is tested
// against. `express` is passed in (not required here) so that the ESM entry
// loads it through `import` and the CJS entry through `require`.

const http = require('http');
const { slowDuration } = require('./slow-duration.cjs');
const { validateNewUser } = require('./validate-new-user.cjs');
const { readAfterId } = require('./read-after-id.cjs');
const { listUsersAfter, insertUser, holdConnection } = require('./users-table.cjs');

// Express 4 does not catch rejected promises; hand them to the error handler.
function asyncRoute(handler) {
  return (req, res, next) => {
    handler(req, res).catch(next);
  };
}

function getText(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode, contentType: response.headers['content-type'], body }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(5000, () => request.destroy(new Error(`GET ${url} timed out after 5000 ms`)));
  });
}

/**
 * @param {object} options
 * @param {Function} options.express the express module
 * @param {object} options.pool a mysql2/promise pool
 * @param {() => number} options.ownPort the port this server listens on (for /outbound)
 * @param {'cjs'|'esm'} options.variant which entry started the app
 */
function createApp({ express, pool, ownPort, variant }) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());

  app.get('/', (req, res) => {
    res.json({ message: 'hello from test-app', variant });
  });

  app.get('/health', (req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/slow', (req, res) => {
    const { ms, note } = slowDuration(req.query.ms);
    setTimeout(() => res.json(note ? { waitedMs: ms, note } : { waitedMs: ms }), ms);
  });

  app.get('/error', () => {
    // Thrown synchronously inside the handler: Express passes it to the error
    // handler below, and the instrumentation records it as an exception.
    const error = new Error('deliberate failure from GET /error');
    error.deliberate = true;
    throw error;
  });

  app.get(
    '/users',
    asyncRoute(async (req, res) => {
      const { afterId, error } = readAfterId(req.query.after);
      if (error) {
        res.status(400).json({ error });
        return;
      }
      res.json({ users: await listUsersAfter(pool, afterId) });
    }),
  );

  app.post(
    '/users',
    asyncRoute(async (req, res) => {
      const { user, error } = validateNewUser(req.body);
      if (error) {
        res.status(400).json({ error });
        return;
      }
      res.status(201).json(await insertUser(pool, user));
    }),
  );

  app.get(
    '/db/wait',
    asyncRoute(async (req, res) => {
      const { ms, note } = slowDuration(req.query.ms);
      await holdConnection(pool, ms);
      res.json(note ? { heldMs: ms, note } : { heldMs: ms });
    }),
  );

  app.get(
    '/outbound',
    asyncRoute(async (req, res) => {
      // A client span whose context propagates back into this same server.
      const upstream = await getText(`http://127.0.0.1:${ownPort()}/`);
      res.status(upstream.status === 200 ? 200 : 502);
      if (upstream.contentType) res.type(upstream.contentType);
      res.send(upstream.body);
    }),
  );

  app.get('/login', (req, res) => {
    // Clients send credentials in the Authorization header and ?token= so
    // tests can check they are redacted from telemetry. The app accepts any
    // value and never echoes them back.
    res.status(200).json({ ok: true });
  });

  // Four parameters: this is how Express recognises an error handler.
  // eslint-disable-next-line no-unused-vars
  app.use((error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = Number.isInteger(error.status) && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 400 && error.type === 'entity.parse.failed') {
      res.status(400).json({ error: `the request body is not valid JSON: ${error.message}` });
      return;
    }
    if (status === 500 && !error.deliberate) {
      console.error(`test-app: ${req.method} ${req.originalUrl} failed: ${error.stack || error}`);
    }
    res.status(status).json({ error: error.message });
  });

  return app;
}

module.exports = { createApp };
