/** Which processes are left uninstrumented (src/entry/process-filter.ts). */
import { describe, expect, it } from 'vitest';
import { commandName, isExcludedCommand } from '../../src/entry/process-filter';

describe('commandName', () => {
  it.each([
    ['/usr/local/lib/node_modules/npm/bin/npm-cli.js', 'npm'],
    ['/usr/local/lib/node_modules/npm/bin/npx-cli.js', 'npx'],
    ['/usr/local/lib/node_modules/yarn/bin/yarn.js', 'yarn'],
    ['/usr/local/lib/node_modules/pnpm/bin/pnpm.cjs', 'pnpm'],
    ['/usr/local/lib/node_modules/corepack/dist/corepack.js', 'corepack'],
    ['/app/node_modules/nodemon/bin/nodemon.js', 'nodemon'],
    ['/app/server.js', 'server'],
    ['/app/dist/main.mjs', 'main'],
    ['app.js', 'app'],
    ['/app/bin/start', 'start'],
    ['C:\\app\\node_modules\\npm\\bin\\npm-cli.js', 'npm'],
  ])('%s → %s', (path, name) => {
    expect(commandName(path)).toBe(name);
  });

  it('is undefined without a script (node -e, the REPL)', () => {
    expect(commandName(undefined)).toBeUndefined();
    expect(commandName('')).toBeUndefined();
  });
});

describe('isExcludedCommand', () => {
  it('excludes the package-manager CLIs by default', () => {
    for (const path of ['/usr/local/lib/node_modules/npm/bin/npm-cli.js', '/usr/local/lib/node_modules/npm/bin/npx-cli.js', '/opt/yarn/bin/yarn.js', '/opt/pnpm/bin/pnpm.cjs']) {
      expect(isExcludedCommand(path, undefined)).toBe(true);
      expect(isExcludedCommand(path, '  ')).toBe(true);
    }
  });

  it('instruments plain app paths and script-less processes', () => {
    expect(isExcludedCommand('/app/server.js', undefined)).toBe(false);
    expect(isExcludedCommand('/app/npm-helper.js', undefined)).toBe(false);
    expect(isExcludedCommand(undefined, 'server')).toBe(false);
  });

  it('uses a custom list instead of the defaults, case-insensitively', () => {
    expect(isExcludedCommand('/app/server.js', 'Server, worker')).toBe(true);
    expect(isExcludedCommand('/app/worker.mjs', 'server,WORKER')).toBe(true);
    expect(isExcludedCommand('/usr/local/lib/node_modules/npm/bin/npm-cli.js', 'server')).toBe(false);
    expect(isExcludedCommand('/app/api.js', ',,')).toBe(false);
  });
});

describe('isOwnTool', () => {
  it("is true for this tree's launcher and doctor only", async () => {
    const { isOwnTool } = await import('../../src/entry/process-filter');
    expect(isOwnTool('/otel-auto-instrumentation-nodejs/doctor.js', '/otel-auto-instrumentation-nodejs')).toBe(true);
    expect(isOwnTool('/otel-auto-instrumentation-nodejs/instrument.js', '/otel-auto-instrumentation-nodejs')).toBe(true);
    expect(isOwnTool('/app/doctor.js', '/otel-auto-instrumentation-nodejs')).toBe(false);
    expect(isOwnTool('/otel-auto-instrumentation-nodejs/lib/distribution.js', '/otel-auto-instrumentation-nodejs')).toBe(false);
    expect(isOwnTool(undefined, '/t')).toBe(false);
  });
});
