/**
 * Connection-pool metrics for mysql2 pools, by the OpenTelemetry
 * database-client conventions: db.client.connection.count by
 * db.client.connection.state (used, idle), db.client.connection.max and
 * db.client.connection.pending_requests, each with
 * db.client.connection.pool.name. The upstream mysql2 instrumentation has
 * none. Pools are noted when created (createPool and PoolCluster.add are wrapped); their queues
 * are read when metrics are collected, so a query costs nothing more.
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { mysql2PoolName, mysql2PoolShapeProblem, mysql2PoolState, uniqueName, type Mysql2PoolLike } from '../metrics/pool-state';

export function mysql2PoolFallbackLine(problem: string): string {
  return `a mysql2 pool is not shaped as checked (${problem}): db.client.connection.* metrics are not recorded for such pools, as without this distribution (its query spans are unaffected)`;
}

const SUPPORTED = ['>=1.0.0 <4'];
type CreatePool = (...args: unknown[]) => unknown;

export class Mysql2PoolMetricsInstrumentation extends InstrumentationBase {
  /** Live pools and their names; a closed or collected pool is dropped at the next collection. */
  private readonly pools = new Map<WeakRef<Mysql2PoolLike>, string>();
  private readonly seen = new WeakSet<object>();

  private toldShape = false;

  /** `say`: where the one line goes when a pool's layout is not the one checked. */
  constructor(
    config: Record<string, unknown> = {},
    private readonly say: (line: string) => void = () => undefined,
  ) {
    super('custom-otel-mysql2-pool-metrics', '1.0.0', config);
  }

  protected init() {
    const wrapExports = (exports: Record<string, unknown>) => {
      if (typeof exports?.createPool === 'function') this._wrap(exports, 'createPool', (original) => this.noting(original as CreatePool));
      return exports;
    };
    const unwrapExports = (exports: Record<string, unknown>) => {
      if (exports) this._unwrap(exports, 'createPool');
    };
    // mysql2/promise (3.x) creates its pools through lib/create_pool.js, not the package's exports.
    const createPoolFile = new InstrumentationNodeModuleFile('mysql2/lib/create_pool.js', SUPPORTED, (createPool: CreatePool) => this.noting(createPool), () => undefined);
    // A PoolCluster makes a pool per node it is given (add), named by the node's id.
    type Cluster = { prototype: { add?: (...args: unknown[]) => unknown } };
    const clusterFile = new InstrumentationNodeModuleFile(
      'mysql2/lib/pool_cluster.js',
      SUPPORTED,
      (PoolCluster: Cluster) => {
        if (typeof PoolCluster?.prototype?.add === 'function') this._wrap(PoolCluster.prototype, 'add', (original) => this.notingClusterNodes(original as CreatePool) as never);
        return PoolCluster;
      },
      (PoolCluster: Cluster) => {
        if (PoolCluster?.prototype) this._unwrap(PoolCluster.prototype, 'add');
      },
    );
    return [new InstrumentationNodeModuleDefinition('mysql2', SUPPORTED, wrapExports as never, unwrapExports as never, [createPoolFile, clusterFile])];
  }

  /** createPool, noting each pool it returns. */
  private noting(original: CreatePool): CreatePool {
    const instrumentation = this;
    return function createPool(this: unknown, ...args: unknown[]) {
      const pool = original.apply(this, args);
      try {
        instrumentation.note(pool as Mysql2PoolLike);
      } catch {
        // a pool we cannot read goes unmeasured; the app keeps its pool
      }
      return pool;
    };
  }

  /** PoolCluster.add, noting the pool of each node it holds afterwards. */
  private notingClusterNodes(original: CreatePool): CreatePool {
    const instrumentation = this;
    return function add(this: { _nodes?: Record<string, { id?: string; pool?: Mysql2PoolLike }> }, ...args: unknown[]) {
      const result = original.apply(this, args);
      try {
        for (const node of Object.values(this._nodes ?? {})) if (node.pool) instrumentation.note(node.pool, node.id);
      } catch {
        // a cluster we cannot read goes unmeasured
      }
      return result;
    };
  }

  private note(pool: Mysql2PoolLike, clusterNode?: string): void {
    if (typeof pool !== 'object' || pool === null || this.seen.has(pool)) return;
    const problem = mysql2PoolShapeProblem(pool);
    if (problem !== undefined) {
      // Upstream's mysql2 instrumentation records no pool metrics: there is no other path to fall back to, only this to say.
      if (!this.toldShape) this.say(mysql2PoolFallbackLine(problem));
      this.toldShape = true;
      return;
    }
    this.seen.add(pool);
    const name = clusterNode === undefined ? mysql2PoolName(pool) : `${clusterNode} ${mysql2PoolName(pool)}`;
    this.pools.set(new WeakRef(pool), uniqueName(name, new Set(this.pools.values())));
  }

  protected override _updateMetricInstruments(): void {
    const count = this.meter.createObservableUpDownCounter('db.client.connection.count', {
      unit: '{connection}',
      description: 'The number of connections that are currently in state described by the state attribute',
    });
    const max = this.meter.createObservableUpDownCounter('db.client.connection.max', {
      unit: '{connection}',
      description: 'The maximum number of open connections allowed',
    });
    const pending = this.meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
      unit: '{request}',
      description: 'The number of current pending requests for an open connection',
    });
    this.meter.addBatchObservableCallback(
      (result) => {
        for (const [ref, name] of this.pools) {
          const pool = ref.deref();
          const state = pool && !pool._closed ? mysql2PoolState(pool) : undefined;
          if (!state) {
            this.pools.delete(ref);
            continue;
          }
          const observe = (instrument: Parameters<typeof result.observe>[0], value: number, attributes: Record<string, string>) =>
            result.observe(instrument, value, { 'db.client.connection.pool.name': name, ...attributes });
          observe(count, state.used, { 'db.client.connection.state': 'used' });
          observe(count, state.idle, { 'db.client.connection.state': 'idle' });
          observe(pending, state.pending, {});
          if (state.max !== undefined) observe(max, state.max, {});
        }
      },
      [count, max, pending],
    );
  }
}
