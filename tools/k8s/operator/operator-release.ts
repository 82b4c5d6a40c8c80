// Which OpenTelemetry Operator release the preview answers for, and the
// behaviours that changed between the releases it knows. The preview models
// v0.158.0 (docs/operator-contract.md); the cluster's differential test checks
// it against the newest release the Go module proxy serves (cluster/versions.json).

export const MODELLED_RELEASE = 'v0.158.0';

/** "v0.153.0" / "0.153.0" → 153 (the operator's releases are all 0.x); undefined when not a version. */
export function operatorMinor(version: string): number | undefined {
  const match = /^v?0\.(\d+)\.\d+$/.exec(version.trim());
  return match ? Number(match[1]) : undefined;
}

export interface ReleaseBehaviour {
  /** The Node.js webhook sets OTEL_METRICS_EXPORTER=otlp when the container does not (operator PR 5425). */
  defaultsMetricsExporter: boolean;
  /** Said in the preview's output when the answer for this release is not known for certain. */
  warnings: string[];
}

// Absent in v0.153.0 (seen on the cluster), present in v0.158.0 (read from its source);
// the releases between cannot be fetched here to tell which one brought it.
const METRICS_EXPORTER_ABSENT_UP_TO = 153;
const METRICS_EXPORTER_PRESENT_FROM = 158;

export function releaseBehaviour(version: string = MODELLED_RELEASE): ReleaseBehaviour {
  const minor = operatorMinor(version);
  if (minor === undefined) throw new Error(`operator version "${version}" is not a release like v0.158.0`);
  const warnings: string[] = [];
  if (minor > METRICS_EXPORTER_ABSENT_UP_TO && minor < METRICS_EXPORTER_PRESENT_FROM) {
    warnings.push(
      `operator ${version}: OTEL_METRICS_EXPORTER=otlp is set by v0.158.0 and not by v0.153.0; for the releases between, the preview assumes it is set`,
    );
  }
  return { defaultsMetricsExporter: minor > METRICS_EXPORTER_ABSENT_UP_TO, warnings };
}
