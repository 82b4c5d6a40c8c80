/**
 * The node's tests run the real node in the repository's .cluster/ (as `up`
 * does), one file at a time. Before the control plane is joined in, the
 * runtime is proven with the kubelet in standalone mode.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/repository';
import type { RuntimeContext } from '../../../cluster/node';

export function runtimeContext(): RuntimeContext {
  return { stateDir: join(REPO_ROOT, '.cluster'), log: (line) => console.log(line) };
}
