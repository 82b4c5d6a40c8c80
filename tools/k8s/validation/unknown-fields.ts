import * as k8s from '@kubernetes/client-node';
import { joinPath } from './field-path';

// Fields the Kubernetes API does not define, found by walking a raw object along
// the field maps of @kubernetes/client-node's models (generated from the
// Kubernetes OpenAPI spec). `kubectl apply` (strict field validation) refuses these.

interface FieldInfo {
  baseName: string;
  type: string;
}

type ModelClass = { getAttributeTypeMap(): FieldInfo[] };

const models = k8s as unknown as Record<string, unknown>;

function modelFields(type: string): FieldInfo[] | undefined {
  const candidate = models[type] as Partial<ModelClass> | undefined;
  return typeof candidate?.getAttributeTypeMap === 'function' ? candidate.getAttributeTypeMap() : undefined;
}

/** The client-node model name for a kind: "<Version><Kind>", e.g. V1Deployment. */
export function modelTypeName(apiVersion: string, kind: string): string {
  const version = (apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion) ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

export function hasModel(apiVersion: string, kind: string): boolean {
  return modelFields(modelTypeName(apiVersion, kind)) !== undefined;
}

function walk(value: unknown, type: string, path: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  const arrayOf = /^Array<(.+)>$/.exec(type);
  if (arrayOf) {
    const itemType = arrayOf[1] ?? 'any';
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, itemType, joinPath(path, i), problems));
    return;
  }
  const mapOf = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (mapOf) {
    if (typeof value === 'object' && !Array.isArray(value)) {
      const itemType = mapOf[1] ?? 'any';
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) walk(item, itemType, joinPath(path, key), problems);
    }
    return;
  }
  const fields = modelFields(type);
  if (!fields || typeof value !== 'object' || Array.isArray(value)) return; // primitives, any, IntOrString; wrong types are the schema's to report
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const field = fields.find((f) => f.baseName === key);
    if (!field) problems.push(`${joinPath(path, key)}: unknown field (not in ${type}; kubectl apply would refuse it)`);
    else walk(item, field.type, joinPath(path, key), problems);
  }
}

/** Unknown fields anywhere in a built-in object, or under one typed part (e.g. metadata: V1ObjectMeta). */
export function unknownFields(value: unknown, type: string, path = ''): string[] {
  const problems: string[] = [];
  walk(value, type, path, problems);
  return problems;
}
