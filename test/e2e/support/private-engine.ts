/**
 * A Docker engine of a test's own: a directory under /tmp where a dockerd may
 * be started on its own socket (DOCKER_HOST=unix://<dir>/docker.sock), with
 * its own data root, exec root and pid file (scripts/docker/ensure-engine.sh
 * puts them there). The machine's engine, which other builds use at the same
 * time, is never touched. stop() ends the daemon the scripts started there
 * (by its pid file) and removes everything it left.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { alive } from '../../../cluster/process-control';
import { runCommand } from './docker';

export interface PrivateEngine {
  dir: string;
  socket: string;
  /** The environment that points docker (and the scripts) at this engine. */
  env: NodeJS.ProcessEnv;
  /** The dockerd running on this socket, from its pid file; undefined when none runs. */
  daemonPid(): number | undefined;
  stop(): Promise<void>;
}

export function privateEngine(): PrivateEngine {
  // Short: containerd's socket lies under it, and unix socket paths stop at 108 bytes.
  const dir = mkdtempSync('/tmp/coe-');
  const socket = join(dir, 'docker.sock');
  const pidFile = join(dir, 'docker.pid');
  const daemonPid = () => {
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
  };
  return {
    dir,
    socket,
    env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
    daemonPid,
    async stop() {
      const pid = daemonPid();
      if (pid !== undefined) {
        // dockerd stops its containers and its containerd, and unmounts its layers, on SIGTERM.
        process.kill(pid, 'SIGTERM');
        for (let waited = 0; alive(pid) && waited < 600; waited++) await sleep(100);
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      // Whatever it could not unmount (killed), so the directory can go.
      const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((line) => line.split(' ')[1] ?? '').filter((point) => point.startsWith(`${dir}/`));
      for (const point of mounts.reverse()) await runCommand('umount', ['-l', point]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
