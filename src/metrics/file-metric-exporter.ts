/**
 * Writes one JSON document per export, one per line, to a file. The file is
 * bounded: when the next document would pass maxBytes, it is rotated to
 * `<path>.1` (replacing the previous one), so at most twice maxBytes are used.
 */
import { promises as fs } from 'node:fs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describeError, type Diagnostics } from '../diagnostics';

const SUCCESS = 0;
const FAILED = 1;

export function metricsDocument(resourceMetrics: ResourceMetrics, dataPointTypeName: (type: number) => string, now = new Date()): string {
  return JSON.stringify({
    timestamp: now.toISOString(),
    resource: resourceMetrics.resource.attributes,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      scope: { name: scope.scope.name, version: scope.scope.version },
      metrics: scope.metrics.map((metric) => ({
        name: metric.descriptor.name,
        unit: metric.descriptor.unit,
        description: metric.descriptor.description,
        type: dataPointTypeName(metric.dataPointType as number),
        dataPoints: (metric.dataPoints as Array<{ attributes: unknown; value: unknown }>).map((point) => ({
          attributes: point.attributes,
          value: point.value,
        })),
      })),
    })),
  });
}

export class FileMetricExporter implements PushMetricExporter {
  private size: number | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly diagnostics: Diagnostics,
    private readonly dataPointTypeName: (type: number) => string,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: { code: number; error?: Error }) => void): void {
    let line: string;
    try {
      line = metricsDocument(metrics, this.dataPointTypeName) + '\n';
    } catch (error) {
      resultCallback({ code: FAILED, error: error as Error });
      return;
    }
    this.queue = this.queue.then(() => this.append(line)).then(
      () => resultCallback({ code: SUCCESS }),
      (error) => {
        this.diagnostics.once('metrics.file', 'warn', `writing metrics to ${this.path} failed: ${describeError(error)}`);
        resultCallback({ code: FAILED, error });
      },
    );
  }

  private async append(line: string): Promise<void> {
    const bytes = Buffer.byteLength(line);
    if (bytes > this.maxBytes) {
      this.diagnostics.once('metrics.file.too-large', 'warn', `a metrics document of ${bytes} bytes is larger than CUSTOM_OTEL_METRICS_FILE_MAX_BYTES=${this.maxBytes}; it is not written`);
      return;
    }
    if (this.size === undefined) this.size = await fs.stat(this.path).then((s) => s.size, () => 0);
    if (this.size + bytes > this.maxBytes) {
      await fs.rename(this.path, `${this.path}.1`).catch(() => undefined);
      this.size = 0;
    }
    await fs.appendFile(this.path, line, { mode: 0o644 });
    this.size += bytes;
  }

  forceFlush(): Promise<void> {
    return this.queue;
  }

  shutdown(): Promise<void> {
    return this.queue;
  }
}
