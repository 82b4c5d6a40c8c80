import { fieldPath } from './field-path';

// Validator errors (Ajv's shape, which kubernetes-models' validators also use)
// turned into one line each that names the field and what is wrong with it.

export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

function describe(error: SchemaError, value: unknown): string {
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  switch (error.keyword) {
    case 'additionalProperties':
      return 'unknown field (not in the schema; a cluster would drop it silently)';
    case 'required':
      return 'is required';
    case 'enum':
      return `must be one of: ${(error.params.allowedValues as unknown[]).map(String).join(', ')}${got}`;
    case 'type':
      return `must be ${String(error.params.type)}${got}`;
    case 'anyOf':
      return `must match one of its allowed forms${got}`;
    case 'pattern':
      return `must match ${String(error.params.pattern)}${got}`;
    case 'format':
      return `must be a valid ${String(error.params.format)}${got}`;
    default:
      return `${error.message ?? error.keyword}${got}`;
  }
}

function valueAt(document: unknown, pointer: string): unknown {
  let current = document;
  for (const raw of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

/** One message per problem; an anyOf's per-branch errors fold into the anyOf. */
export function formatSchemaErrors(errors: readonly SchemaError[], document: unknown): string[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const lines = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && anyOfPaths.has(error.instancePath) && error.schemaPath.includes('/anyOf/')) continue;
    let pointer = error.instancePath;
    if (error.keyword === 'additionalProperties') pointer += `/${String(error.params.additionalProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (error.keyword === 'required') pointer += `/${String(error.params.missingProperty)}`;
    const value = error.keyword === 'additionalProperties' || error.keyword === 'required' ? undefined : valueAt(document, error.instancePath);
    lines.add(`${fieldPath(pointer)}: ${describe(error, value)}`);
  }
  return [...lines];
}
