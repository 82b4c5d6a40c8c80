/** Runs an app as a real process with the operator's NODE_OPTIONS, and talks to it over HTTP. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';

export interface AppProcess {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

/** The operator's value when the container sets no NODE_OPTIONS: note the leading space. */
export function operatorNodeOptions(entry: string): string {
  return ` --require ${entry}`;
}

/** Environment as the operator builds it, with a receiver on 127.0.0.1. */
export function operatorEnv(entry: string, endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_OPTIONS: operatorNodeOptions(entry),
    OTEL_SERVICE_NAME: 'fixture-app',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_RESOURCE_ATTRIBUTES:
      'k8s.container.name=app,k8s.deployment.name=fixture-app,k8s.namespace.name=demo,k8s.node.name=node-1,k8s.pod.name=fixture-app-5d8f-abcde,service.instance.id=demo.fixture-app-5d8f-abcde.app,service.namespace=demo,service.version=1.2.3',
    OTEL_METRICS_EXPORTER: 'otlp',
    OTEL_PROPAGATORS: 'tracecontext,baggage',
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '1',
    ...extra,
  };
}

/** `ready` must capture the port; the fixtures print `LISTENING <port>`. */
export function startApp(
  script: string,
  env: Record<string, string>,
  options: { node?: string; cwd?: string; args?: string[]; timeoutMs?: number; ready?: RegExp } = {},
): Promise<AppProcess> {
  const started = Date.now();
  const child = spawn(options.node ?? process.execPath, [...(options.args ?? []), script], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) => {
    let signalledAt = started;
    child.on('spawn', () => undefined);
    const originalKill = child.kill.bind(child);
    child.kill = (signal?: NodeJS.Signals | number) => {
      signalledAt = Date.now();
      return originalKill(signal);
    };
    child.on('exit', (code, signal) => resolve({ code, signal, afterMs: Date.now() - signalledAt }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`app ${script} did not print ${options.ready ?? 'LISTENING'} within ${options.timeoutMs ?? 20_000} ms\nstdout: ${out}\nstderr: ${err}`));
    }, options.timeoutMs ?? 20_000);
    const onData = () => {
      const match = (options.ready ?? /LISTENING (\d+)/).exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve({
        child,
        port: Number(match[1]),
        stdout: () => out,
        stderr: () => err,
        exited,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          const result = await exited;
          clearTimeout(killer);
          return result;
        },
      });
    };
    child.stdout!.on('data', onData);
    exited.then((r) => {
      clearTimeout(timer);
      reject(new Error(`app ${script} exited (${r.code ?? r.signal}) before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.end();
  });
}
