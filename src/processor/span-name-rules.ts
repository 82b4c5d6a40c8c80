/**
 * CUSTOM_OTEL_SPAN_NAME_RULES: route templates for apps whose framework sets
 * no http.route (plain node:http, unknown frameworks), so their server spans
 * are not all named `GET`. Comma-separated `[METHOD ]TEMPLATE` entries, first
 * match wins: `GET /users/:id,POST /orders/:id/items,/static/*`. In a
 * template, `:name` matches one path segment, a final `*` one or more.
 * Rules are compiled once; matching walks the path without allocating.
 */
export interface SpanNameRule {
  /** Upper-case HTTP method, or undefined for any method. */
  method: string | undefined;
  /** The template as written: it becomes http.route. */
  template: string;
  /** One entry per segment after the leading `/`: a literal, or null for `:name`. */
  segments: Array<string | null>;
  /** The template ends in `*`: one or more further segments. */
  rest: boolean;
}

const METHOD = /^([A-Za-z]+|\*)$/;

function compile(entry: string): SpanNameRule | undefined {
  const words = entry.split(/\s+/);
  if (words.length > 2) return undefined;
  const [first, second] = words as [string, string | undefined];
  const template = second ?? first;
  if (second !== undefined && !METHOD.test(first)) return undefined;
  if (!template.startsWith('/')) return undefined;
  const parts = template === '/' ? [] : template.slice(1).split('/');
  const segments: Array<string | null> = [];
  let rest = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const last = i === parts.length - 1;
    if (part === '*' && last) rest = true;
    else if (part === '' && last && i > 0) continue; // `/users/` means `/users`
    else if (part === '' || part.includes('*') || part === ':') return undefined;
    else segments.push(part.startsWith(':') ? null : part);
  }
  const method = second === undefined || first === '*' ? undefined : first.toUpperCase();
  return { method, template, segments, rest };
}

export function parseSpanNameRules(value: string): { rules: SpanNameRule[]; malformed: string[] } {
  const rules: SpanNameRule[] = [];
  const malformed: string[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const rule = compile(entry);
    if (rule) rules.push(rule);
    else malformed.push(entry);
  }
  return { rules, malformed };
}

/** Whether `path` (no query; one trailing `/` ignored) fits the rule's segments. */
function fits(rule: SpanNameRule, path: string): boolean {
  const end = path.length > 1 && path.charCodeAt(path.length - 1) === 47 /* / */ ? path.length - 1 : path.length;
  let start = 1;
  const { segments } = rule;
  for (let i = 0; i < segments.length; i++) {
    if (start > end) return false;
    let stop = path.indexOf('/', start);
    if (stop < 0 || stop > end) stop = end;
    if (stop === start) return false;
    const literal = segments[i];
    if (literal !== null && (stop - start !== literal!.length || !path.startsWith(literal!, start))) return false;
    start = stop + 1;
  }
  // start > end: every character was consumed by the segments.
  return rule.rest ? start < end : start > end || (segments.length === 0 && end <= 1);
}

export function matchSpanNameRule(rules: readonly SpanNameRule[], method: string | undefined, path: string): SpanNameRule | undefined {
  if (path.charCodeAt(0) !== 47 /* / */) return undefined;
  for (const rule of rules) {
    if (rule.method !== undefined && rule.method !== method) continue;
    if (fits(rule, path)) return rule;
  }
  return undefined;
}
