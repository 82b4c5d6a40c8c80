/** Which autoinstrumentation.js files NODE_OPTIONS makes Node require, and whether one is this tree's. */
export type EntryState = 'this-tree' | 'other-tree' | 'missing';

/** Splits NODE_OPTIONS as Node does: on spaces, double quotes grouping, backslash escaping inside them. */
export function nodeOptionsWords(value: string): string[] {
  const words: string[] = [];
  let current = '';
  let quoted = false;
  let inWord = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += value[++i];
    } else if (c === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (c === ' ' && !quoted) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

export function requiredEntries(nodeOptions: string | undefined): string[] {
  const words = nodeOptionsWords(nodeOptions ?? '');
  const entries: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    let module: string | undefined;
    if (word === '--require' || word === '-r') module = words[++i];
    else if (word.startsWith('--require=')) module = word.slice('--require='.length);
    if (module !== undefined && /(^|[/\\])autoinstrumentation\.js$/.test(module)) entries.push(module);
  }
  return entries;
}

export function entryState(nodeOptions: string | undefined, treeDir: string): { state: EntryState; entries: string[] } {
  const entries = requiredEntries(nodeOptions);
  const own = `${treeDir}/autoinstrumentation.js`;
  const state = entries.includes(own) ? 'this-tree' : entries.length > 0 ? 'other-tree' : 'missing';
  return { state, entries };
}
