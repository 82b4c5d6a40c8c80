import { readManifestFile, type ManifestDocument } from './manifest-documents';
import { previewDocuments, type PreviewOptions } from './preview-report';
import { MODELLED_RELEASE, releaseBehaviour } from './operator/operator-release';

// npm run k8s:preview -- <workload.yaml> <instrumentations.yaml> [more.yaml...]
//   [--namespace NS] [--workload NAME] [--resolve-env] [--operator-version V] [--operator-nodejs-image I]
// Shows what the OpenTelemetry Operator would do to the pods of each workload
// in the files (Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet,
// Pod), using the Instrumentations (and Namespaces) found in the same files.

const USAGE = `usage: npm run k8s:preview -- <workload.yaml> <instrumentations.yaml> [more.yaml...]
  --namespace NS   namespace for documents that name none (default: default)
  --workload NAME  only this workload
  --resolve-env    also print each instrumented container's environment as the kubelet resolves it
  --operator-version VERSION      the operator release to answer for (default: ${MODELLED_RELEASE})
  --operator-nodejs-image IMAGE   the operator's default Node.js image (its --auto-instrumentation-nodejs-image)`;

function parseArgs(args: string[]): { files: string[]; options: PreviewOptions } {
  const files: string[] = [];
  const options: PreviewOptions = { defaultNamespace: 'default' };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = () => {
      const next = args[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--namespace') options.defaultNamespace = value();
    else if (arg === '--workload') options.workload = value();
    else if (arg === '--resolve-env') options.resolveEnv = true;
    else if (arg === '--operator-version') options.operatorVersion = value();
    else if (arg === '--operator-nodejs-image') options.operatorNodejsImage = value();
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else files.push(arg);
  }
  if (files.length === 0) throw new Error(`no files given\n${USAGE}`);
  if (options.operatorVersion !== undefined) releaseBehaviour(options.operatorVersion);
  return { files, options };
}

try {
  const { files, options } = parseArgs(process.argv.slice(2));
  const documents: ManifestDocument[] = files.flatMap(readManifestFile);
  const previews = previewDocuments(documents, options);
  console.log(previews.map((p) => p.text).join('\n\n'));
} catch (error) {
  console.error(`k8s:preview: ${(error as Error).message}`);
  process.exit(1);
}
