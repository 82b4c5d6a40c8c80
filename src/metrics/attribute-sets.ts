/**
 * The metrics SDK hashes a record's attribute set on every record (its keys
 * sorted, then JSON.stringify: ~1.3 µs for the five of an HTTP duration, and
 * the garbage of it), though a server records the same few sets again and
 * again. Here a set is kept once, frozen, and hashed once: the SDK's hash
 * function, which its attribute maps read from its utils module's exports
 * when they are created, first looks the set up among those kept. A set not
 * kept here is hashed as before, so the hash of every set is the SDK's own.
 */

type AttributeRecord = Readonly<Record<string, unknown>>;
type Hash = (attributes: AttributeRecord) => string;

/** The part of the SDK's utils module this relies on. */
interface MetricsUtils {
  hashAttributes: Hash;
}

/** Server routes are templates and clients call few hosts, so sets stay few; past this, new sets are hashed per record. */
const MAX_SETS = 2000;
/** Steps allowed per set on average: a duration's set has five or six names. */
const STEPS_PER_SET = 8;

/**
 * One step of the walk from the first name to the last: the sets reached by
 * this path of names and values. Maps compare values as they are (200 is not
 * '200'), and the walk builds no key string, which would cost what it saves.
 */
interface Step {
  next?: Map<string, Map<unknown, Step>>;
  set?: AttributeRecord;
}

/** Whether the SDK's hash of a value stands for the value exactly (strings, numbers, booleans, undefined). */
function plainValue(value: unknown): boolean {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'undefined';
}

/** Attribute sets kept once each, whose hash the SDK's hash function finds without computing it. */
export class AttributeSets {
  private readonly root: Step = {};
  private readonly hashes = new WeakMap<object, string>();
  private kept = 0;
  /** Steps made, bounded too: a walk may stop short of a set (a value that cannot be kept). */
  private steps = 0;

  constructor(
    private readonly hash: Hash,
    private readonly limit = MAX_SETS,
  ) {}

  /**
   * The kept set equal to this one, names in the same order (the same object
   * every time), or this one when it cannot be kept: a value that is not a
   * string, number, boolean or undefined, or more sets than the limit.
   */
  intern<T extends AttributeRecord>(attributes: T): T {
    let step = this.root;
    for (const name in attributes) {
      const value = attributes[name];
      if (!plainValue(value)) return attributes;
      const byValue = step.next?.get(name);
      let following = byValue?.get(value);
      if (following === undefined) {
        if (this.kept >= this.limit || this.steps >= this.limit * STEPS_PER_SET) return attributes;
        this.steps++;
        following = {};
        if (byValue) byValue.set(value, following);
        else (step.next ??= new Map()).set(name, new Map([[value, following]]));
      }
      step = following;
    }
    if (step.set !== undefined) return step.set as T;
    if (this.kept >= this.limit) return attributes;
    // A copy the caller cannot change, frozen: its hash is computed once, so it must never change.
    const frozen = Object.freeze({ ...attributes });
    this.hashes.set(frozen, this.hash(frozen));
    this.kept++;
    step.set = frozen;
    return frozen;
  }

  /** The SDK's hash function, answering for kept sets from memory. */
  hashFunction(): Hash {
    return (attributes) => this.hashes.get(attributes) ?? this.hash(attributes);
  }
}

/** What is not as this relies on in the SDK's utils module (pure), or undefined. */
export function metricsUtilsProblem(utils: unknown): string | undefined {
  if (utils === undefined || utils === null) return 'its utils module was not found';
  const hash = (utils as Partial<MetricsUtils>).hashAttributes;
  if (typeof hash !== 'function' || hash.length !== 1) return 'it has no hashAttributes(attributes)';
  const descriptor = Object.getOwnPropertyDescriptor(utils, 'hashAttributes');
  if (!descriptor?.writable) return 'its hashAttributes cannot be replaced';
  // The hash must stand for the set's content whatever the order of its names.
  let same: boolean;
  try {
    same = hash({ b: 1, a: 'x' }) === hash({ a: 'x', b: 1 }) && hash({ a: 'x', b: 1 }) !== hash({ a: 'x', b: '1' });
  } catch {
    same = false;
  }
  return same ? undefined : 'its hashAttributes does not hash attribute sets by content';
}

export type AttributeSetsOutcome = { installed: true; sets: AttributeSets } | { installed: false; problem: string };

/**
 * Lets the SDK find the hash of kept sets: its utils module's hashAttributes
 * is replaced by one that answers for them from memory. Must run before the
 * meter provider exists (its attribute maps take the function when made).
 */
export function installAttributeSets(utils: unknown): AttributeSetsOutcome {
  const problem = metricsUtilsProblem(utils);
  if (problem !== undefined) return { installed: false, problem };
  const target = utils as MetricsUtils;
  const sets = new AttributeSets(target.hashAttributes);
  target.hashAttributes = sets.hashFunction();
  return { installed: true, sets };
}

/** The one line said at start when records cannot reuse their sets' hashes (pure). */
export function attributeSetsNotice(outcome: AttributeSetsOutcome): string | undefined {
  if (outcome.installed) return undefined;
  return `the metrics SDK's internals are not the ones checked (${outcome.problem}): each HTTP duration record hashes its attribute set (same metrics, ~1 µs more CPU per request)`;
}
