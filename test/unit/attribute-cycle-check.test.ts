/**
 * The bundle's change to the 3.x line's attribute check
 * (tools/bundle/attribute-cycle-check.mjs), held against the line's own
 * module: it applies to the version we ship, gives the same answer for every
 * kind of value, and makes no WeakSet for a value that cannot hold a cycle.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CORE_ATTRIBUTES_FILE, cycleSetOnObjectsOnly } from '../../tools/bundle/attribute-cycle-check.mjs';
import { sdkLineRequire } from '../support/sdk-line-packages';

interface AttributesModule {
  isAnyValue(value: unknown): boolean;
  cleanAttributes(attributes: unknown, limits: { attributeCountLimit: number; attributeValueLengthLimit: number }): { attributes: Record<string, unknown>; droppedAttributesCount: number };
}

/** The module from `source`, evaluated as Node would (its own require), with WeakSet counted. */
function evaluate(source: string, path: string): { module: AttributesModule; sets: () => number } {
  let made = 0;
  class CountedWeakSet<T extends object> extends WeakSet<T> {
    constructor() {
      super();
      made++;
    }
  }
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', 'WeakSet', source)(createRequire(path), module, module.exports, CountedWeakSet);
  return { module: module.exports as unknown as AttributesModule, sets: () => made };
}

const cyclicObject: Record<string, unknown> = { a: 1 };
cyclicObject.self = cyclicObject;
const cyclicArray: unknown[] = [1];
cyclicArray.push(cyclicArray);
const shared = { s: 'x' };
const VALUES: unknown[] = [
  'GET', '', 0, -1.5, NaN, true, false, null, undefined, 10n, Symbol('s'), () => 1,
  new Uint8Array([1, 2]), Buffer.from('ab'), [1, 'a', null, true], [1, [2, [3]]], [1, undefined], [() => 1], [],
  { a: 1, b: { c: 'x', d: [1, 2] } }, { a: undefined }, Object.assign(Object.create(null), { a: 1 }), { a: 10n },
  cyclicObject, cyclicArray, { x: shared, y: shared }, [shared, shared], new Date(0), /re/, new Map([[1, 2]]), new Set([1]),
];

describe("the 3.x line's attribute check, as the bundle ships it", async () => {
  const coreMain = (await sdkLineRequire('3.x')).resolve('@opentelemetry/core');
  const path = coreMain.replace(/index\.cjs$/, 'common/attributes.cjs');
  const source = readFileSync(path, 'utf8');
  const patched = cycleSetOnObjectsOnly(source);

  it("applies to the core version the line ships, whose module the bundler's filter names", () => {
    expect(CORE_ATTRIBUTES_FILE.test(path)).toBe(true);
    expect(patched).toBeDefined();
  });

  it('gives the same answer as upstream for every kind of value, alone and among attributes', () => {
    const upstream = evaluate(source, path).module;
    const ours = evaluate(patched!, path).module;
    VALUES.forEach((value, i) => expect(ours.isAnyValue(value), `value #${i}`).toBe(upstream.isAnyValue(value)));
    const attributes = Object.fromEntries(VALUES.map((value, i) => [`k${i}`, value]));
    const limits = { attributeCountLimit: 128, attributeValueLengthLimit: 2 };
    expect(ours.cleanAttributes(attributes, limits)).toEqual(upstream.cleanAttributes(attributes, limits));
  });

  it('makes no WeakSet for a string, number, boolean or null', () => {
    const upstream = evaluate(source, path);
    const ours = evaluate(patched!, path);
    const scalars = ['GET', 200, true, null];
    for (const value of scalars) {
      upstream.module.isAnyValue(value);
      ours.module.isAnyValue(value);
    }
    expect(upstream.sets()).toBe(scalars.length);
    expect(ours.sets()).toBe(0);
    ours.module.isAnyValue([1, { a: 2 }]);
    expect(ours.sets()).toBe(1);
  });

  it('leaves a module whose isAnyValue is another alone', () => {
    expect(cycleSetOnObjectsOnly(source.replace('new WeakSet()', 'new Set()'))).toBeUndefined();
    expect(cycleSetOnObjectsOnly(`function isAnyValue(val) { return true; }`)).toBeUndefined();
  });
});
