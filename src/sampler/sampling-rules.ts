/**
 * CUSTOM_OTEL_SAMPLING_RULES: comma-separated `[METHOD ]PATH_PREFIX=RATIO`
 * entries, first match wins, for root server spans. Examples:
 * `GET /api/orders=0.5`, `/static=0`, `POST *=1`.
 */
export interface SamplingRule {
  /** Upper-case HTTP method, or undefined for any method. */
  method: string | undefined;
  /** Path prefix; '' matches every path. */
  pathPrefix: string;
  ratio: number;
}

export function parseSamplingRules(value: string): { rules: SamplingRule[]; malformed: string[] } {
  const rules: SamplingRule[] = [];
  const malformed: string[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.lastIndexOf('=');
    const ratioText = eq > 0 ? entry.slice(eq + 1).trim() : '';
    const ratio = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(ratioText) ? Number(ratioText) : NaN;
    const target = eq > 0 ? entry.slice(0, eq).trim().split(/\s+/) : [];
    if (!(ratio >= 0 && ratio <= 1) || target.length === 0 || target.length > 2) {
      malformed.push(entry);
      continue;
    }
    const [first, second] = target as [string, string | undefined];
    const method = second === undefined ? undefined : first.toUpperCase();
    const path = second ?? first;
    if (!path.startsWith('/') && path !== '*') {
      malformed.push(entry);
      continue;
    }
    rules.push({ method: method === '*' ? undefined : method, pathPrefix: path === '*' ? '' : path, ratio });
  }
  return { rules, malformed };
}

export function matchSamplingRule(rules: readonly SamplingRule[], method: string | undefined, path: string): SamplingRule | undefined {
  for (const rule of rules) {
    if (rule.method !== undefined && rule.method !== method) continue;
    if (path.startsWith(rule.pathPrefix)) return rule;
  }
  return undefined;
}
