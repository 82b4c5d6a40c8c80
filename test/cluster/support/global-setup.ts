/**
 * The cluster project's set-up: the user flow's images when the local Docker
 * engine lacks them, then `npm run cluster -- up` (builds what is not cached,
 * starts what is not running). A component that cannot be built or started
 * fails every test of the project with the reason. A cluster this set-up
 * started is stopped again at the end; one that was already up stays.
 * vitest awaits a global set-up without a timeout, so a cold build may take
 * as long as it takes.
 */
import { status, up, down } from '../../../cluster/lifecycle';
import { buildMissingFlowImages } from './flow-images';

export default async function setup(): Promise<() => Promise<void>> {
  const log = (line: string) => console.log(line);
  // Only the user flow needs them: it fails naming what is missing, the other files still run.
  await buildMissingFlowImages(log).catch((error: Error) => log(`cluster: ${error.message}`));
  const wasRunning = (await status()).running;
  try {
    await up(log);
  } catch (error) {
    throw new Error(`the cluster tests need the cluster, and \`npm run cluster -- up\` failed: ${(error as Error).message}`);
  }
  return async () => {
    if (!wasRunning) await down(log);
  };
}
