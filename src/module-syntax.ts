/**
 * Whether a file that Node would first try as CommonJS holds ES-module
 * syntax, found the way Node's syntax detection finds it: compiled as a
 * CommonJS function body, it fails with an error only ES-module syntax gives
 * (import or export statements, import.meta), or with a top-level await that
 * compiles inside an async function. Compiling only parses; nothing runs.
 */
import { Script } from 'node:vm';

const ONLY_IN_MODULES = ['Cannot use import statement outside a module', "Unexpected token 'export'", "Cannot use 'import.meta' outside a module"];
const TOP_LEVEL_AWAIT = ['await is only valid in async function', 'Unexpected reserved word'];

const compiles = (source: string): SyntaxError | undefined => {
  try {
    new Script(source);
    return undefined;
  } catch (error) {
    return error instanceof SyntaxError ? error : undefined;
  }
};

/** What may follow `import` or `export` at the start of a statement (tried at that one position). */
const STATEMENT = /(?:import[ \t]*(?:[\w$]+[ \t]*(?:,|from\b)|\{|\*|["'])|export[ \t]*(?:\{|\*|default\b|(?:const|let|var|function|class|async)\b))/y;
/** A top-level await as people write it: at the start of an unindented line. */
const LINE_START_AWAIT = /^(?:await\b|(?:const|let|var)\b[^\n=]*=[ \t]*await\b)/m;

function statementAt(source: string, word: string): boolean {
  for (let at = source.indexOf(word); at >= 0; at = source.indexOf(word, at + word.length)) {
    let before = at - 1;
    while (before >= 0 && (source.charCodeAt(before) === 32 || source.charCodeAt(before) === 9)) before--;
    const previous = before < 0 ? 10 : source.charCodeAt(before);
    if (previous !== 10 && previous !== 59 /* ; */ && previous !== 125 /* } */) continue;
    STATEMENT.lastIndex = at;
    if (STATEMENT.test(source)) return true;
  }
  return false;
}

/**
 * Where ES-module syntax could be: an import or export statement where a
 * statement starts, `import.meta`, or a top-level await at the start of a
 * line. A CommonJS entry without any is not compiled here: Node compiles the
 * entry anyway, and a large bundled entry costs ~20 ms per 350 kB to compile
 * a second time. Plain string search, then a check at each place found.
 */
function mayBeModule(source: string): boolean {
  return statementAt(source, 'import') || statementAt(source, 'export') || source.indexOf('import.meta') >= 0 || LINE_START_AWAIT.test(source);
}

export function hasModuleSyntax(source: string): boolean {
  if (!mayBeModule(source)) return false;
  const body = source.startsWith('#!') ? source.replace(/^#![^\n]*/, '') : source;
  const asCommonJs = compiles(`(function (exports, require, module, __filename, __dirname) {${body}\n})`);
  if (asCommonJs === undefined) return false;
  if (ONLY_IN_MODULES.some((message) => asCommonJs.message.includes(message))) return true;
  if (TOP_LEVEL_AWAIT.some((message) => asCommonJs.message.includes(message))) return compiles(`(async function () {${body}\n})`) === undefined;
  return false;
}

/**
 * TypeScript cannot be compiled here without stripping its types (the
 * runtime's stripper prints an experimental warning into the app's output),
 * so statements are looked for at the start of lines, outside block comments.
 */
export function hasTypeScriptModuleSyntax(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '');
  return /^[ \t]*(?:import[\s{*'"]|export[\s{*]|export default\b)/m.test(code) || /\bimport\.meta\b/.test(code);
}
