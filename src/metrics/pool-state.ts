/**
 * A mysql2 pool's state as the OpenTelemetry database-client conventions
 * count it, read from the pool's own queues (every mysql2 release keeps
 * `_allConnections`, `_freeConnections` and `_connectionQueue`, each with a
 * length). Pure: nothing is counted per query, the queues are read when
 * metrics are collected.
 */
export interface PoolState {
  used: number;
  idle: number;
  pending: number;
  /** connectionLimit; undefined when unlimited (0). */
  max: number | undefined;
}

interface Queue {
  length: number;
}
export interface Mysql2PoolLike {
  _allConnections?: Queue;
  _freeConnections?: Queue;
  _connectionQueue?: Queue;
  _closed?: boolean;
  config?: { connectionLimit?: number; connectionConfig?: { host?: string; port?: number; database?: string; socketPath?: string } };
}

const lengthOf = (queue: Queue | undefined) => (queue && typeof queue.length === 'number' ? queue.length : 0);

/** What of a pool's layout is not the one checked (another release's), or undefined when it can be read. */
export function mysql2PoolShapeProblem(pool: Mysql2PoolLike): string | undefined {
  const missing = (['_allConnections', '_freeConnections'] as const).filter((queue) => typeof pool?.[queue]?.length !== 'number');
  return missing.length === 0 ? undefined : `no ${missing.join(' or ')} queue with a length`;
}

/** undefined when the object is not a pool this understands (another release's layout). */
export function mysql2PoolState(pool: Mysql2PoolLike): PoolState | undefined {
  if (!pool._allConnections || !pool._freeConnections) return undefined;
  const all = lengthOf(pool._allConnections);
  const idle = lengthOf(pool._freeConnections);
  const limit = pool.config?.connectionLimit;
  return { used: Math.max(0, all - idle), idle, pending: lengthOf(pool._connectionQueue), max: typeof limit === 'number' && limit > 0 ? limit : undefined };
}

/** `host:port/database` (or the socket path), as the pg instrumentation names its pools. */
export function mysql2PoolName(pool: Mysql2PoolLike): string {
  const c = pool.config?.connectionConfig ?? {};
  const where = c.socketPath ? c.socketPath : `${c.host ?? 'localhost'}:${c.port ?? 3306}`;
  return c.database ? `${where}/${c.database}` : where;
}

/** A second live pool with the same name gets `#2`, and so on, so each pool is its own series. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}#${n}`)) return `${name}#${n}`;
}
