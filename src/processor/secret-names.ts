/**
 * The names whose values are secrets (headers, query parameters, attribute
 * key suffixes), compared lower-cased with `_` as `-`: header attributes spell
 * `x-api-key` as `x_api_key` in some SDK versions, and `access_token` is a
 * query parameter.
 *
 * Every URL attribute of every span is checked for secret query parameters,
 * and nearly none hold one, so the check finds each parameter name's length
 * and compares the name with the secret names of that length only, without
 * cutting out substrings or running a pattern.
 */
export function normalName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

const UNDERSCORE = 95;
const DASH = 45;

export class SecretNames {
  private readonly names: ReadonlySet<string>;
  /** byLength[n]: the normal names of n characters. */
  private readonly byLength: Array<string[] | undefined> = [];
  /** A name outside ASCII lower-cases beyond what the character walk compares: such a set always answers "maybe". */
  private readonly onlyAscii: boolean;

  constructor(names: Iterable<string>) {
    this.names = new Set([...names].map(normalName));
    for (const name of this.names) (this.byLength[name.length] ??= []).push(name);
    this.onlyAscii = [...this.names].every((name) => /^[\x20-\x7e]*$/.test(name));
  }

  /** Whether `name` (a header name, a decoded parameter name, an attribute key's last part) is secret. */
  has(name: string): boolean {
    return this.names.has(normalName(name));
  }

  /**
   * Whether a parameter of the query `text[start, end)` (`&`-separated, the
   * name before the first `=`) may have a secret name. Exact for names
   * without percent-encoding; a caller decodes `%` names itself.
   */
  mayBeInQuery(text: string, start: number, end: number): boolean {
    if (!this.onlyAscii) return true;
    // Names are found with indexOf (native), not a walk over each character;
    // the last '=' found is kept, so no part of the text is searched twice.
    let equals = -1;
    for (let at = start; ; ) {
      let ampersand = text.indexOf('&', at);
      if (ampersand < 0 || ampersand > end) ampersand = end;
      if (equals < at) {
        equals = text.indexOf('=', at);
        if (equals < 0) equals = text.length;
      }
      const nameEnd = equals < ampersand ? equals : ampersand;
      const candidates = this.byLength[nameEnd - at];
      if (candidates !== undefined && matchesAny(text, at, candidates)) return true;
      if (ampersand >= end) return false;
      at = ampersand + 1;
    }
  }
}

function matchesAny(text: string, at: number, candidates: readonly string[]): boolean {
  for (const candidate of candidates) {
    let i = 0;
    while (i < candidate.length && normalCode(text.charCodeAt(at + i)) === candidate.charCodeAt(i)) i++;
    if (i === candidate.length) return true;
  }
  return false;
}

/** The character code normalName would give an ASCII character. */
function normalCode(c: number): number {
  if (c >= 65 && c <= 90) return c + 32;
  return c === UNDERSCORE ? DASH : c;
}
