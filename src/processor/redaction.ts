/**
 * Credentials never leave the process: header attributes, URL user-info,
 * query parameters and (optionally) SQL literals are replaced before export.
 * Attribute keys repeat across spans, so each key is classified once.
 */
import { SecretNames } from './secret-names';

export const REDACTED = '[REDACTED]';

export const DEFAULT_REDACT_KEYS = [
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'apikey', 'api_key',
  'x-auth-token', 'x-csrf-token', 'x-amz-security-token', 'token', 'access_token', 'refresh_token', 'id_token',
  'password', 'passwd', 'pwd', 'secret', 'client_secret', 'sig', 'signature', 'x-amz-signature', 'x-goog-signature',
  'sessionid', 'session_id',
];

const EXCEPTION_TEXT_KEYS = ['exception.message', 'exception.stacktrace'];
const URL_KEYS = new Set(['http.url', 'url.full', 'http.target', 'url.original', 'http.client.url']);
const DB_STATEMENT_KEYS = new Set(['db.statement', 'db.query.text']);
const HEADER_PREFIX = /^http\.(?:request|response)\.header\.(.+)$/;

const enum KeyKind {
  Plain,
  Secret,
  Url,
  /** url.query: a query without its `?`. */
  Query,
  DbStatement,
}

type Value = unknown;

export class Redactor {
  private readonly secretNames: SecretNames;
  private readonly kinds = new Map<string, KeyKind>();
  /**
   * The keys of the last attribute set, in order, and their kinds: spans of
   * one instrumentation repeat the same keys in the same order, so a key
   * found where it was last time needs no lookup.
   */
  private readonly lastKeys: string[] = [];
  private readonly lastKinds: KeyKind[] = [];

  constructor(keys: readonly string[], private readonly sanitizeDbStatements: boolean) {
    this.secretNames = new SecretNames(keys);
  }

  /** Rewrites secret values of `attributes` in place. */
  redactAttributes(attributes: Record<string, Value>): void {
    const lastKeys = this.lastKeys;
    const lastKinds = this.lastKinds;
    // One URL is often written under two keys (http.url and url.full), with a
    // path under two more (http.target, then url.path and url.query): the last
    // two URLs are kept with what they became, so each is redacted once.
    let url: string | undefined;
    let redactedUrl = '';
    let otherUrl: string | undefined;
    let otherRedactedUrl = '';
    let position = 0;
    for (const key in attributes) {
      let kind: KeyKind;
      if (lastKeys[position] === key) {
        kind = lastKinds[position]!;
      } else {
        kind = this.kindOf(key);
        lastKeys[position] = key;
        lastKinds[position] = kind;
      }
      position++;
      if (kind === KeyKind.Plain) continue;
      const value = attributes[key];
      if (kind === KeyKind.Secret) {
        attributes[key] = Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
        continue;
      }
      if (typeof value !== 'string') continue;
      let redacted: string;
      if (kind === KeyKind.DbStatement) {
        redacted = sanitizeSql(value);
      } else if (kind === KeyKind.Query) {
        redacted = isQueryOfKeptUrl(value, url, redactedUrl) || isQueryOfKeptUrl(value, otherUrl, otherRedactedUrl) ? value : this.redactUrl(value, true);
      } else if (value === url) {
        redacted = redactedUrl;
      } else if (value === otherUrl) {
        redacted = otherRedactedUrl;
      } else {
        otherUrl = url;
        otherRedactedUrl = redactedUrl;
        url = value;
        redacted = redactedUrl = this.redactUrl(value);
      }
      // Nearly always unchanged: a store through a computed key costs more than the comparison.
      if (redacted !== value) attributes[key] = redacted;
    }
  }

  /** Sanitises the status message and exception texts of a database span, as its statement is. */
  sanitizeDbError(span: { status: { message?: string }; events: ReadonlyArray<{ attributes?: Record<string, unknown> }> }): void {
    if (typeof span.status.message === 'string') (span.status as { message?: string }).message = sanitizeDbErrorText(span.status.message);
    for (const event of span.events) {
      const attributes = event.attributes;
      if (!attributes) continue;
      for (const key of EXCEPTION_TEXT_KEYS) {
        const value = attributes[key];
        if (typeof value === 'string') attributes[key] = sanitizeDbErrorText(value);
      }
    }
  }

  /** Removes user-info and secret query parameters from a URL, a path or a bare query string. */
  redactUrl(value: string, bareQuery = false): string {
    let result = value;
    // User-info follows a scheme, which starts with a letter: a path or a query has none.
    if (startsWithLetter(result) && result.includes('@')) result = result.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/?#@]*@/, `$1${REDACTED}@`);
    const queryStart = bareQuery ? (result.startsWith('?') ? 1 : 0) : result.indexOf('?');
    if (queryStart < 0 || result.indexOf('=', queryStart) < 0) return result;
    const offset = bareQuery ? queryStart : queryStart + 1;
    // Percent-encoded names are decoded below; plain ones are compared in place
    // first, up to the end (a fragment's names can only add a false "maybe").
    if (result.indexOf('%', queryStart) < 0 && !this.secretNames.mayBeInQuery(result, offset, result.length)) return result;
    const hashAt = result.indexOf('#', queryStart);
    const queryEnd = hashAt < 0 ? result.length : hashAt;
    const params = result.slice(offset, queryEnd).split('&');
    let changed = false;
    for (let i = 0; i < params.length; i++) {
      const param = params[i]!;
      const eq = param.indexOf('=');
      if (this.secretNames.has(safeDecode(eq < 0 ? param : param.slice(0, eq)))) {
        params[i] = `${param.slice(0, eq < 0 ? param.length : eq)}=${REDACTED}`;
        changed = true;
      }
    }
    return changed ? result.slice(0, offset) + params.join('&') + result.slice(queryEnd) : result;
  }

  private kindOf(key: string): KeyKind {
    let kind = this.kinds.get(key);
    if (kind === undefined) {
      kind = this.classify(key);
      if (this.kinds.size < 10_000) this.kinds.set(key, kind);
    }
    return kind;
  }

  private classify(key: string): KeyKind {
    if (key === 'url.query') return KeyKind.Query;
    if (URL_KEYS.has(key)) return KeyKind.Url;
    if (DB_STATEMENT_KEYS.has(key)) return this.sanitizeDbStatements ? KeyKind.DbStatement : KeyKind.Plain;
    const header = HEADER_PREFIX.exec(key);
    const name = header ? header[1]! : key.slice(key.lastIndexOf('.') + 1);
    return this.secretNames.has(name) ? KeyKind.Secret : KeyKind.Plain;
  }
}

const SQL_LITERAL = /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|\b\d+(?:\.\d+)?\b/g;

/** Replaces string and number literals of a SQL statement with `?`. */
export function sanitizeSql(statement: string): string {
  return statement.replace(SQL_LITERAL, '?');
}

/**
 * MySQL and MariaDB quote the rest of a rejected statement, unescaped, as
 * `near '...' at line N`: its quotes cannot be paired, so all of it goes.
 */
export function sanitizeDbErrorText(text: string): string {
  return sanitizeSql(text.replace(/near '[\s\S]*' at line (\d+)/, 'near ? at line $1'));
}

/**
 * Whether `query` is all that follows the first `?` of `url`, which redaction
 * left unchanged: then the query's parameters are the URL's, and redacting it
 * on its own would leave it unchanged too. Not for a query that starts with
 * `?` (read as a bare query's optional `?`) or that could read as a URL with
 * user-info: those are redacted on their own.
 */
function isQueryOfKeptUrl(query: string, url: string | undefined, redactedUrl: string): boolean {
  if (url === undefined || redactedUrl !== url || query.charCodeAt(0) === 63 /* ? */) return false;
  const at = url.length - query.length;
  if (at < 1 || url.charCodeAt(at - 1) !== 63 || url.indexOf('?') !== at - 1 || !url.endsWith(query)) return false;
  return !(startsWithLetter(query) && query.includes('@'));
}

function startsWithLetter(text: string): boolean {
  const lower = text.charCodeAt(0) | 32;
  return lower >= 97 && lower <= 122;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
