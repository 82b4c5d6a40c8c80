/**
 * No build secret reaches the image: the npm CA bundle is mounted as a
 * BuildKit secret only while npm runs, and nothing else of the build stages
 * (.npmrc, tokens, the npm cache) is copied into the final image. Checked on
 * every layer of the saved image and on its history, not on the running
 * filesystem alone (a file deleted in a later layer would still ship).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { docker, runCommand } from './support/docker';

const built = inject('e2eBuild');
const work = mkdtempSync(join(tmpdir(), 'image-layers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FORBIDDEN_NAMES = [/(^|\/)\.npmrc$/, /(^|\/)\.npm\//, /(^|\/)run\/secrets\//, /\.pem$/, /\.crt$/, /(^|\/)\.git\//];
const FORBIDDEN_CONTENT = ['-----BEGIN CERTIFICATE-----', '-----BEGIN PRIVATE KEY-----', '_authToken', '//registry.npmjs.org/:_'];

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const relative = prefix ? `${prefix}/${name}` : name;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    return stat.isDirectory() ? files(path, relative) : stat.isFile() ? [relative] : [];
  });
}

/** The CA bundle the build trusted, when there was one: its first certificate line must appear nowhere. */
function caFingerprint(): string | undefined {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  const line = readFileSync(file, 'utf8').split('\n').find((l) => /^[A-Za-z0-9+/]{40,}$/.test(l.trim()));
  return line?.trim();
}

describe.each(Object.entries(built.images))('node%s image', (major, image) => {
  it('holds no build secret in any layer', async () => {
    const dir = join(work, `node${major}`);
    const saved = await runCommand('sh', ['-c', `mkdir -p ${dir}/image && docker save ${image} | tar -x -C ${dir}/image`]);
    expect(saved.exitCode, saved.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'image', 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
    const layers = manifest[0]!.Layers;
    expect(layers.length).toBeGreaterThan(0);
    const needles = [...FORBIDDEN_CONTENT, caFingerprint()].filter((n): n is string => Boolean(n));
    const findings: string[] = [];
    for (const [index, layer] of layers.entries()) {
      const target = join(dir, `layer-${index}`);
      const unpacked = await runCommand('sh', ['-c', `mkdir -p ${target} && tar -x -C ${target} -f ${join(dir, 'image', layer)}`]);
      expect(unpacked.exitCode, unpacked.stderr).toBe(0);
      for (const file of files(target)) {
        if (FORBIDDEN_NAMES.some((pattern) => pattern.test(file))) findings.push(`layer ${index}: file ${file}`);
        const content = readFileSync(join(target, file));
        for (const needle of needles) if (content.includes(needle)) findings.push(`layer ${index}: ${file} contains ${needle.slice(0, 30)}`);
      }
    }
    expect(findings).toEqual([]);
  });

  it('says nothing secret in its history or configuration', async () => {
    const history = await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', image]);
    const config = await docker(['image', 'inspect', image]);
    const text = history.stdout + config.stdout;
    for (const needle of [...FORBIDDEN_CONTENT, caFingerprint()].filter((n): n is string => Boolean(n))) expect(text).not.toContain(needle);
    expect(text).not.toMatch(/NODE_EXTRA_CA_CERTS=\//);
  });
});
