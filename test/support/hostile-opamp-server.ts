/**
 * An HTTP server on 127.0.0.1 that answers OpAMP calls badly, one way after
 * the other: a 200 whose body is not protobuf, a body announced far larger
 * than any answer, a body that never ends, and silence.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const MODES = ['garbage', 'oversized', 'endless', 'silent'] as const;
export type HostileMode = (typeof MODES)[number];

export class HostileOpampServer {
  readonly served: HostileMode[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(): Promise<HostileOpampServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hostile = new HostileOpampServer(server, (server.address() as { port: number }).port);
    server.on('connection', (socket) => {
      hostile.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => hostile.sockets.delete(socket));
    });
    server.on('request', (request, response) => {
      request.resume();
      const mode = MODES[hostile.served.length % MODES.length]!;
      hostile.served.push(mode);
      hostile.answer(mode, response);
    });
    return hostile;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}/v1/opamp`;
  }

  private answer(mode: HostileMode, response: ServerResponse): void {
    response.on('error', () => undefined);
    if (mode === 'garbage') {
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
      response.end(Buffer.from([0x1a, 0xff, 0xff, 0xff, 0x0f, 0x42, 0x42]));
    } else if (mode === 'oversized') {
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': String(512 * 1024 * 1024) });
      response.write(Buffer.alloc(64 * 1024, 0x0a));
    } else if (mode === 'endless') {
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
      const timer = setInterval(() => response.write(Buffer.alloc(16 * 1024, 0x0a)), 5);
      this.timers.add(timer);
      response.on('close', () => clearInterval(timer));
    }
    // silent: nothing at all
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
