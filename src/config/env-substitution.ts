/**
 * Environment variable references in a configuration file's scalar values, as
 * the OpenTelemetry configuration data model defines them: `${VAR}`,
 * `${env:VAR}`, `${VAR:-default}`, and `$$` for a literal `$`. Pure: the
 * caller hands in the environment.
 */
import type { Env } from './env-reader';

export type Substituted = { ok: true; value: string; referenced: string[] } | { ok: false; reason: string };

// A name as the data model allows it; the default runs to the closing brace.
const REFERENCE = /^\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^\n}]*))?\}/;

export function substitute(text: string, env: Env): Substituted {
  let value = '';
  const referenced: string[] = [];
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      value += text.slice(i);
      break;
    }
    value += text.slice(i, dollar);
    const rest = text.slice(dollar);
    if (rest.startsWith('$$')) {
      // The escape: `$${VAR}` is the literal text `${VAR}`, never substituted.
      value += '$';
      i = dollar + 2;
      continue;
    }
    if (!rest.startsWith('${')) {
      value += '$';
      i = dollar + 1;
      continue;
    }
    const match = REFERENCE.exec(rest);
    if (!match) {
      const shown = rest.length > 40 ? `${rest.slice(0, 37)}...` : rest;
      return { ok: false, reason: `${JSON.stringify(shown)} is not a valid reference (expected \${NAME}, \${env:NAME} or \${NAME:-default}; $$ for a literal $)` };
    }
    const name = match[1]!;
    referenced.push(name);
    const set = env[name];
    // Unset or empty takes the default, as in a shell's `:-`; no default: empty.
    value += set !== undefined && set !== '' ? set : (match[2] ?? '');
    i = dollar + match[0].length;
  }
  return { ok: true, value, referenced };
}
