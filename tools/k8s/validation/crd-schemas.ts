import Ajv, { type ValidateFunction } from 'ajv';
import { formatSchemaErrors, type SchemaError } from './schema-errors';

// Custom resources checked against their CRD's openAPIV3Schema, stricter than a
// cluster: where the schema lists properties (and does not say
// x-kubernetes-preserve-unknown-fields), an unknown field is an error instead of
// being pruned silently. CEL rules (x-kubernetes-validations) are not evaluated.

interface CrdVersion {
  name: string;
  served?: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
}

interface CrdDocument {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: { group?: string; names?: { kind?: string }; versions?: CrdVersion[] };
}

export interface CustomResourceSchema {
  crd: string;
  apiVersion: string;
  kind: string;
  served: boolean;
  deprecation?: string;
  schema: Record<string, unknown>;
}

export type SchemaIndex = Map<string, CustomResourceSchema>;

const indexKey = (apiVersion: string, kind: string) => `${apiVersion}|${kind}`;

export function isCrd(doc: unknown): boolean {
  const candidate = doc as CrdDocument | null;
  return candidate?.kind === 'CustomResourceDefinition' && typeof candidate.apiVersion === 'string' && candidate.apiVersion.startsWith('apiextensions.k8s.io/');
}

/** Every version of every CRD given; throws naming the CRD when one has no schema. */
export function indexCrds(documents: readonly unknown[]): SchemaIndex {
  const index: SchemaIndex = new Map();
  for (const doc of documents.filter(isCrd) as CrdDocument[]) {
    const crd = doc.metadata?.name ?? '(unnamed CRD)';
    const group = doc.spec?.group;
    const kind = doc.spec?.names?.kind;
    if (!group || !kind) throw new Error(`CRD ${crd}: spec.group or spec.names.kind is missing`);
    for (const version of doc.spec?.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) throw new Error(`CRD ${crd}: version ${version.name} has no schema.openAPIV3Schema`);
      const apiVersion = `${group}/${version.name}`;
      index.set(indexKey(apiVersion, kind), {
        crd,
        apiVersion,
        kind,
        served: version.served !== false,
        ...(version.deprecated ? { deprecation: version.deprecationWarning ?? `${apiVersion} ${kind} is deprecated` } : {}),
        schema,
      });
    }
  }
  return index;
}

export function findSchema(index: SchemaIndex, apiVersion: string, kind: string): CustomResourceSchema | undefined {
  return index.get(indexKey(apiVersion, kind));
}

/** A copy of the schema with additionalProperties: false wherever a cluster would prune unknown fields. */
export function rejectUnknownFields(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rejectUnknownFields);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      copy.properties = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, rejectUnknownFields(sub)]));
    } else if (['items', 'additionalProperties', 'not'].includes(key) || ['anyOf', 'allOf', 'oneOf'].includes(key)) {
      copy[key] = rejectUnknownFields(value);
    } else {
      copy[key] = value;
    }
  }
  const preserves = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-embedded-resource'] === true;
  if (node.properties && !preserves && node.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

// Formats the Kubernetes apiserver knows; the ones these CRDs use are checked, the rest accepted.
const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const ACCEPTED_FORMATS = ['byte', 'date', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'uuid3', 'uuid4', 'uuid5', 'password', 'float', 'double', 'binary', 'bsonobjectid', 'isbn', 'creditcard', 'ssn', 'hexcolor', 'rgbcolor'];

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('duration', GO_DURATION);
  ajv.addFormat('date-time', RFC3339);
  for (const format of ACCEPTED_FORMATS) ajv.addFormat(format, true);
  return ajv;
}

export class CustomResourceValidator {
  private readonly ajv = createAjv();
  private readonly compiled = new Map<CustomResourceSchema, ValidateFunction>();

  /** Problems with the document, one line each naming the field; empty when it is valid. */
  validate(schema: CustomResourceSchema, document: Record<string, unknown>): string[] {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(rejectUnknownFields(schema.schema) as Record<string, unknown>);
      this.compiled.set(schema, validate);
    }
    return validate(document) ? [] : formatSchemaErrors((validate.errors ?? []) as SchemaError[], document);
  }
}
