/**
 * CUSTOM_OTEL_DROP_SPANS: comma-separated rules; a span matching any rule is
 * not exported. A rule is one or more `key=value` conditions joined by `&`;
 * the key `name` means the span name, any other key an attribute. A value
 * ending in `*` matches by prefix. Example: `name=GET /metrics,http.route=/internal*&http.request.method=GET`.
 */
export interface DropCondition {
  key: string;
  value: string;
  prefix: boolean;
}
export type DropRule = DropCondition[];

export function parseDropRules(value: string): { rules: DropRule[]; malformed: string[] } {
  const rules: DropRule[] = [];
  const malformed: string[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const conditions: DropCondition[] = [];
    for (const part of entry.split('&')) {
      const eq = part.indexOf('=');
      const key = eq > 0 ? part.slice(0, eq).trim() : '';
      const raw = eq > 0 ? part.slice(eq + 1).trim() : '';
      if (key === '' || raw === '') break;
      const prefix = raw.endsWith('*');
      conditions.push({ key, value: prefix ? raw.slice(0, -1) : raw, prefix });
    }
    if (conditions.length === 0 || conditions.length !== entry.split('&').length) malformed.push(entry);
    else rules.push(conditions);
  }
  return { rules, malformed };
}

type AttributeValue = string | number | boolean | ReadonlyArray<unknown> | null | undefined;

export function matchesDropRule(rules: readonly DropRule[], name: string, attributes: Readonly<Record<string, AttributeValue>>): boolean {
  for (const rule of rules) {
    let all = true;
    for (const condition of rule) {
      const actual = condition.key === 'name' ? name : attributes[condition.key];
      if (actual === undefined || actual === null) {
        all = false;
        break;
      }
      const text = String(actual);
      if (condition.prefix ? !text.startsWith(condition.value) : text !== condition.value) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}
