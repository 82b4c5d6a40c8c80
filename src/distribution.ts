/**
 * Starts the distribution: reads the configuration once, then wires the SDK
 * (resource, propagation, sampler, our span processor, OTLP export, metrics,
 * logs, instrumentations, ESM hook, shutdown). Loaded by the entry point only
 * after it decided to start; every failure here is contained and reported.
 */
import { context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import { parseConfig, type DistributionConfig } from './config/config';
import { describeError, diagnostics } from './diagnostics';
import { DIAG_LEVELS, sdkDiagLogger, sdkErrorHandler } from './sdk-diagnostics';
import { buildInfo } from './build-info';
import { sdkLine, type SdkLine } from './sdk-line';
import { buildResource, processName, resourceAttributes } from './resource';
import { createPropagator } from './propagation';
import { HttpAwareContextManager } from './context-manager';
import { CustomSampler, samplingPolicy } from './sampler/custom-sampler';
import { CustomSpanProcessor, type SpanObserver } from './processor/span-processor';
import { debugSpanLogger } from './processor/debug-span-log';
import { GuardedSpanExporter } from './traces/guarded-span-exporter';
import { SizeLimitedSpanExporter } from './traces/size-limited-span-exporter';
import { createOtlpExporter } from './otlp-exporters';
import { createMetricReaders } from './metrics/metric-readers';
import { RequestMetrics } from './metrics/request-metrics';
import { createLoggerProvider } from './logs/log-export';
import { loadInstrumentations, type Activation } from './instrumentations/load';
import type { RegisterHooks } from './instrumentations/lazy-activation';
import { shortenUnsampledRequests } from './instrumentations/unsampled-requests';
import { hookedModuleNames, inThreadModuleHooks, registerEsmLoader } from './esm-loader';
import { thisEntryFormat, wantsEsmHook } from './esm-app';
import { installShutdownHooks } from './shutdown';
import { collectorAnswers } from './collector-probe';

// For doctor.js, which loads the core without starting it.
export { exportTestSpan } from './doctor/export-probe';
export { instrumentationNames } from './instrumentations/load';

function createSpanExporter(config: DistributionConfig, sdk: SdkLine): SpanExporter | undefined {
  if (config.traces.exporter === 'none') return undefined;
  if (config.traces.exporter === 'console') return sdk.consoleSpanExporter();
  const target = config.traces.otlp;
  const exporter = new SizeLimitedSpanExporter(createOtlpExporter<SpanExporter>('traces', target), config.traces.exportMaxBytes, diagnostics);
  return new GuardedSpanExporter(exporter, `${target.url} (${target.protocol})`, target.timeoutMs, diagnostics);
}

/** Where a short-lived process sends what it recorded (spans first, else log records); undefined: nowhere remote. */
function exitDestination(config: DistributionConfig): string | undefined {
  if (config.traces.exporter === 'otlp') return config.traces.otlp.url;
  if (config.logs.exporter === 'otlp') return config.logs.otlp.url;
  return undefined;
}

const NO_EXPORT: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

function serviceName(config: DistributionConfig): string {
  return resourceAttributes(config, processName())['service.name']!;
}

export function start(env: NodeJS.ProcessEnv = process.env, sdk: SdkLine = sdkLine): void {
  const { config, warnings } = parseConfig(env);
  diagnostics.setLevel(config.logLevel);
  for (const warning of warnings) diagnostics.log('warn', warning);
  if (config.sdkDisabled) {
    diagnostics.log('info', 'OTEL_SDK_DISABLED=true: telemetry is off');
    return;
  }
  const warnedVariables = new Set(warnings.map((warning) => warning.slice(0, warning.indexOf('='))));
  const configuredResourceKeys = new Set(Object.keys(resourceAttributes(config, processName())));
  diag.setLogger(sdkDiagLogger(diagnostics, warnedVariables, configuredResourceKeys), { logLevel: DIAG_LEVELS[config.logLevel], suppressOverrideMessage: true });
  setGlobalErrorHandler(sdkErrorHandler(diagnostics));

  const resource = buildResource(config, sdk);
  context.setGlobalContextManager(new HttpAwareContextManager().enable());
  propagation.setGlobalPropagator(createPropagator(config.propagators, sdk.jaegerPropagator, (message) => diagnostics.log('warn', message)));

  let meterProvider: MeterProvider | undefined;
  const readers = createMetricReaders(config.metrics, sdk, diagnostics);
  if (readers.length > 0) {
    meterProvider = sdk.createMeterProvider({ resource, readers });
    metrics.setGlobalMeterProvider(meterProvider);
  }

  const observers: SpanObserver[] = [];
  if (meterProvider && config.processor.requestMetrics) observers.push(new RequestMetrics(meterProvider.getMeter('custom-otel-nodejs', buildInfo.distributionVersion)));
  if (config.processor.debugSpans) observers.push(debugSpanLogger((line) => diagnostics.log('info', `span ${line}`), sdk.parentSpanId));

  const exporter = createSpanExporter(config, sdk);
  const exportProcessor = exporter
    ? sdk.batchSpanProcessor(exporter, { maxQueueSize: 2048, scheduledDelayMillis: 1000, exportTimeoutMillis: config.traces.otlp.timeoutMs })
    : NO_EXPORT;
  const policy = samplingPolicy(config);
  const tracerProvider = sdk.createTracerProvider({
    resource,
    sampler: new CustomSampler(policy, config.sampling.maxTracesPerSecond, sdk.decision, `CustomSampler{${config.sampler.name}}`),
    spanProcessors: [new CustomSpanProcessor(exportProcessor, config.processor, buildInfo.distributionVersion, diagnostics, observers)],
    spanLimits: { attributeValueLengthLimit: config.traces.attributeValueLengthLimit },
  });
  trace.setGlobalTracerProvider(tracerProvider);

  const loggerProvider = createLoggerProvider(config.logs, resource, sdk);
  if (loggerProvider) sdk.setGlobalLoggerProvider(loggerProvider);

  // ESM imports bypass require(): an ESM app gets the loader hook, and each
  // instrumentation on first resolve where in-thread module hooks see imports,
  // else all at once. A CommonJS app gets each on first require.
  const entryFormat = thisEntryFormat(process.argv[1]);
  const esmApp = wantsEsmHook(config.esmHook, entryFormat);
  let registerHooks: RegisterHooks | undefined;
  try {
    registerHooks = esmApp ? inThreadModuleHooks(__dirname) : undefined;
  } catch (error) {
    diagnostics.log('warn', `in-thread module hooks are not usable, the ESM loader thread is used: ${describeError(error)}`);
  }
  const activation: Activation = !esmApp ? { on: 'require' } : registerHooks ? { on: 'resolve', registerHooks } : { on: 'start' };
  const instrumentations = loadInstrumentations(
    config.instrumentations,
    activation,
    (instrumentation) =>
      registerInstrumentations({ instrumentations: [instrumentation], tracerProvider, meterProvider, loggerProvider } as Parameters<typeof registerInstrumentations>[0]),
    diagnostics,
    (name, instrumentation) => {
      if (name === 'http') shortenUnsampledRequests(instrumentation, policy);
    },
  );

  // After the instrumentations exist (their hooks tell which modules to wrap),
  // before the app's first import.
  const why = config.esmHook === 'auto' ? entryFormat.why : `CUSTOM_OTEL_ESM_HOOK=${config.esmHook}`;
  let esm = `not needed (${why})`;
  try {
    if (esmApp) esm = `${registerEsmLoader(__dirname, [...hookedModuleNames(instrumentations.started as never), ...instrumentations.deferredModules], registerHooks !== undefined)} (${why})`;
  } catch (error) {
    esm = 'failed';
    diagnostics.log('warn', `the ESM loader hook could not be registered, ESM imports are not instrumented: ${describeError(error)}`);
  }

  const destination = exitDestination(config);
  installShutdownHooks(
    {
      everything: async () => {
        await Promise.all([tracerProvider.shutdown(), meterProvider?.shutdown(), loggerProvider?.shutdown()]);
      },
      // One after the other: sending spans may load the exporter, whose
      // require('http') activates an instrumentation that asks for a logger.
      recorded: async () => {
        await tracerProvider.shutdown();
        await loggerProvider?.shutdown();
      },
      collectorAnswers: () => (destination === undefined ? Promise.resolve(true) : collectorAnswers(destination, config.exitAnswerTimeoutMs)),
      abandon: () => {
        if (exporter instanceof GuardedSpanExporter) exporter.abandon(`the collector's address refused or stayed silent for CUSTOM_OTEL_EXIT_ANSWER_TIMEOUT_MS=${config.exitAnswerTimeoutMs}`);
      },
    },
    config.shutdownTimeoutMs,
    diagnostics,
  );

  diagnostics.log(
    'info',
    `started ${buildInfo.imageName} ${buildInfo.distributionVersion} (node${buildInfo.major} image, SDK ${sdk.name}) for service ${JSON.stringify(serviceName(config))}: ` +
      `traces ${config.traces.exporter === 'otlp' ? `otlp ${config.traces.otlp.protocol} ${config.traces.otlp.url}` : config.traces.exporter}, ` +
      `metrics ${config.metrics.exporters.join('+') || 'none'}, logs ${config.logs.exporter}, sampler ${config.sampler.name}, ` +
      `${instrumentations.started.length} instrumentations started and ${instrumentations.deferred.length} waiting for their module, ESM hook ${esm}`,
  );
}
