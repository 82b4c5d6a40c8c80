import { afterEach, describe, expect, it } from 'vitest';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { collectorAnswers } from '../../src/collector-probe';

const opened: Array<{ close(callback?: () => void): unknown; unref(): unknown }> = [];
async function listen<T extends Server | ReturnType<typeof createHttp2Server> | ReturnType<typeof createTcpServer>>(server: T): Promise<number> {
  opened.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

describe('collectorAnswers', () => {
  // Not waiting for connections to drain: a probe's socket is its own business.
  afterEach(() => {
    for (const server of opened.splice(0)) {
      server.close();
      server.unref();
    }
  });

  it('an HTTP/2 (gRPC) server answers', async () => {
    const port = await listen(createHttp2Server());
    expect(await collectorAnswers(`http://127.0.0.1:${port}`, 5_000)).toBe(true);
  });

  it('an HTTP/1 server answers too (OTLP over HTTP)', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end()));
    expect(await collectorAnswers(`http://127.0.0.1:${port}/v1/traces`, 5_000)).toBe(true);
  });

  it('a server that closes the connection has answered: the export would fail at once', async () => {
    const port = await listen(createTcpServer((socket) => socket.end()));
    expect(await collectorAnswers(`http://127.0.0.1:${port}`, 5_000)).toBe(true);
  });

  it('a refused connection is no answer', async () => {
    const port = await listen(createTcpServer());
    await new Promise<void>((resolve) => opened.pop()!.close(() => resolve()));
    expect(await collectorAnswers(`http://127.0.0.1:${port}`, 5_000)).toBe(false);
  });

  it('a server that takes the connection and stays silent is no answer, after the limit', async () => {
    const sockets: import('node:net').Socket[] = [];
    const server = createTcpServer((socket) => sockets.push(socket));
    const port = await listen(server);
    const started = Date.now();
    expect(await collectorAnswers(`http://127.0.0.1:${port}`, 100)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95); // a timer never fires early
    for (const socket of sockets) socket.destroy();
  });

  it('an address that is not a URL is no answer', async () => {
    expect(await collectorAnswers('not a url', 100)).toBe(false);
  });
});
