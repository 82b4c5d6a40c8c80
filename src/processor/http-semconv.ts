/**
 * HTTP instrumentations emit either the old semantic conventions (http.method,
 * http.status_code, http.target, http.url) or the stable ones
 * (http.request.method, http.response.status_code, url.path/url.query,
 * url.full), depending on their version and OTEL_SEMCONV_STABILITY_OPT_IN.
 * Filling in the missing side keeps dashboards working with either.
 */
type Attributes = Record<string, unknown>;

const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['http.method', 'http.request.method'],
  ['http.status_code', 'http.response.status_code'],
  ['http.url', 'url.full'],
];

export function harmonizeHttpAttributes(attributes: Attributes): void {
  if (attributes['http.method'] === undefined && attributes['http.request.method'] === undefined) return;
  for (const [legacy, stable] of PAIRS) {
    const legacyValue = attributes[legacy];
    const stableValue = attributes[stable];
    if (legacyValue === undefined && stableValue !== undefined) attributes[legacy] = stableValue;
    else if (stableValue === undefined && legacyValue !== undefined) attributes[stable] = legacyValue;
  }
  const target = attributes['http.target'];
  const path = attributes['url.path'];
  if (typeof target === 'string' && path === undefined) {
    const q = target.indexOf('?');
    attributes['url.path'] = q < 0 ? target : target.slice(0, q);
    if (q >= 0 && attributes['url.query'] === undefined) attributes['url.query'] = target.slice(q + 1);
  } else if (typeof path === 'string' && target === undefined) {
    const query = attributes['url.query'];
    const bare = typeof query === 'string' ? query.replace(/^\?/, '') : '';
    attributes['http.target'] = bare !== '' ? `${path}?${bare}` : path;
  }
}
