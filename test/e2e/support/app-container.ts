/**
 * An app container started in the background with `docker run --detach`,
 * ready once its readiness path answers 200 (as the Deployment's probe
 * would see it), stopped with SIGTERM as the kubelet stops a pod.
 */
import { docker, runCommand } from './docker';

export interface AppContainer {
  name: string;
  baseUrl: string;
  logs(): Promise<string>;
  /** docker stop (SIGTERM, then SIGKILL after graceSeconds); returns the exit code and the whole log. */
  stop(graceSeconds?: number): Promise<{ exitCode: number; logs: string }>;
}

async function containerLogs(name: string): Promise<string> {
  const result = await runCommand('docker', ['logs', name], { timeoutMs: 30_000 });
  return `--- stdout of ${name}:\n${result.stdout}\n--- stderr of ${name}:\n${result.stderr}`;
}

async function isRunning(name: string): Promise<boolean> {
  const result = await runCommand('docker', ['inspect', '--format', '{{.State.Running}}', name], { timeoutMs: 30_000 });
  return result.stdout.trim() === 'true';
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** `runArgs` are the arguments after `docker run` and must include --name and --detach. */
export async function startAppContainer(runArgs: readonly string[], name: string, port: number, readinessPath: string, timeoutMs = 90_000): Promise<AppContainer> {
  await runCommand('docker', ['rm', '--force', name], { timeoutMs: 30_000 });
  await docker(['run', ...runArgs], { timeoutMs: 120_000 });
  const container: AppContainer = {
    name,
    baseUrl: `http://127.0.0.1:${port}`,
    logs: () => containerLogs(name),
    async stop(graceSeconds = 15) {
      await runCommand('docker', ['stop', '--time', String(graceSeconds), name], { timeoutMs: (graceSeconds + 30) * 1000 });
      const exitCode = Number((await runCommand('docker', ['inspect', '--format', '{{.State.ExitCode}}', name])).stdout.trim());
      const logs = await containerLogs(name);
      await runCommand('docker', ['rm', '--force', name], { timeoutMs: 30_000 });
      return { exitCode, logs };
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await answers(`${container.baseUrl}${readinessPath}`)) return container;
    if (!(await isRunning(name)) || Date.now() > deadline) {
      const why = Date.now() > deadline ? `did not answer ${readinessPath} with 200 within ${timeoutMs / 1000} s` : 'exited before it was ready';
      const logs = await containerLogs(name);
      await runCommand('docker', ['rm', '--force', name], { timeoutMs: 30_000 });
      throw new Error(`container ${name} ${why}\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
