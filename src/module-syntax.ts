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

export function hasModuleSyntax(source: string): boolean {
  // Most CommonJS entries say none of these words: no compile at all.
  if (!/\b(?:import|export|await)\b/.test(source)) return false;
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
