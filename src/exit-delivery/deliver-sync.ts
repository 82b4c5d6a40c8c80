/**
 * Sends the exit exports synchronously: a worker thread does the I/O while
 * the main thread blocks in Atomics.wait, so this works inside an 'exit'
 * listener, where the loop will never turn again. Bounded by `timeoutMs`; a
 * refused address fails the requests at once, so nothing waits for it.
 */
import { EXIT_WORKER_SOURCE } from './worker-source';
import type { ExitRequest } from './exit-request';

export type Delivery = 'delivered' | 'failed' | 'too large' | 'timed out';

export function deliverSync(requests: ExitRequest[], timeoutMs: number): Delivery[] {
  if (requests.length === 0) return [];
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  const shared = new SharedArrayBuffer(4 * (1 + requests.length));
  const state = new Int32Array(shared);
  // No preload and no inherited flags: the thread runs only the code above.
  const worker = new Worker(EXIT_WORKER_SOURCE, { eval: true, workerData: { state: shared, requests }, execArgv: [], stdout: true, stderr: true });
  worker.on('error', () => undefined);
  worker.unref();
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(state, 0) === 0) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    Atomics.wait(state, 0, 0, left);
  }
  void worker.terminate();
  return requests.map((_request, index) => {
    const outcome = Atomics.load(state, 1 + index);
    return outcome === 1 ? 'delivered' : outcome === 2 ? 'failed' : outcome === 3 ? 'too large' : 'timed out';
  });
}
