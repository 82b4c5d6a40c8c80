import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

// Kubernetes YAML files as plain objects, one per document, with where each came
// from. Parsed with `yaml` rather than a typed loader so that nothing (an unknown
// field, a typo) is dropped before it can be reported.

export interface ManifestDocument {
  file: string;
  /** 1-based position of the document in its file. */
  index: number;
  line: number;
  content: Record<string, unknown>;
}

export function parseManifestText(text: string, file: string): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  let index = 0;
  for (const doc of parseAllDocuments(text, { prettyErrors: true })) {
    index++;
    if (doc.errors.length > 0) {
      throw new Error(`${file}: YAML document ${index} does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const content: unknown = doc.toJS({ maxAliasCount: 100 });
    if (content === null || content === undefined) continue; // an empty document, e.g. after a trailing ---
    if (typeof content !== 'object' || Array.isArray(content)) {
      throw new Error(`${file}: YAML document ${index} is not a mapping (a Kubernetes object), got ${Array.isArray(content) ? 'a list' : typeof content}`);
    }
    const line = doc.contents?.range ? text.slice(0, doc.contents.range[0]).split('\n').length : 1;
    // `kubectl get ... -o yaml` of several objects gives a List: take its items.
    const record = content as Record<string, unknown>;
    if (record.kind === 'List' && Array.isArray(record.items)) {
      for (const item of record.items as Record<string, unknown>[]) documents.push({ file, index, line, content: item });
    } else {
      documents.push({ file, index, line, content: record });
    }
  }
  return documents;
}

export function readManifestFile(file: string): ManifestDocument[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseManifestText(text, file);
}

/** "Kind namespace/name" for messages. */
export function describeDocument(doc: Record<string, unknown>): string {
  const metadata = (doc.metadata ?? {}) as { name?: string; namespace?: string };
  const name = metadata.namespace ? `${metadata.namespace}/${metadata.name ?? '(no name)'}` : (metadata.name ?? '(no name)');
  return `${String(doc.kind ?? '(no kind)')} ${name}`;
}

/** Every .yaml / .yml file under a directory, sorted, recursively. */
export function yamlFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...yamlFilesUnder(path));
    else if (/\.ya?ml$/.test(entry)) files.push(path);
  }
  return files;
}
