/**
 * The pool metrics read mysql2's own pool queues: a pool laid out otherwise
 * (another release) is checked when it is created, goes unmeasured as it would
 * without us (upstream has no pool metrics), and that is said once.
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mysql2PoolShapeProblem } from '../../src/metrics/pool-state';
import { mysql2PoolFallbackLine, Mysql2PoolMetricsInstrumentation } from '../../src/instrumentations/mysql2-pool-metrics';

type Pool = Record<string, unknown> & { promise(): { end(): Promise<void> } };

const mysql = createRequire(__filename)('mysql2') as typeof import('mysql2');

function realPool(): Pool {
  // Not connected until used: only its layout is read.
  return mysql.createPool({ host: '127.0.0.1', port: 3307, database: 'shop', connectionLimit: 2 }) as unknown as Pool;
}

/** A real pool whose free-connection queue is kept under another name, as a later release might. */
function relaidPool(): Pool {
  const pool = realPool();
  pool._idleConnections = pool._freeConnections;
  delete pool._freeConnections;
  return pool;
}

describe('mysql2PoolShapeProblem', () => {
  it("accepts the installed mysql2's pool and names what another layout lacks", async () => {
    const pool = realPool();
    expect(mysql2PoolShapeProblem(pool as never)).toBeUndefined();
    await pool.promise().end();
    expect(mysql2PoolShapeProblem({} as never)).toBe('no _allConnections or _freeConnections queue with a length');
    expect(mysql2PoolShapeProblem({ _allConnections: { length: 0 } } as never)).toBe('no _freeConnections queue with a length');
  });
});

describe('Mysql2PoolMetricsInstrumentation', () => {
  const patchedCreatePool = (instrumentation: Mysql2PoolMetricsInstrumentation, createPool: () => Pool) => {
    const exports = { createPool };
    const [definition] = instrumentation.getModuleDefinitions();
    definition!.patch!(exports, '3.0.0');
    return exports.createPool;
  };

  it('says once that pools of another layout go unmeasured, whatever their number', async () => {
    const lines: string[] = [];
    const instrumentation = new Mysql2PoolMetricsInstrumentation({ enabled: false }, (line) => lines.push(line));
    const createPool = patchedCreatePool(instrumentation, relaidPool);
    const pools = [createPool(), createPool()];
    expect(lines).toEqual([mysql2PoolFallbackLine('no _freeConnections queue with a length')]);
    for (const pool of pools) await pool.promise().end();
  });

  it('says nothing for pools it can read', async () => {
    const lines: string[] = [];
    const instrumentation = new Mysql2PoolMetricsInstrumentation({ enabled: false }, (line) => lines.push(line));
    const pool = patchedCreatePool(instrumentation, realPool)();
    expect(lines).toEqual([]);
    await pool.promise().end();
  });
});
