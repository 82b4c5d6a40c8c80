/**
 * The text of an OTEL_CONFIG_FILE as plain data: YAML parsed, environment
 * references in scalar values substituted (never in keys, never producing
 * structure), unquoted results typed as YAML's core schema types them.
 */
import type { Node } from 'yaml';
import type { Env } from './env-reader';
import { substitute } from './env-substitution';

/** A problem in the file, at a path such as `tracer_provider.processors[0].batch`. */
export class ConfigFileError extends Error {
  constructor(readonly path: string, readonly reason: string) {
    super(path === '' ? reason : `${path}: ${reason}`);
  }
}

export interface ConfigDocument {
  data: unknown;
  /** The environment variables the file refers to: the only ones it lets through. */
  referenced: string[];
}

export function parseConfigYaml(text: string, env: Env): ConfigDocument {
  // Loaded only when a file is set: an app without one pays nothing for the parser.
  const { isMap, isPair, isScalar, isSeq, parseDocument } = require('yaml') as typeof import('yaml');
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const before = text.slice(0, error.pos[0]).split('\n');
    throw new ConfigFileError('', `not valid YAML at line ${before.length}, column ${before[before.length - 1]!.length + 1}: ${error.message.split('\n')[0]}`);
  }
  const referenced = new Set<string>();
  const visit = (node: unknown, path: string): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value, path === '' ? key : `${path}.${key}`);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, `${path}[${index}]`));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      const result = substitute(node.value, env);
      if (!result.ok) throw new ConfigFileError(path, result.reason);
      for (const name of result.referenced) referenced.add(name);
      // Quoted values stay strings; unquoted ones are typed after substitution.
      node.value = node.type === 'PLAIN' ? coreScalar(result.value) : result.value;
    } else if (isScalar(node) && path === 'file_format' && typeof node.value === 'number' && typeof node.source === 'string') {
      // `file_format: 1.0` unquoted is the number 1 to YAML; the version is the text.
      node.value = node.source;
    }
    // An alias is its anchored node, substituted where it stands.
  };
  visit(doc.contents as Node | null, '');
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  return { data, referenced: [...referenced] };
}

/** YAML 1.2 core schema resolution of a plain scalar's text. */
export function coreScalar(text: string): string | number | boolean | null {
  if (/^(|~|null|Null|NULL)$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?(\.inf|\.Inf|\.INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^(\.nan|\.NaN|\.NAN)$/.test(text)) return NaN;
  return text;
}
