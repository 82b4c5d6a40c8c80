/**
 * HTTP instrumentations emit either the old semantic conventions (http.method,
 * http.status_code, http.target, http.url) or the stable ones
 * (http.request.method, http.response.status_code, url.path/url.query,
 * url.full), depending on their version and OTEL_SEMCONV_STABILITY_OPT_IN.
 * Filling in the missing side keeps dashboards working with either.
 *
 * Runs on every server and client span: each pair is written out with literal
 * keys (not a loop over key tuples), because V8 caches a literal-key access per
 * call site, while a computed key that adds a property goes through a generic
 * lookup several times slower.
 */
type Attributes = Record<string, unknown>;

export function harmonizeHttpAttributes(attributes: Attributes): void {
  const legacyMethod = attributes['http.method'];
  const stableMethod = attributes['http.request.method'];
  if (legacyMethod === undefined) {
    if (stableMethod === undefined) return;
    attributes['http.method'] = stableMethod;
  } else if (stableMethod === undefined) {
    attributes['http.request.method'] = legacyMethod;
  }

  const legacyStatus = attributes['http.status_code'];
  const stableStatus = attributes['http.response.status_code'];
  if (legacyStatus === undefined) {
    if (stableStatus !== undefined) attributes['http.status_code'] = stableStatus;
  } else if (stableStatus === undefined) {
    attributes['http.response.status_code'] = legacyStatus;
  }

  const legacyUrl = attributes['http.url'];
  const stableUrl = attributes['url.full'];
  if (legacyUrl === undefined) {
    if (stableUrl !== undefined) attributes['http.url'] = stableUrl;
  } else if (stableUrl === undefined) {
    attributes['url.full'] = legacyUrl;
  }

  const target = attributes['http.target'];
  const path = attributes['url.path'];
  if (typeof target === 'string' && path === undefined) {
    const q = target.indexOf('?');
    attributes['url.path'] = q < 0 ? target : target.slice(0, q);
    if (q >= 0 && attributes['url.query'] === undefined) attributes['url.query'] = target.slice(q + 1);
  } else if (typeof path === 'string' && target === undefined) {
    const query = attributes['url.query'];
    const bare = typeof query === 'string' ? (query.charCodeAt(0) === 63 /* ? */ ? query.slice(1) : query) : '';
    attributes['http.target'] = bare !== '' ? `${path}?${bare}` : path;
  }
}
