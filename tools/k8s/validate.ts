import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readManifestFile, yamlFilesUnder, type ManifestDocument } from './manifest-documents';
import { REPO_ROOT } from '../../scripts/repository';
import { indexCrds, isCrd } from './validation/crd-schemas';
import { operatorCrdFiles } from './validation/operator-crds';
import { kustomizationProblems, ManifestValidator, type DocumentVerdict } from './validation/manifest-validation';

// npm run k8s:validate [-- <crd.yaml>...] [--manifests DIR]
// Checks every manifest under k8s/ (or DIR): custom resources against the CRDs
// given (default: the operator's, tools/k8s/operator/crds/*.yaml;
// `kubectl get crd ... -o yaml` output works too), built-in kinds against the
// Kubernetes API types. Unknown fields are errors. Exits 1 when anything is wrong.

const USAGE = 'usage: npm run k8s:validate [-- <crd.yaml>...] [--manifests DIR]';

function report(verdict: DocumentVerdict, root: string): string {
  const where = `${relative(root, verdict.file)}:${verdict.line} ${verdict.title}`;
  const lines = [...verdict.errors.map((e) => `    error: ${e}`), ...verdict.warnings.map((w) => `    warning: ${w}`)];
  return verdict.errors.length === 0 && verdict.warnings.length === 0 ? `ok    ${where}` : `${verdict.errors.length ? 'FAIL' : 'ok'}  ${where}\n${lines.join('\n')}`;
}

async function main(args: string[]): Promise<number> {
  const root = REPO_ROOT;
  let manifestsDir = join(root, 'k8s');
  const crdFiles: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--manifests') manifestsDir = resolve(args[++i] ?? '');
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      return 0;
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else crdFiles.push(resolve(arg));
  }
  const crdDocuments = (crdFiles.length ? crdFiles : operatorCrdFiles(root)).flatMap(readManifestFile).map((d) => d.content);
  const schemas = indexCrds(crdDocuments);
  if (schemas.size === 0) throw new Error('the CRD files given contain no CustomResourceDefinition');
  console.log(`CRDs: ${[...new Set([...schemas.values()].map((s) => `${s.crd} (${s.apiVersion.split('/')[1]})`))].join(', ')}`);
  if (!existsSync(manifestsDir)) throw new Error(`${manifestsDir} does not exist`);

  const validator = new ManifestValidator(schemas);
  let documents = 0;
  let failed = 0;
  for (const file of yamlFilesUnder(manifestsDir)) {
    const parsed: ManifestDocument[] = readManifestFile(file);
    for (const document of parsed) {
      documents++;
      const { content } = document;
      let verdict: DocumentVerdict;
      if (content.kind === 'Kustomization' || content.kind === 'Component') {
        // A kustomize Component (k8s/components/per-major) lists its resources like a Kustomization.
        verdict = { file, index: document.index, line: document.line, title: content.kind, warnings: [], errors: kustomizationProblems(content, (p) => existsSync(join(dirname(file), p))) };
      } else if (isCrd(content)) {
        verdict = { file, index: document.index, line: document.line, title: 'CustomResourceDefinition', warnings: ['CRDs are not validated here'], errors: [] };
      } else {
        verdict = await validator.validate(document);
      }
      if (verdict.errors.length) failed++;
      console.log(report(verdict, root));
    }
  }
  console.log(`k8s:validate: ${documents - failed} of ${documents} documents valid`);
  return failed === 0 && documents > 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`k8s:validate: ${error.message}`);
    process.exit(1);
  },
);
