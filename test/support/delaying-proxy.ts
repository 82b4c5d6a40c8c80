/**
 * A TCP proxy on 127.0.0.1 that holds each connection `delayMs` before it
 * connects on to the target and relays both ways: a collector behind DNS
 * search lists, another zone or TLS set-up, as a short job meets it.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class DelayingProxy {
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(targetPort: number, delayMs: number): Promise<DelayingProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new DelayingProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => {
      proxy.connections++;
      proxy.track(client);
      client.pause();
      setTimeout(() => {
        if (client.destroyed) return;
        const upstream = proxy.track(connect(targetPort, '127.0.0.1'));
        upstream.on('connect', () => {
          client.pipe(upstream);
          upstream.pipe(client);
          client.resume();
        });
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      }, delayMs);
    });
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
