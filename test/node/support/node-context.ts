/**
 * The node project runs the real node in the repository's .cluster/ (where
 * `up` runs it), with the kubelet in standalone mode: the runtime proven on
 * its own, without a control plane.
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/repository';
import type { RuntimeContext } from '../../../cluster/node';

export function runtimeContext(): RuntimeContext {
  return { stateDir: join(REPO_ROOT, '.cluster'), log: (line) => console.log(line) };
}
