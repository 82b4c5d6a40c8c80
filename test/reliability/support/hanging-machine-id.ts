/**
 * A resource detector that hangs, for real: the host detector reads
 * /etc/machine-id, and in a private mount namespace we bind a FIFO with no
 * writer over it, so that read blocks forever (as a read from a stuck
 * network filesystem would). The rest of the machine sees the real file.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Command and arguments that run `node <script>` in a private mount namespace,
 * optionally with the hanging machine-id, and the FIFO it reads. A process
 * whose read hangs cannot end: at exit libuv waits for its threads, one of
 * which is blocked in the read; `releaseFifo` lets the read return.
 */
export function namespacedNode(hang: boolean, node: string = process.execPath): { node: string; args: string[]; fifo?: string } {
  const fifo = hang ? makeFifo() : undefined;
  const mount = fifo ? `mount --bind ${fifo} /etc/machine-id && ` : '';
  // The same wrapper with and without the FIFO, so both runs pay the same start-up cost.
  return { node: 'unshare', args: ['--mount', '--propagation', 'private', 'sh', '-c', `${mount}exec "$0" "$@"`, node], fifo };
}

/** Answers the read blocked on the FIFO (a machine id, then end of file). Throws ENXIO when no process has it open for reading. */
export function releaseFifo(fifo: string): void {
  const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, '0123456789abcdef0123456789abcdef\n');
  } finally {
    closeSync(fd);
  }
}

function makeFifo(): string {
  const fifo = join(mkdtempSync(join(tmpdir(), 'hanging-machine-id-')), 'machine-id');
  execFileSync('mkfifo', [fifo]);
  return fifo;
}

/** Fails with what is missing when this machine cannot make private mount namespaces. */
export function checkMountNamespaces(): void {
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind /etc/hostname /etc/hostname'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `this test needs 'unshare' (util-linux) and the right to make a private mount namespace and bind-mount in it (root, CAP_SYS_ADMIN): ${(error as Error).message}`,
    );
  }
}
