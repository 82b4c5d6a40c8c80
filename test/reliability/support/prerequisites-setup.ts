/** Global set-up of the reliability project: installs or starts what the tests need (test/reliability/prepare.sh). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const script = join(__dirname, '..', 'prepare.sh');
  try {
    execFileSync('bash', [script], { stdio: 'inherit', timeout: 600_000 });
  } catch (error) {
    throw new Error(`the reliability tests' prerequisites could not be prepared by ${script}: ${(error as Error).message}`);
  }
}
