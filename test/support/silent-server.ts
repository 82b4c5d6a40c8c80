/** A TCP server that accepts connections and never sends a byte: a hung collector, a black-holing proxy. */
import { createServer, type Server, type Socket } from 'node:net';

export class SilentServer {
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(): Promise<SilentServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const silent = new SilentServer(server, (server.address() as { port: number }).port);
    server.on('connection', (socket) => {
      silent.connections++;
      silent.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => silent.sockets.delete(socket));
    });
    return silent;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
