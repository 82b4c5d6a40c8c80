import { validateBuiltin } from './builtin-kinds';
import { CustomResourceValidator, findSchema, type SchemaIndex } from './crd-schemas';
import { unknownFields } from './unknown-fields';
import { describeDocument, type ManifestDocument } from '../manifest-documents';
import { isInstrumentation } from '../instrumentation-types';
import { validateInstrumentation } from '../operator/instrumentation-webhook';

// One verdict per manifest document: custom resources against their CRD schema
// (plus, for Instrumentations, the operator webhook's own checks), built-in kinds
// against the Kubernetes API types; metadata against ObjectMeta for both.

export interface DocumentVerdict {
  file: string;
  index: number;
  line: number;
  title: string;
  errors: string[];
  warnings: string[];
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function metadataProblems(content: Record<string, unknown>): string[] {
  const metadata = content.metadata as Record<string, unknown> | undefined;
  if (metadata === undefined || metadata === null || typeof metadata !== 'object') return ['metadata: is required'];
  const problems = unknownFields(metadata, 'V1ObjectMeta', 'metadata');
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') problems.push('metadata.name: is required');
  else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    problems.push(`metadata.name: "${name}" is not a valid name (lowercase letters, digits, "-" and ".", at most 253 characters)`);
  }
  for (const map of ['labels', 'annotations']) {
    for (const [key, value] of Object.entries((metadata[map] ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'string') problems.push(`metadata.${map}["${key}"]: must be a string (got ${JSON.stringify(value)}); quote it in YAML`);
    }
  }
  return problems;
}

export class ManifestValidator {
  private readonly customResources = new CustomResourceValidator();

  constructor(private readonly schemas: SchemaIndex) {}

  async validate(document: ManifestDocument): Promise<DocumentVerdict> {
    const { content } = document;
    const verdict: DocumentVerdict = {
      file: document.file,
      index: document.index,
      line: document.line,
      title: describeDocument(content),
      errors: [],
      warnings: [],
    };
    const apiVersion = content.apiVersion;
    const kind = content.kind;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      verdict.errors.push('apiVersion and kind: both are required strings');
      return verdict;
    }

    const schema = findSchema(this.schemas, apiVersion, kind);
    if (schema) {
      if (!schema.served) verdict.errors.push(`${apiVersion} ${kind}: the CRD ${schema.crd} does not serve this version`);
      if (schema.deprecation) verdict.warnings.push(schema.deprecation);
      verdict.errors.push(...this.customResources.validate(schema, content));
      verdict.errors.push(...metadataProblems(content).filter((p) => !verdict.errors.includes(p)));
      if (isInstrumentation(content)) {
        const webhook = validateInstrumentation(content);
        verdict.errors.push(...webhook.errors.map((e) => `operator webhook: ${e}`));
        verdict.warnings.push(...webhook.warnings.map((w) => `operator webhook: ${w}`));
      }
      return verdict;
    }

    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const sameGroup = [...this.schemas.values()].filter((s) => s.apiVersion.startsWith(`${group}/`));
    if (group !== '' && sameGroup.length > 0) {
      const known = sameGroup.map((s) => `${s.apiVersion} ${s.kind}`).join(', ');
      verdict.errors.push(`${apiVersion} ${kind}: not defined by the CRDs given (they define ${known})`);
      return verdict;
    }

    const builtin = await validateBuiltin(content);
    if (builtin === undefined) {
      verdict.errors.push(`${apiVersion} ${kind}: neither a built-in Kubernetes kind nor defined by the CRDs given`);
      return verdict;
    }
    verdict.errors.push(...builtin, ...metadataProblems(content).filter((p) => !builtin.includes(p)));
    return verdict;
  }
}

/** A Kustomization's resources must exist; returns one line per missing one. */
export function kustomizationProblems(content: Record<string, unknown>, exists: (relativePath: string) => boolean): string[] {
  return (['resources', 'components'] as const).flatMap((field) => {
    const listed = content[field];
    if (listed === undefined) return [];
    if (!Array.isArray(listed)) return [`${field}: must be a list of files`];
    return listed
      .map(String)
      .filter((entry) => !/^[a-z]+:\/\//.test(entry) && !exists(entry))
      .map((entry) => `${field}: ${entry} does not exist`);
  });
}
