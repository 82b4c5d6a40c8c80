import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheContentPath, lockedPackages } from '../../scripts/build/npm-packages';
import { elfMachine } from '../../scripts/build/copy-tool';
import { packagePathOf } from '../../tools/bundle/sbom.mjs';

const lock = {
  packages: {
    '': { name: 'root' },
    'node_modules/a': { version: '1.0.0', integrity: 'sha512-AAAA' },
    'node_modules/@s/b': { version: '2.0.0', dev: true },
    'node_modules/@esbuild/linux-x64': { version: '0.1.0', os: ['linux'], cpu: ['x64'], optional: true },
    'node_modules/@esbuild/darwin-arm64': { version: '0.1.0', os: ['darwin'], cpu: ['arm64'], optional: true },
    'node_modules/a/node_modules/c': { version: '3.0.0' },
    'node_modules/linked': { link: true },
  },
};

describe('the npm packages a build installs', () => {
  it('are the lockfile entries npm ci installs on this platform: dev ones only when not production', () => {
    const names = (production: boolean, cpu: string) => lockedPackages(lock, { production, os: 'linux', cpu }).map((p) => `${p.name}@${p.version}`);
    expect(names(true, 'x64')).toEqual(['a@1.0.0', '@esbuild/linux-x64@0.1.0', 'c@3.0.0']);
    expect(names(false, 'arm64')).toEqual(['a@1.0.0', '@s/b@2.0.0', 'c@3.0.0']);
  });

  it("are found in npm's cache by their integrity (cacache content-v2)", () => {
    const cache = mkdtempSync(join(tmpdir(), 'npm-cache-test-'));
    try {
      const integrity = `sha512-${Buffer.from('abcdef0123', 'hex').toString('base64')}`;
      const path = cacheContentPath(cache, integrity);
      expect(path).toBe(join(cache, '_cacache', 'content-v2', 'sha512', 'ab', 'cd', 'ef0123'));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, 'x');
      expect(cacheContentPath(cache, `sha1-AAAA ${integrity}`)).toBe(path);
      expect(() => cacheContentPath(cache, 'nonsense')).toThrow(/not an integrity/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('SBOM and copy-tool helpers', () => {
  it('finds the innermost package of a bundled file', () => {
    expect(packagePathOf('/deps/node_modules/@grpc/grpc-js/build/src/index.js', '/deps')).toBe('node_modules/@grpc/grpc-js');
    expect(packagePathOf('/deps/node_modules/a/node_modules/c/index.js', '/deps')).toBe('node_modules/a/node_modules/c');
    expect(packagePathOf('/repo/src/index.ts', '/deps')).toBeUndefined();
  });

  it('reads the ELF machine of either byte order', () => {
    const header = Buffer.alloc(20);
    header.writeUInt32BE(0x7f454c46, 0);
    header[5] = 1;
    header.writeUInt16LE(183, 18);
    expect(elfMachine(header)).toBe(183);
    header[5] = 2;
    header.writeUInt16BE(22, 18);
    expect(elfMachine(header)).toBe(22);
    expect(elfMachine(Buffer.from('#!/bin/sh\n echo not an elf'))).toBeUndefined();
  });
});
