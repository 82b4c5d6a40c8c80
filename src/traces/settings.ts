import type { EnvReader } from '../config/env-reader';
import { readSignalSettings, type SignalSettings } from '../config/otlp-target';
import { numberSetting, oneOfSetting, readSetting } from '../config/setting';

export const TRACES_EXPORTER = oneOfSetting('OTEL_TRACES_EXPORTER', ['otlp', 'console', 'none'] as const, 'otlp', { doc: 'where spans go' });
// Upstream keeps values of any length; one bulk INSERT statement or payload
// attribute of megabytes would then make the whole batch too large to send.
export const ATTRIBUTE_VALUE_LENGTH_LIMIT = numberSetting('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', 64 * 1024, { min: 0, max: 1024 ** 3 }, {
  doc: 'longest string attribute value kept, longer ones are cut (upstream: no limit)',
});
export const SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT = numberSetting('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 64 * 1024, { min: 0, max: 1024 ** 3 }, {
  doc: 'the same for span attributes; wins over `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`, which is its default when set',
});
// Below the 4 MiB a collector's gRPC receiver accepts by default, with room for the envelope.
export const EXPORT_MAX_BYTES = numberSetting('CUSTOM_OTEL_EXPORT_MAX_BYTES', 3 * 1024 * 1024, { min: 64 * 1024, max: 1024 ** 3 }, {
  doc: 'largest span export request: a batch is split below it, a span larger on its own is dropped and counted (a collector\'s gRPC receiver takes 4 MiB by default); spans encoded as they end may fill the export queue up to this for each batch it holds',
});

const COUNT = { min: 0, max: 1_000_000 };
export const ATTRIBUTE_COUNT_LIMIT = numberSetting('OTEL_ATTRIBUTE_COUNT_LIMIT', 128, COUNT, { doc: 'most attributes kept on a span' });
export const SPAN_ATTRIBUTE_COUNT_LIMIT = numberSetting('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 128, COUNT, { doc: 'the same for spans; wins over `OTEL_ATTRIBUTE_COUNT_LIMIT`, which is its default when set' });
// Read here for every line: the 3.x SDK no longer reads them itself.
export const SPAN_EVENT_COUNT_LIMIT = numberSetting('OTEL_SPAN_EVENT_COUNT_LIMIT', 128, COUNT, { doc: 'most events kept on a span' });
export const SPAN_LINK_COUNT_LIMIT = numberSetting('OTEL_SPAN_LINK_COUNT_LIMIT', 128, COUNT, { doc: 'most links kept on a span' });
export const EVENT_ATTRIBUTE_COUNT_LIMIT = numberSetting('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', 128, COUNT, { doc: 'most attributes kept on a span event' });
export const LINK_ATTRIBUTE_COUNT_LIMIT = numberSetting('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', 128, COUNT, { doc: 'most attributes kept on a span link' });

// Upstream waits 5 s between exports; a second keeps spans of a pod that is killed.
export const BSP_SCHEDULE_DELAY = numberSetting('OTEL_BSP_SCHEDULE_DELAY', 1000, { min: 0, max: 3_600_000 }, { doc: 'milliseconds between span exports (each export is bounded by the OTLP timeout)' });
export const BSP_MAX_QUEUE_SIZE = numberSetting('OTEL_BSP_MAX_QUEUE_SIZE', 2048, { min: 1, max: 1_000_000 }, { doc: 'spans waiting for export; more are dropped and counted' });
export const BSP_MAX_EXPORT_BATCH_SIZE = numberSetting('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, { min: 1, max: 1_000_000 }, { doc: 'most spans in one export (at most the queue size)' });

export const TRACES_SETTINGS = [TRACES_EXPORTER, ATTRIBUTE_VALUE_LENGTH_LIMIT, SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, EXPORT_MAX_BYTES, BSP_SCHEDULE_DELAY, BSP_MAX_QUEUE_SIZE, BSP_MAX_EXPORT_BATCH_SIZE,
  ATTRIBUTE_COUNT_LIMIT, SPAN_ATTRIBUTE_COUNT_LIMIT, SPAN_EVENT_COUNT_LIMIT, SPAN_LINK_COUNT_LIMIT, EVENT_ATTRIBUTE_COUNT_LIMIT, LINK_ATTRIBUTE_COUNT_LIMIT];

export interface TracesSettings extends SignalSettings<(typeof TRACES_EXPORTER.allowed)[number]> {
  /** Longest string attribute value kept on a span (the SDK cuts longer ones). */
  attributeValueLengthLimit: number;
  /** Largest export request sent: batches are split below it, a span alone above it is dropped. */
  exportMaxBytes: number;
  batch: { scheduleDelayMs: number; maxQueueSize: number; maxExportBatchSize: number };
  /** The SDK's span limits besides the value length (names as the SDK's SpanLimits). */
  countLimits: { attributeCountLimit: number; eventCountLimit: number; linkCountLimit: number; attributePerEventCountLimit: number; attributePerLinkCountLimit: number };
}

export function readTracesSettings(read: EnvReader): TracesSettings {
  // The span-specific limit wins over the general one (as the specification says).
  const generalLimit = readSetting(read, ATTRIBUTE_VALUE_LENGTH_LIMIT);
  const maxQueueSize = readSetting(read, BSP_MAX_QUEUE_SIZE);
  return {
    ...readSignalSettings(read, TRACES_EXPORTER, 'traces'),
    attributeValueLengthLimit: readSetting(read, { ...SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, default: generalLimit }),
    exportMaxBytes: readSetting(read, EXPORT_MAX_BYTES),
    batch: {
      scheduleDelayMs: readSetting(read, BSP_SCHEDULE_DELAY),
      maxQueueSize,
      // The SDK refuses a batch larger than its queue.
      maxExportBatchSize: Math.min(readSetting(read, BSP_MAX_EXPORT_BATCH_SIZE), maxQueueSize),
    },
    countLimits: {
      attributeCountLimit: readSetting(read, { ...SPAN_ATTRIBUTE_COUNT_LIMIT, default: readSetting(read, ATTRIBUTE_COUNT_LIMIT) }),
      eventCountLimit: readSetting(read, SPAN_EVENT_COUNT_LIMIT),
      linkCountLimit: readSetting(read, SPAN_LINK_COUNT_LIMIT),
      attributePerEventCountLimit: readSetting(read, EVENT_ATTRIBUTE_COUNT_LIMIT),
      attributePerLinkCountLimit: readSetting(read, LINK_ATTRIBUTE_COUNT_LIMIT),
    },
  };
}
