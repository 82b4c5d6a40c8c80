/**
 * The database image of cluster/overlay, run as k8s/test-app.yaml configures
 * mysql:8.0 (the MYSQL_* variables): the user it names reaches its database.
 * No network: the client runs inside the container (docker exec).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecked, runCommand } from '../../scripts/child-process';
import { databaseImage } from '../../cluster/database-image';

let container = '';

beforeAll(async () => {
  const env = { MYSQL_DATABASE: 'testapp', MYSQL_USER: 'app', MYSQL_PASSWORD: 'app-secret', MYSQL_ROOT_PASSWORD: 'root-secret' };
  const run = await runChecked('docker', ['run', '-d', '--network', 'none', ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]), databaseImage()]);
  container = run.stdout.trim();
});

afterAll(async () => {
  if (container) await runCommand('docker', ['rm', '-f', container]);
});

async function query(user: string, password: string, sql: string) {
  return runCommand('docker', ['exec', container, 'mariadb', '-h127.0.0.1', '-P3306', `-u${user}`, `-p${password}`, '-N', '-e', sql]);
}

describe(`the cluster's database image (${databaseImage()})`, () => {
  it('creates the database, the user and the root password the MYSQL_* variables name, over TCP on 3306', async () => {
    let result = await query('app', 'app-secret', 'SELECT DATABASE()');
    for (let attempt = 0; result.exitCode !== 0 && attempt < 120; attempt++) {
      await sleep(500);
      result = await query('app', 'app-secret', 'USE testapp; SELECT DATABASE()');
    }
    expect(result.exitCode, result.stderr).toBe(0);
    expect((await query('app', 'app-secret', 'CREATE TABLE testapp.t (id INT); SELECT COUNT(*) FROM testapp.t')).stdout.trim()).toBe('0');
    expect((await query('root', 'root-secret', 'SELECT 1')).exitCode).toBe(0);
    expect((await query('app', 'wrong', 'SELECT 1')).exitCode).not.toBe(0);
  });
});
