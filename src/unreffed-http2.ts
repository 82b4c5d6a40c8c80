/**
 * Node's http2 as our bundled gRPC client sees it: the bundler points
 * @grpc/grpc-js's require('http2') here (tools/bundle/bundle.mjs), so the
 * app's own http2 and its own gRPC clients are untouched. Our sessions never
 * hold the event loop, not even while a call is in flight (grpc-js refs the
 * session for each call): the app's work alone decides when the loop ends,
 * and what an export had not delivered then is sent by the exit delivery,
 * bounded by the shutdown timeout (src/shutdown.ts).
 */
import * as http2 from 'http2';

function connect(this: unknown, ...args: unknown[]): http2.ClientHttp2Session {
  const session = (http2.connect as (...a: unknown[]) => http2.ClientHttp2Session).apply(this, args);
  session.unref();
  session.ref = () => undefined;
  return session;
}

module.exports = { ...http2, connect };
