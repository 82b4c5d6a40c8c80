/**
 * The cluster project's set-up: `npm run cluster -- up` (builds what is not
 * cached, starts what is not running). A component that cannot be built or
 * started fails every test of the project with the reason. A cluster this
 * set-up started is stopped again at the end; one that was already up stays.
 */
import { status, up, down } from '../../../cluster/lifecycle';

export default async function setup(): Promise<() => Promise<void>> {
  const wasRunning = (await status()).running;
  try {
    await up((line) => console.log(line));
  } catch (error) {
    throw new Error(`the cluster tests need the cluster, and \`npm run cluster -- up\` failed: ${(error as Error).message}`);
  }
  return async () => {
    if (!wasRunning) await down((line) => console.log(line));
  };
}
