/**
 * Does anything answer at the collector's address? A short-lived process
 * that exits with telemetry to send waits for the export only if it does:
 * a refused connection says no at once, and a peer that takes the
 * connection but stays silent (a hung collector, a black-holing proxy) is
 * given `limitMs` before the answer is no.
 *
 * Over plain TCP the HTTP/2 connection preface (what gRPC opens with) is
 * sent: an HTTP/2 server answers with its settings, an HTTP/1 server with an
 * error status; either is an answer. Over TLS a finished handshake is one.
 * Nothing is read or verified beyond that: the exporter does the real work.
 */
import { connect as connectTcp, isIP, type Socket } from 'net';
import { connect as connectTls } from 'tls';

const HTTP2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

export function collectorAnswers(url: string, limitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: Socket | undefined;
    let decided = false;
    const decide = (answers: boolean) => {
      if (decided) return;
      decided = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(answers);
    };
    // Past the limit, one more turn of the loop first: an answer that arrived
    // while the process was busy (loading the exporter) still counts.
    const timer = setTimeout(() => setImmediate(() => decide(false)), limitMs);
    try {
      const parsed = new URL(url);
      const secure = parsed.protocol === 'https:';
      const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
      const port = Number(parsed.port) || (secure ? 443 : 80);
      if (secure) {
        socket = connectTls({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] }, () => decide(true));
      } else {
        const tcp = connectTcp({ host, port }, () => tcp.write(HTTP2_PREFACE));
        tcp.once('data', () => decide(true));
        socket = tcp;
      }
      // Closed by the peer is an answer too: the export will fail at once, not hang.
      socket.once('end', () => decide(true));
      socket.once('error', () => decide(false));
    } catch {
      decide(false);
    }
  });
}
