/**
 * Waiting for a component to answer: a health URL polled until it says ok, or
 * a clear error naming the component, what it was asked and its log's tail
 * (the bound is for a component that never comes up, not a performance claim).
 */
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { logTail, runningProcess } from './processes';
import type { CertificateFiles } from './pki';

export interface HealthCheck {
  url: string;
  /** Trust this CA file (default: the check does not verify the serving certificate, for self-signed loopback ports). */
  ca?: string;
  client?: CertificateFiles;
}

/** The HTTP status of a GET, or the connection error's message. */
export function probe(check: HealthCheck): Promise<{ status?: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    const url = new URL(check.url);
    const options = {
      timeout: 5000,
      ...(url.protocol === 'https:'
        ? {
            ca: check.ca ? readFileSync(check.ca) : undefined,
            rejectUnauthorized: check.ca !== undefined,
            cert: check.client ? readFileSync(check.client.cert) : undefined,
            key: check.client ? readFileSync(check.client.key) : undefined,
          }
        : {}),
    };
    const request = (url.protocol === 'https:' ? httpsGet : httpGet)(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('timeout', () => request.destroy(new Error('no answer in 5 s')));
    request.on('error', (error) => resolve({ body: '', error: error.message }));
  });
}

export async function waitUntilHealthy(processName: string, check: HealthCheck, timeoutMs = 180_000): Promise<void> {
  let last = '';
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (!runningProcess(processName)) {
      throw new Error(`cluster: ${processName} exited while starting; the end of .cluster/logs/${processName}.log:\n${logTail(processName)}`);
    }
    const answer = await probe(check);
    if (answer.status === 200) return;
    last = answer.error ?? `HTTP ${answer.status}: ${answer.body.slice(0, 500)}`;
    await sleep(500);
  }
  throw new Error(`cluster: ${processName} did not become healthy at ${check.url} (last answer: ${last}); the end of .cluster/logs/${processName}.log:\n${logTail(processName)}`);
}
