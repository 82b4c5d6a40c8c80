/** A mysql2 pool's state and name as the pool metrics read them (src/metrics/pool-state.ts). */
import { describe, expect, it } from 'vitest';
import { mysql2PoolName, mysql2PoolState, uniqueName } from '../../src/metrics/pool-state';

const queue = (length: number) => ({ length });

describe('mysql2PoolState', () => {
  it('counts used as all minus free, idle as free, pending as the waiting queue', () => {
    expect(mysql2PoolState({ _allConnections: queue(7), _freeConnections: queue(2), _connectionQueue: queue(3), config: { connectionLimit: 10 } })).toEqual({ used: 5, idle: 2, pending: 3, max: 10 });
  });

  it('has no maximum for an unlimited pool (connectionLimit 0) and reads a real mysql2 pool', async () => {
    expect(mysql2PoolState({ _allConnections: queue(0), _freeConnections: queue(0), config: { connectionLimit: 0 } })).toEqual({ used: 0, idle: 0, pending: 0, max: undefined });
    const mysql = await import('mysql2');
    // Not connected until used: only its layout is read.
    const pool = mysql.createPool({ host: '127.0.0.1', port: 3307, database: 'shop', connectionLimit: 4 });
    expect(mysql2PoolState(pool as never)).toEqual({ used: 0, idle: 0, pending: 0, max: 4 });
    expect(mysql2PoolName(pool as never)).toBe('127.0.0.1:3307/shop');
    await pool.promise().end();
  });

  it('refuses an object of another layout', () => {
    expect(mysql2PoolState({} as never)).toBeUndefined();
  });
});

describe('mysql2PoolName', () => {
  it('is host:port/database, or the socket path, with defaults', () => {
    expect(mysql2PoolName({ config: { connectionConfig: { host: 'db', port: 3306, database: 'app' } } })).toBe('db:3306/app');
    expect(mysql2PoolName({ config: { connectionConfig: { socketPath: '/run/mysqld.sock', database: 'app' } } })).toBe('/run/mysqld.sock/app');
    expect(mysql2PoolName({ config: { connectionConfig: {} } })).toBe('localhost:3306');
  });

  it('gives a second pool of the same name its own series', () => {
    expect(uniqueName('db:3306/app', new Set())).toBe('db:3306/app');
    expect(uniqueName('db:3306/app', new Set(['db:3306/app', 'db:3306/app#2']))).toBe('db:3306/app#3');
  });
});
