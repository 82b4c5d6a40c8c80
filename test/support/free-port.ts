/**
 * A port on 127.0.0.1 for a program a test starts, free when returned.
 *
 * Not from listen(0): the kernel hands out that port again, as the local end
 * of any outgoing connection (an exporter's, a client's), in the moment
 * between our closing it and the program binding it ("port already used",
 * seen once in a CI run). Ports below the kernel's ephemeral range are only
 * taken by a bind that names them; 20000-29999 also stays clear of the
 * cluster's well-known ports (10250-10259) and the NodePort range (30000+).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 20_000;
const HIGHEST = 29_999;
const TRIES = 50;

/** The first port the kernel may hand out by itself (ip_local_port_range's low end). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 0) return low;
  } catch {
    // Not Linux: the IANA range starts at 49152.
  }
  return 49_152;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const highest = Math.min(HIGHEST, ephemeralLow() - 1);
  if (highest < LOWEST) throw new Error(`the kernel's ephemeral ports start at ${highest + 1}, leaving none in ${LOWEST}-${HIGHEST} for test programs (see /proc/sys/net/ipv4/ip_local_port_range)`);
  for (let i = 0; i < TRIES; i++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port on 127.0.0.1 in ${LOWEST}-${highest} after ${TRIES} tries`);
}
