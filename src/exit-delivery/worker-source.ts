/**
 * The code of the thread that sends the exit exports while the main thread
 * waits for it with Atomics.wait (an 'exit' listener cannot wait for I/O).
 * Plain JavaScript run with `eval: true`, so the bundle needs no extra file
 * and the code works on every Node the trees support (14 and up). It needs
 * nothing but Node's own modules.
 *
 * workerData: { state: SharedArrayBuffer (Int32Array: [0] = 0 while sending,
 * 1 when every request has settled; [1 + i] = 1 delivered, 2 failed,
 * 3 rejected as too large: gRPC "larger than max" or HTTP 413),
 * requests: ExitRequest[] }.
 */
export const EXIT_WORKER_SOURCE = `
'use strict';
const { workerData } = require('worker_threads');
const state = new Int32Array(workerData.state);
const requests = workerData.requests;
let open = requests.length;
function settle(index, delivered, tooLarge) {
  if (Atomics.load(state, 1 + index) !== 0) return;
  Atomics.store(state, 1 + index, delivered ? 1 : tooLarge ? 3 : 2);
  open -= 1;
  if (open === 0) {
    Atomics.store(state, 0, 1);
    Atomics.notify(state, 0);
  }
}
function tls(request) {
  return { ca: request.ca, cert: request.cert, key: request.key, servername: request.servername };
}
function sendGrpc(request, index) {
  const http2 = require('http2');
  const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  let session;
  try {
    session = http2.connect(request.origin, request.secure ? tls(request) : {});
  } catch (error) {
    return settle(index, false);
  }
  session.on('error', () => settle(index, false));
  const headers = Object.assign({}, request.headers, { ':method': 'POST', ':path': request.path, 'content-type': 'application/grpc', te: 'trailers' });
  const stream = session.request(headers);
  let grpcStatus;
  let grpcMessage = '';
  const read = (h) => {
    if (h['grpc-status'] !== undefined) grpcStatus = String(h['grpc-status']);
    if (h['grpc-message'] !== undefined) {
      try { grpcMessage = decodeURIComponent(String(h['grpc-message'])); } catch (error) { grpcMessage = String(h['grpc-message']); }
    }
  };
  stream.on('response', read);
  stream.on('trailers', read);
  stream.on('error', () => settle(index, false));
  stream.on('data', () => undefined);
  stream.on('close', () => { settle(index, grpcStatus === '0', /larger than max|message too large/i.test(grpcMessage)); session.close(); });
  stream.end(frame);
}
function sendHttp(request, index) {
  const transport = require(request.secure ? 'https' : 'http');
  const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
  const headers = Object.assign({}, request.headers, { 'content-type': 'application/x-protobuf', 'content-length': body.length });
  const options = Object.assign({ method: 'POST', headers: headers }, request.secure ? tls(request) : {});
  const req = transport.request(request.origin + request.path, options, (res) => {
    res.on('data', () => undefined);
    res.on('end', () => settle(index, res.statusCode >= 200 && res.statusCode < 300, res.statusCode === 413));
    res.on('error', () => settle(index, false));
  });
  req.on('error', () => settle(index, false));
  req.end(body);
}
requests.forEach((request, index) => {
  try {
    if (request.grpc) sendGrpc(request, index);
    else sendHttp(request, index);
  } catch (error) {
    settle(index, false);
  }
});
`;
