/** OTEL_LOGS_EXPORTER: records from the pino/winston/bunyan instrumentations go out over OTLP. */
import type { LoggerProvider, LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { Resource } from '@opentelemetry/resources';
import type { DistributionConfig } from '../config/config';
import type { SdkLine } from '../sdk-line';
import { createOtlpExporter } from '../otlp-exporters';

export function createLoggerProvider(
  config: DistributionConfig['logs'],
  resource: Resource,
  sdk: SdkLine,
  /** Wraps the exporter (OpAMP's send_logs gate). */
  wrap: (exporter: LogRecordExporter) => LogRecordExporter = (exporter) => exporter,
): LoggerProvider | undefined {
  if (config.exporter === 'none') return undefined;
  const exporter = config.exporter === 'otlp' ? createOtlpExporter<LogRecordExporter>('logs', config.otlp) : sdk.consoleLogExporter();
  return sdk.createLoggerProvider({ resource, processors: [sdk.batchLogProcessor(wrap(exporter))] });
}
