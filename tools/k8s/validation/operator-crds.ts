import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { yamlFilesUnder } from '../manifest-documents';

// The operator's CRD schemas the project is checked against, held in the
// repository (tools/k8s/operator/crds/SOURCE.md says which release).
export const OPERATOR_CRD_DIR = 'tools/k8s/operator/crds';

export function operatorCrdFiles(root: string): string[] {
  const dir = join(root, OPERATOR_CRD_DIR);
  const files = existsSync(dir) ? yamlFilesUnder(dir) : [];
  if (files.length === 0) throw new Error(`no CRD files in ${OPERATOR_CRD_DIR}: the operator's CRD schemas belong there (see its SOURCE.md)`);
  return files;
}
