import { describe, expect, it } from 'vitest';
import { moduleRuntime, nodeFlagTokens } from '../../src/module-runtime';

describe('moduleRuntime: defaults by version (each boundary checked on the real runtime)', () => {
  it.each([
    ['20.18.0', false, false],
    ['20.19.0', true, false],
    ['20.20.2', true, false],
    ['22.6.0', false, false],
    ['22.7.0', true, false],
    ['22.17.0', true, false],
    ['22.18.0', true, true],
    ['23.5.0', true, false],
    ['23.6.0', true, true],
    ['24.0.0', true, true],
    ['26.12.1', true, true],
    ['18.20.8', false, false],
    ['14.21.3', false, false],
  ])('%s: syntax detection %s, type stripping %s', (version, detection, stripping) => {
    const runtime = moduleRuntime(`v${version}`, []);
    expect(runtime.syntaxDetection).toBe(detection);
    expect(runtime.typeStripping).toBe(stripping);
  });
});

describe('moduleRuntime: flags', () => {
  it('turns detection and stripping on and off', () => {
    expect(moduleRuntime('22.6.0', ['--experimental-detect-module', '--experimental-strip-types'])).toMatchObject({ syntaxDetection: true, typeStripping: true });
    expect(moduleRuntime('24.0.0', ['--no-experimental-detect-module', '--no-experimental-strip-types'])).toMatchObject({ syntaxDetection: false, typeStripping: false });
    expect(moduleRuntime('22.12.0', ['--experimental_transform_types'])).toMatchObject({ typeStripping: true });
  });
  it('sees loaders the app adds, in either spelling', () => {
    expect(moduleRuntime('22.0.0', ['--import', 'tsx']).userLoaders).toBe(true);
    expect(moduleRuntime('22.0.0', ['--import=tsx']).userLoaders).toBe(true);
    expect(moduleRuntime('20.6.0', ['--experimental-loader', './l.mjs']).userLoaders).toBe(true);
    expect(moduleRuntime('20.6.0', ['--loader=ts-node/esm']).userLoaders).toBe(true);
    expect(moduleRuntime('20.6.0', ['--require', '/otel/autoinstrumentation.js']).userLoaders).toBe(false);
  });
  it('reads --experimental-default-type', () => {
    expect(moduleRuntime('22.0.0', ['--experimental-default-type=module']).defaultTypeModule).toBe(true);
    expect(moduleRuntime('22.0.0', ['--experimental-default-type', 'module']).defaultTypeModule).toBe(true);
    expect(moduleRuntime('22.0.0', ['--experimental-default-type=commonjs']).defaultTypeModule).toBe(false);
  });
});

describe('nodeFlagTokens', () => {
  it('puts NODE_OPTIONS (quotes removed) before the command line', () => {
    expect(nodeFlagTokens(['--import=tsx'], ' --require /otel/autoinstrumentation.js --title "my app"')).toEqual(['--require', '/otel/autoinstrumentation.js', '--title', 'my app', '--import=tsx']);
    expect(nodeFlagTokens([], undefined)).toEqual([]);
  });
});
