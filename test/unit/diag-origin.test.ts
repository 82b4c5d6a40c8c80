import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel, trace } from '@opentelemetry/api';
import { appOpenTelemetryCheck, emittedByAppOpenTelemetry } from '../../src/diag-origin';
import { Diagnostics } from '../../src/diagnostics';
import { sdkDiagLogger } from '../../src/sdk-diagnostics';

const OURS = '/otel-auto-instrumentation-nodejs/lib/';
const stack = (...frames: string[]) => ['Error: origin', ...frames.map((frame) => `    at ${frame}`)].join('\n');

describe('whose OpenTelemetry emitted a diag message', () => {
  it('skips our own frames and Node internals; the first frame after them decides', () => {
    const fromApp = stack(
      `forward (${OURS}distribution.js:1:100)`,
      `Object.warn (${OURS}distribution.js:1:200)`,
      'DiagAPI.warn (/srv/app/node_modules/@opentelemetry/api/build/src/api/diag.js:60:20)',
      'NodeSDK.start (/srv/app/node_modules/@opentelemetry/sdk-node/build/src/sdk.js:248:34)',
    );
    expect(emittedByAppOpenTelemetry(fromApp, [OURS])).toBe(true);
    const fromOurs = stack(`forward (${OURS}distribution.js:1:100)`, `Span.setAttribute (${OURS}distribution.js:9:10)`, 'processTicksAndRejections (node:internal/process/task_queues:95:5)');
    expect(emittedByAppOpenTelemetry(fromOurs, [OURS])).toBe(false);
    // The app's own code calling our span is not the app's OpenTelemetry: the message is about ours.
    const throughApp = stack(`forward (${OURS}distribution.js:1:100)`, 'handler (/srv/app/server.js:12:3)', 'x (/srv/app/node_modules/@opentelemetry/api/build/src/api/diag.js:1:1)');
    expect(emittedByAppOpenTelemetry(throughApp, [OURS])).toBe(false);
    expect(emittedByAppOpenTelemetry(stack('node:internal/modules/cjs/loader:1:1', '/srv/app/node_modules/@opentelemetry/core/x.js:1:1'), [OURS])).toBe(true);
    expect(emittedByAppOpenTelemetry(undefined, [OURS])).toBe(false);
  });
});

describe('the diag logger with the app carrying its own OpenTelemetry packages', () => {
  afterEach(() => {
    diag.disable();
    trace.disable();
  });

  // Here src/ stands for our tree, and the repository's node_modules/@opentelemetry for the app's packages.
  const ownFiles = [join(__dirname, '..', '..', 'src') + '/', __filename];

  function logger(level: 'info' | 'debug') {
    const lines: string[] = [];
    const diagnostics = new Diagnostics((line) => lines.push(line));
    diagnostics.setLevel(level);
    diag.setLogger(sdkDiagLogger(diagnostics, new Set(), new Set(), appOpenTelemetryCheck(ownFiles)), { logLevel: DiagLogLevel.DEBUG, suppressOverrideMessage: true });
    return lines;
  }

  it("prints nothing of the app's SDK registering after ours (the API keeps the first), and keeps it for our debug level", () => {
    const lines = logger('info');
    const first = trace.getTracerProvider();
    expect(trace.setGlobalTracerProvider({ getTracer: () => first.getTracer('ours') })).toBe(true);
    // A second registration, as an app's NodeSDK.start() makes it: the real API reports it through diag.
    expect(trace.setGlobalTracerProvider({ getTracer: () => first.getTracer('theirs') })).toBe(false);
    diag.info('OpenTelemetry automatic instrumentation started successfully');
    expect(lines).toEqual([]);

    const debugLines = logger('debug');
    diag.warn('Unsupported OTLP metrics protocol: "undefined". Using http/protobuf.');
    expect(debugLines).toContain('[custom-otel] debug: the app\'s own OpenTelemetry (warn): Unsupported OTLP metrics protocol: "undefined". Using http/protobuf.');
  });

  it('still prints what our own code sends to the logger', () => {
    const lines: string[] = [];
    const diagnostics = new Diagnostics((line) => lines.push(line));
    sdkDiagLogger(diagnostics, new Set(), new Set(), appOpenTelemetryCheck(ownFiles)).warn('Dropped 3 spans because maxQueueSize reached');
    expect(lines).toEqual(['[custom-otel] warn: Dropped 3 spans because maxQueueSize reached']);
  });
});
