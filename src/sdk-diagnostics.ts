/**
 * The SDK's own messages and errors, routed through our diagnostics: a kind
 * is its text with numbers blanked (so "Dropped 12 spans" and "Dropped 40
 * spans" are one kind), repeats are counted, not printed, and an error our
 * exporter guard already reported is not reported again. Nothing here may
 * throw: it runs inside the SDK's error paths.
 */
import type { DiagLogger } from '@opentelemetry/api';
import { DiagLogLevel } from './otel-api';
import type { LogLevel } from './config/config';
import { describeError, type Diagnostics } from './diagnostics';
import { isUnfoundDetectorValue } from './unfound-detector-values';

export const DIAG_LEVELS: Record<LogLevel, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

export function kindOfMessage(text: string): string {
  return text.replace(/\d+/g, '#').slice(0, 60);
}

// The SDK reads some variables again; one we already warned about is told once, by us.
const SDK_BAD_VARIABLE = /^Unknown value .* for ([A-Z0-9_]+),/;

/**
 * `fromAppOpenTelemetry` tells a message of the app's own OpenTelemetry
 * packages (see diag-origin.ts): those are not ours to print; they are kept
 * for our debug level only.
 */
export function sdkDiagLogger(
  out: Diagnostics,
  warnedVariables: ReadonlySet<string> = new Set(),
  configuredResourceKeys: ReadonlySet<string> = new Set(),
  fromAppOpenTelemetry: () => boolean = () => false,
): DiagLogger {
  const forward = (level: 'error' | 'warn' | 'info' | 'debug') => (message: unknown, ...args: unknown[]) => {
    try {
      if (fromAppOpenTelemetry()) {
        if (out.enabled('debug')) out.log('debug', `the app's own OpenTelemetry (${level}): ${[message, ...args].map((part) => (typeof part === 'string' ? part : describeError(part))).join(' ')}`);
        return;
      }
      if (args.some((arg) => out.wasReported(arg)) || out.wasReported(message)) return;
      if (level === 'warn' && isUnfoundDetectorValue(message, configuredResourceKeys)) {
        out.log('debug', `${message as string} (a resource detector found nothing; the key is left out)`);
        return;
      }
      const variable = typeof message === 'string' ? SDK_BAD_VARIABLE.exec(message)?.[1] : undefined;
      if (variable !== undefined && warnedVariables.has(variable)) return;
      const text = [message, ...args].map((part) => (typeof part === 'string' ? part : describeError(part))).join(' ');
      if (level === 'error' || level === 'warn') out.once(`sdk:${kindOfMessage(text)}`, level, text);
      else out.log(level, text);
    } catch {
      // never let a log line break the SDK's error path
    }
  };
  return { error: forward('error'), warn: forward('warn'), info: forward('info'), debug: forward('debug'), verbose: forward('debug') };
}

export function sdkErrorHandler(out: Diagnostics): (error: unknown) => void {
  return (error) => {
    try {
      if (out.wasReported(error)) return;
      const text = describeError(error);
      out.once(`sdk-error:${kindOfMessage(text)}`, 'warn', `telemetry error (the app is unaffected): ${text}`);
    } catch {
      // as above
    }
  };
}
