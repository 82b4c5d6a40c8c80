/**
 * The shape check of another package's internals that our HTTP paths call:
 * each method present and declaring the parameters it was written against
 * (Function.length: parameters before the first default).
 */
export type MethodTable<T> = ReadonlyArray<readonly [keyof T & string, number]>;

/** The first method of `table` that `candidate` lacks or declares otherwise, said as a sentence (pure); undefined when all are as listed. */
export function methodShapeProblem<T>(candidate: object, table: MethodTable<T>): string | undefined {
  for (const [name, length] of table) {
    const method = (candidate as Record<string, unknown>)[name];
    if (typeof method !== 'function' || method.length !== length) return `${name} is missing or takes other parameters`;
  }
  return undefined;
}
