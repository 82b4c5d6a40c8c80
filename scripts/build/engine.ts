/**
 * The Docker engine a build needs, brought up when none answers: on a fresh
 * machine `./build-multi-version` is the first command, before any `npm test`
 * or `npm run setup` has started one. The same script as the set-up's
 * (scripts/docker/ensure-engine.sh), so both start the engine the same way;
 * it honours DOCKER_HOST (a daemon of its own on another unix socket).
 */
import { join } from 'node:path';
import { $ } from 'zx';
import { REPO } from '../stage';
import type { Log } from './run';

export const ENSURE_ENGINE = 'scripts/docker/ensure-engine.sh';

async function engineAnswers(): Promise<boolean> {
  return (await $({ quiet: true, nothrow: true })`docker version --format {{.Server.Version}}`).exitCode === 0;
}

/** True when an engine answers, started here if need be; false (with the reason printed) when it cannot be. */
export async function ensureEngine(log: Log): Promise<boolean> {
  if (await engineAnswers()) return true;
  const where = process.env.DOCKER_HOST ? ` at DOCKER_HOST=${process.env.DOCKER_HOST}` : '';
  log(`no Docker engine answers${where}: starting one ($ bash ${ENSURE_ENGINE})`);
  const result = await $({ quiet: true, nothrow: true })`bash ${join(REPO, ENSURE_ENGINE)}`;
  if (result.exitCode === 0 && (await engineAnswers())) {
    log(result.stdout.trim());
    return true;
  }
  console.error(`${(result.stdout + result.stderr).trim()}\nbuild-multi-version: no Docker engine answers${where} and ${ENSURE_ENGINE} could not start one (above); fix that, or use --stage-only (no Docker)`);
  return false;
}
