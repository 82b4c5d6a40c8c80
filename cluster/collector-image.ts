/**
 * The collector image the operator runs for k8s/collector.yaml (its
 * --collector-image flag): the collector built from cluster/components/collector,
 * alone in an image (static binary, FROM scratch), entrypoint as upstream's
 * image has it so the operator's --config argument reaches it. Rebuilt only
 * when the binary changes (the build directory's name is a label).
 */
import { basename } from 'node:path';
import { runCommand, runChecked } from '../scripts/child-process';
import type { BuiltComponent } from './build';
import { CLUSTER_VERSIONS } from './versions';

export const COLLECTOR_IMAGE = `custom-otel-collector:${CLUSTER_VERSIONS.collector.version.replace(/^v/, '')}`;
const BUILD_LABEL = 'custom-otel.cluster.collector-build';

const DOCKERFILE = `FROM scratch
COPY collector /otelcol
USER 10001
ENTRYPOINT ["/otelcol"]
`;

export async function buildCollectorImage(collector: BuiltComponent): Promise<void> {
  const build = basename(collector.dir);
  const inspect = await runCommand('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${BUILD_LABEL}" }}`, COLLECTOR_IMAGE]);
  if (inspect.exitCode === 0 && inspect.stdout.trim() === build) return;
  await runChecked('docker', ['build', '--quiet', '--label', `${BUILD_LABEL}=${build}`, '-t', COLLECTOR_IMAGE, '-f', '-', collector.dir], {
    input: DOCKERFILE,
    timeoutMs: 300_000,
  });
}
