/**
 * Node 21+ warns of a deprecated builtin (punycode) only when code outside
 * node_modules loads it. Our require hooks put frames of our tree on that
 * stack; a dependency's require('punycode') must still load without the
 * warning under our tree, and the app's own require('punycode') warn as bare.
 */
import { describe, inject, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { operatorEnv } from '../support/app-process';

const MAJOR = 26;

function run(runtimeDir: string, script: string, env: Record<string, string>) {
  const result = spawnSync(join(runtimeDir, 'bin', 'node'), [script], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, deprecations: (result.stderr.match(/\[DEP0040\]/g) ?? []).length };
}

describe(`deprecation warnings decided as bare Node decides (Node ${MAJOR})`, () => {
  it("a dependency's require('punycode') stays quiet under our tree; the app's own warns under both", ({ expect }) => {
    const { runtimeDir, entry } = inject('corpusMajors')[MAJOR]!;
    const dir = mkdtempSync(join(tmpdir(), 'deprecation-origin-'));
    try {
      mkdirSync(join(dir, 'node_modules', 'url-dep'), { recursive: true });
      writeFileSync(join(dir, 'node_modules', 'url-dep', 'index.js'), "module.exports = require('punycode').toASCII('bücher.example');\n");
      writeFileSync(join(dir, 'dependency.js'), "console.log(require('url-dep'));\n");
      writeFileSync(join(dir, 'own.js'), "console.log(require('punycode').toASCII('bücher.example'));\n");
      const { NODE_OPTIONS, ...otelEnv } = operatorEnv(entry, 'http://127.0.0.1:1', { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
      const ours = { ...otelEnv, NODE_OPTIONS: NODE_OPTIONS! };

      const dependencyBare = run(runtimeDir, join(dir, 'dependency.js'), otelEnv);
      const dependencyOurs = run(runtimeDir, join(dir, 'dependency.js'), ours);
      expect(dependencyBare).toEqual({ code: 0, stdout: 'xn--bcher-kva.example\n', deprecations: 0 });
      expect(dependencyOurs).toEqual(dependencyBare);

      const ownBare = run(runtimeDir, join(dir, 'own.js'), otelEnv);
      const ownOurs = run(runtimeDir, join(dir, 'own.js'), ours);
      expect(ownBare).toEqual({ code: 0, stdout: 'xn--bcher-kva.example\n', deprecations: 1 });
      expect(ownOurs).toEqual(ownBare);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
