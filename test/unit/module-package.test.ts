import { describe, expect, it } from 'vitest';
import { packageOf, packageOfFilename, packageOfPath, packageOfRequest } from '../../src/instrumentations/module-package';

describe('packageOfPath: the last node_modules/<package> of a path, as require-in-the-middle reads it', () => {
  it.each([
    ['/srv/app/node_modules/mysql2/promise.js', 'mysql2'],
    ['/srv/app/node_modules/mysql2/promise', 'mysql2'],
    ['/srv/app/node_modules/mysql2', 'mysql2'],
    ['/srv/app/node_modules/@grpc/grpc-js/build/src/index.js', '@grpc/grpc-js'],
    ['/srv/app/node_modules/.pnpm/pg@8.11.3/node_modules/pg/lib/client.js', 'pg'],
    ['/srv/app/node_modules/.pnpm/@scope+x@1.0.0/node_modules/@scope/x/index.js', '@scope/x'],
    ['/srv/app/node_modules/pg/node_modules/pg-types/index.js', 'pg-types'],
    ['C:\\app\\node_modules\\express\\index.js', 'express'],
    ['/srv/app/src/db.js', undefined],
    ['/srv/app/node_modules/.bin/tsx', undefined],
    ['/srv/app/node_modules/@scope', undefined],
    ['/srv/app/node_modules/', undefined],
  ])('%s -> %s', (path, expected) => {
    expect(packageOfPath(path)).toBe(expected);
  });
});

describe('packageOfFilename: what Module._resolveFilename returned', () => {
  it('names builtins by themselves and files by their package', () => {
    expect(packageOfFilename('http')).toBe('http');
    expect(packageOfFilename('node:http')).toBe('http');
    expect(packageOfFilename('/srv/app/node_modules/undici/index.js')).toBe('undici');
    expect(packageOfFilename('/srv/app/server.js')).toBeUndefined();
  });
});

describe('packageOfRequest: known before resolution', () => {
  it('reads bare specifiers and builtins', () => {
    expect(packageOfRequest('mysql2/promise', '/srv/app/server.js')).toBe('mysql2');
    expect(packageOfRequest('node:http', undefined)).toBe('http');
  });
  it('reads absolute paths and paths relative to the requiring file', () => {
    expect(packageOfRequest('/srv/app/node_modules/mysql2/promise', '/srv/app/server.js')).toBe('mysql2');
    expect(packageOfRequest('./node_modules/pg', '/srv/app/server.js')).toBe('pg');
    expect(packageOfRequest('../../pg-pool/index.js', '/srv/app/node_modules/pg/lib/index.js')).toBe('pg-pool');
    expect(packageOfRequest('./client', '/srv/app/node_modules/pg/lib/index.js')).toBe('pg');
    expect(packageOfRequest('./db', '/srv/app/server.js')).toBeUndefined();
  });
  it('leaves to resolution what only resolution can tell', () => {
    expect(packageOfRequest('#db', '/srv/app/server.js')).toBeUndefined();
    expect(packageOfRequest('./relative', undefined)).toBeUndefined();
    expect(packageOf('#db')).toBeUndefined();
  });
});
