import { describe, expect, it } from 'vitest';
import { hookedModuleNames, supportsSynchronousHooks } from '../../src/esm-loader';

describe('supportsSynchronousHooks', () => {
  it('is true from the releases whose registerHooks accepts a null CommonJS source', () => {
    for (const version of ['22.22.3', 'v22.23.5', '22.30.0', '24.11.1', '24.12.0', '25.1.0', '26.0.0', '27.3.1']) {
      expect(supportsSynchronousHooks(version), version).toBe(true);
    }
  });

  it('is false before them, on 23.x, and on majors without registerHooks (the loader thread is used)', () => {
    for (const version of ['18.20.8', '20.20.2', '21.7.3', '22.15.0', '22.22.2', '23.11.0', '24.0.0', '24.11.0', '25.0.0', 'garbage']) {
      expect(supportsSynchronousHooks(version), version).toBe(false);
    }
  });
});

describe('hookedModuleNames', () => {
  it('collects the module names of every instrumentation, skipping those without definitions', () => {
    const instrumentations = [{ getModuleDefinitions: () => [{ name: 'http' }, { name: 'https' }] }, {}, { getModuleDefinitions: () => [{ name: 'express' }] }];
    expect(hookedModuleNames(instrumentations)).toEqual(['http', 'https', 'express']);
  });
});
