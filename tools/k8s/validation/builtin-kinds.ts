import { formatSchemaErrors, type SchemaError } from './schema-errors';
import { hasModel, modelTypeName, unknownFields } from './unknown-fields';

// Built-in kinds (Deployment, Service, Secret, Namespace, ...) checked against the
// Kubernetes OpenAPI types, offline, with two packages generated from that spec:
// kubernetes-models (JSON-schema validators: types, required fields, formats) and
// @kubernetes/client-node (field maps: unknown fields, which kubernetes-models allows).

interface ValidatingModel {
  validate(): void;
}
type ModelConstructor = new (data: Record<string, unknown>) => ValidatingModel;

/** kubernetes-models' module for an apiVersion/kind: "v1" → kubernetes-models/v1/Service, "apps/v1" → kubernetes-models/apps/v1/Deployment. */
export function modelModule(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function loadModel(apiVersion: string, kind: string): Promise<ModelConstructor | undefined> {
  if (!/^([a-z0-9.-]+\/)?v\d+[a-z0-9]*$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  try {
    const module = (await import(modelModule(apiVersion, kind))) as Record<string, unknown>;
    const model = module[kind] ?? (module.default as Record<string, unknown> | undefined)?.[kind];
    return typeof model === 'function' ? (model as ModelConstructor) : undefined;
  } catch {
    return undefined;
  }
}

export async function isBuiltinKind(apiVersion: string, kind: string): Promise<boolean> {
  return hasModel(apiVersion, kind) && (await loadModel(apiVersion, kind)) !== undefined;
}

/** Problems with a built-in object, one line each naming the field; undefined when the kind is not a built-in one. */
export async function validateBuiltin(document: Record<string, unknown>): Promise<string[] | undefined> {
  const apiVersion = String(document.apiVersion ?? '');
  const kind = String(document.kind ?? '');
  const Model = await loadModel(apiVersion, kind);
  if (!Model || !hasModel(apiVersion, kind)) return undefined;
  const problems: string[] = [];
  try {
    new Model(document).validate();
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (!errors) throw error;
    problems.push(...formatSchemaErrors(errors, document));
  }
  problems.push(...unknownFields(document, modelTypeName(apiVersion, kind)));
  return problems;
}
