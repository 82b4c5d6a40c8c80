/** Field-by-field differences between two decoded protobuf messages (plain objects from protobufjs toObject). */

/**
 * Every place where `ours` differs from `theirs`, as `path: what`: a field
 * upstream writes and ours does not, the reverse, a different value, a list
 * of another length. Empty when equal.
 */
export function messageDifferences(theirs: unknown, ours: unknown, path = ''): string[] {
  if (Array.isArray(theirs) || Array.isArray(ours)) {
    if (!Array.isArray(theirs) || !Array.isArray(ours)) return [`${path}: a list on one side only`];
    const differences = theirs.length === ours.length ? [] : [`${path}: ${theirs.length} items upstream, ${ours.length} ours`];
    for (let i = 0; i < Math.min(theirs.length, ours.length); i++) differences.push(...messageDifferences(theirs[i], ours[i], `${path}[${i}]`));
    return differences;
  }
  if (isMessage(theirs) && isMessage(ours)) {
    const differences: string[] = [];
    for (const key of Object.keys(theirs)) {
      if (!(key in ours)) differences.push(`${path}.${key}: upstream writes it, ours does not`);
      else differences.push(...messageDifferences(theirs[key], ours[key], `${path}.${key}`));
    }
    for (const key of Object.keys(ours)) if (!(key in theirs)) differences.push(`${path}.${key}: ours writes it, upstream does not`);
    return differences;
  }
  return Object.is(theirs, ours) ? [] : [`${path}: ${JSON.stringify(theirs)} upstream, ${JSON.stringify(ours)} ours`];
}

/** The field paths a message holds, list positions left out (`.resourceSpans[].scopeSpans[].spans[].name`). */
export function fieldPaths(message: unknown, path = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(message)) for (const item of message) fieldPaths(item, `${path}[]`, into);
  else if (isMessage(message)) {
    for (const [key, value] of Object.entries(message)) {
      into.add(`${path}.${key}`);
      fieldPaths(value, `${path}.${key}`, into);
    }
  }
  return into;
}

const isMessage = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
