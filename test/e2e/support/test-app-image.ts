/**
 * The test app's image for one Node major (test-app/Dockerfile), built the
 * way its header says: host network, the npm CA as a BuildKit secret when
 * the registry sits behind a TLS-intercepting proxy ($NODE_EXTRA_CA_CERTS).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from './docker';
import { REPO_ROOT } from './repo';
import { testAppImage } from './operator-pod';

export async function buildTestAppImage(major: number): Promise<string> {
  const image = testAppImage(major);
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  const secret = ca && existsSync(ca) ? ['--secret', `id=npm_ca,src=${ca}`] : [];
  await docker(['build', '--network', 'host', '--build-arg', `NODE_MAJOR=${major}`, ...secret, '--tag', image, join(REPO_ROOT, 'test-app')], {
    timeoutMs: 10 * 60_000,
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
  });
  return image;
}
