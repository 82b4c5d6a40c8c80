// Container image references, parsed by the grammar of the distribution/reference
// package the operator uses (reference.Parse: no docker.io normalisation).

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6})(?::[0-9]+)?`;
const namePattern = `(?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);

const NAME_TOTAL_LENGTH_MAX = 255;
// Digests of an algorithm the digest package does not know fail to parse.
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

export function parseImageReference(image: string): ImageReference | undefined {
  const match = REFERENCE.exec(image);
  if (!match) return undefined;
  const [, name = '', tag, digest] = match;
  if (name.length > NAME_TOTAL_LENGTH_MAX) return undefined;
  if (digest !== undefined) {
    const [algorithm = '', hex = ''] = digest.split(':');
    if (DIGEST_HEX_LENGTH[algorithm] !== hex.length) return undefined;
  }
  return { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** The operator's service.version from an image: "tag@digest", "digest", "tag", or none. */
export function serviceVersionFromImage(image: string | undefined): string | undefined {
  const ref = image === undefined ? undefined : parseImageReference(image);
  if (!ref) return undefined;
  if (ref.digest !== undefined) return ref.tag === undefined ? ref.digest : `${ref.tag}@${ref.digest}`;
  return ref.tag;
}
