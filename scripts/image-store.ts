/** Asking the container engine about its local images. */
import { runCommand } from './child-process';

/** Whether the local image store holds this reference (name:tag, or an id). */
export async function imageExists(reference: string): Promise<boolean> {
  return (await runCommand('docker', ['image', 'inspect', reference], { timeoutMs: 30_000 })).exitCode === 0;
}
