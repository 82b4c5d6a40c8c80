/**
 * A resource detector that hangs, for real: the host detector reads
 * /etc/machine-id, and in a private mount namespace we bind a FIFO with no
 * writer over it, so that read blocks forever (as a read from a stuck
 * network filesystem would). The rest of the machine sees the real file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Command and arguments that run `node <script>` in a private mount namespace, optionally with the hanging machine-id. */
export function namespacedNode(hang: boolean): { node: string; args: string[] } {
  const mount = hang ? `mount --bind ${makeFifo()} /etc/machine-id && ` : '';
  // The same wrapper with and without the FIFO, so both runs pay the same start-up cost.
  return { node: 'unshare', args: ['--mount', '--propagation', 'private', 'sh', '-c', `${mount}exec "$0" "$@"`, process.execPath] };
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
