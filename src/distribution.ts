/**
 * Starts the distribution: reads the configuration once, then wires the SDK
 * (resource, propagation, sampler, our span processor, OTLP export, metrics,
 * logs, instrumentations, ESM hook, shutdown). Loaded by the entry point only
 * after it decided to start; every failure here is contained and reported.
 */
import { context, diag, metrics, propagation, trace } from './otel-api';
import { setGlobalErrorHandler } from './otel-core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MeterProvider, MetricReader, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { DistributionConfig } from './config/config';
import { loadConfig } from './config/config-source';
import { withSdkEnv } from './config/sdk-env';
import { describeError, diagnostics } from './diagnostics';
import { DIAG_LEVELS, sdkDiagLogger, sdkErrorHandler } from './sdk-diagnostics';
import { appOpenTelemetryCheck } from './diag-origin';
import { keepDeprecationOrigin } from './deprecation-origin';
import { buildInfo } from './build-info';
import { sdkLine, type SdkLine } from './sdk-line';
import { buildResource, processName, resourceAttributes } from './resource';
import { createPropagator } from './propagation';
import { HttpAwareContextManager } from './context-manager';
import { CustomSampler, samplingPolicy } from './sampler/custom-sampler';
import { CustomSpanProcessor, type SpanObserver } from './processor/span-processor';
import { OpenSpans } from './processor/open-spans';
import { debugSpanLogger } from './processor/debug-span-log';
import { GuardedSpanExporter } from './traces/guarded-span-exporter';
import { randomIdGenerator } from './traces/random-ids';
import { encodingAtEnd } from './traces/encoding-at-end';
import { takesEncodedSpans, type ExportedSpan } from './traces/encoded-span';
import { SizeLimitedSpanExporter } from './traces/size-limited-span-exporter';
import { createOtlpExporter } from './otlp-exporters';
import type { LazyExporter } from './lazy-exporter';
import { createMetricReaders } from './metrics/metric-readers';
import { RequestMetrics } from './metrics/request-metrics';
import { attributeSetsNotice, installAttributeSets, type AttributeSets } from './metrics/attribute-sets';
import { loadMetricsUtils } from './metrics/sdk-metrics-utils';
import { createLoggerProvider } from './logs/log-export';
import { loadInstrumentations, type Activation } from './instrumentations/load';
import type { RegisterHooks } from './instrumentations/lazy-activation';
import { shortenUnsampledRequests, shortPathNotice } from './instrumentations/unsampled-requests';
import { channelsNotice, httpUtilsIn, serveFromChannels, type ChannelsOutcome } from './instrumentations/http-server-channels';
import { clientChannelsNotice, httpClientSpans } from './instrumentations/http-client-channels';
import { requestContextProblem } from './instrumentations/request-context';
import { recordDurationsWithKeptSets } from './instrumentations/http-duration-records';
import { selectInstrumentations } from './instrumentations/selection';
import { hookedModuleNames, inThreadModuleHooks, registerEsmLoader } from './esm-loader';
import { thisEntryFormat, wantsEsmHook } from './esm-app';
import { installShutdownHooks } from './shutdown';
import { gatedExporter, gatedSpanProcessor, openGates } from './opamp/signal-gates';
import { InstrumentationSwitches } from './opamp/instrumentation-switches';
import { LiveControls } from './opamp/live-controls';
import { startOpamp } from './opamp/start';
import { instrumentationNames } from './instrumentations/load';
import { deliverAtExit } from './exit-delivery/exit-delivery';

// For doctor.js, which loads the core without starting it.
export { exportTestSpan } from './doctor/export-probe';
export { instrumentationNames } from './instrumentations/load';

interface SpanExport {
  exporter: SpanExporter;
  sizeLimit?: SizeLimitedSpanExporter;
  /** Whether the exporter takes spans encoded as they end; undefined until it is made (see encoding-at-end.ts). */
  takesEncoded: () => boolean | undefined;
}

function createSpanExporter(config: DistributionConfig, sdk: SdkLine): SpanExport | undefined {
  if (config.traces.exporter === 'none') return undefined;
  if (config.traces.exporter === 'console') return { exporter: sdk.consoleSpanExporter(), takesEncoded: () => false };
  const target = config.traces.otlp;
  // Encoded spans reach it only once it is made and takes them (encoding-at-end.ts).
  const otlp = createOtlpExporter<LazyExporter<ExportedSpan[]>>('traces', target);
  const sizeLimit = new SizeLimitedSpanExporter(otlp, config.traces.exportMaxBytes, diagnostics);
  return {
    exporter: new GuardedSpanExporter(sizeLimit, `${target.url} (${target.protocol})`, target.timeoutMs, diagnostics),
    sizeLimit,
    takesEncoded: () => (otlp.made === undefined ? undefined : takesEncodedSpans(otlp.made)),
  };
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

/** What OpAMP reports of the start-up configuration besides the live settings. */
function startupFacts(config: DistributionConfig): Record<string, unknown> {
  return {
    sampler: config.sampler.name,
    traces_exporter: config.traces.exporter === 'otlp' ? `otlp ${config.traces.otlp.protocol}` : config.traces.exporter,
    metrics_exporters: config.metrics.exporters.join(','),
    logs_exporter: config.logs.exporter,
    heartbeat_seconds: config.opamp.heartbeatSeconds,
  };
}

export function start(env: NodeJS.ProcessEnv = process.env, sdk: SdkLine = sdkLine): void {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    // The specification's answer to a bad file: a no-op SDK; the app runs as without us.
    diagnostics.log('error', loaded.line);
    return;
  }
  const { config, warnings } = loaded;
  diagnostics.setLevel(config.logLevel);
  for (const warning of warnings) diagnostics.log('warn', warning);
  if (config.sdkDisabled) {
    diagnostics.log('info', `${loaded.file ? `disabled: true in ${loaded.file.path}` : 'OTEL_SDK_DISABLED=true'}: telemetry is off`);
    return;
  }
  const warnedVariables = new Set(warnings.map((warning) => warning.slice(0, warning.indexOf('='))));
  const configuredResourceKeys = new Set(Object.keys(resourceAttributes(config, processName())));
  // Only our built tree (lib/) tells our SDK's frames from the app's: run from source, our SDK sits in node_modules/@opentelemetry too.
  const fromAppOpenTelemetry = __filename.endsWith('.js') ? appOpenTelemetryCheck([`${__dirname}/`]) : undefined;
  diag.setLogger(sdkDiagLogger(diagnostics, warnedVariables, configuredResourceKeys, fromAppOpenTelemetry), { logLevel: DIAG_LEVELS[config.logLevel], suppressOverrideMessage: true });
  setGlobalErrorHandler(sdkErrorHandler(diagnostics));

  const resource = withSdkEnv(config.sdkEnv, () => buildResource(config, sdk));
  // Settles the detectors' asynchronous attributes as soon as they are known:
  // until then the batch processor defers every export to a promise, which an
  // 'exit' listener never sees resolve, and a short process would lose its spans.
  void Promise.resolve((resource as { waitForAsyncAttributes?: () => Promise<void> }).waitForAsyncAttributes?.()).catch(() => undefined);
  // OpAMP's remote config gates the signals and switches instrumentations; nothing of it exists when it is off.
  const opamp = config.opamp.endpoint === undefined ? undefined : { gates: openGates(), switches: new InstrumentationSwitches() };
  const contextManager = new HttpAwareContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(createPropagator(config.propagators, sdk.jaegerPropagator, (message) => diagnostics.log('warn', message)));

  let meterProvider: MeterProvider | undefined;
  const readers = withSdkEnv(config.sdkEnv, () =>
    createMetricReaders(config.metrics, sdk, diagnostics, opamp && ((exporter) => gatedExporter(exporter, opamp.gates.metrics))),
  );
  let attributeSets: AttributeSets | undefined;
  if (readers.length > 0) {
    // Before the meter provider: its attribute maps take the SDK's hash function when made.
    const kept = installAttributeSets(loadMetricsUtils());
    const keptNotice = attributeSetsNotice(kept);
    if (keptNotice) diagnostics.log('warn', keptNotice);
    if (kept.installed) attributeSets = kept.sets;
    meterProvider = withSdkEnv(config.sdkEnv, () => sdk.createMeterProvider({ resource, readers }));
    metrics.setGlobalMeterProvider(meterProvider);
  }

  const observers: SpanObserver[] = [];
  if (meterProvider && config.processor.requestMetrics) observers.push(new RequestMetrics(meterProvider.getMeter('custom-otel-nodejs', buildInfo.distributionVersion)));
  if (config.processor.debugSpans) observers.push(debugSpanLogger((line) => diagnostics.log('info', `span ${line}`), sdk.parentSpanId));

  const created = createSpanExporter(config, sdk);
  const exporter = created?.exporter;
  const sizeLimit = created?.sizeLimit;
  const batchProcessor = exporter
    ? sdk.batchSpanProcessor(exporter, {
        maxQueueSize: config.traces.batch.maxQueueSize,
        maxExportBatchSize: config.traces.batch.maxExportBatchSize,
        scheduledDelayMillis: config.traces.batch.scheduleDelayMs,
        exportTimeoutMillis: config.traces.otlp.timeoutMs,
      })
    : NO_EXPORT;
  // The exit delivery takes what the batch processor still holds (see watchQueue), whose bytes are bounded.
  const { batch } = config.traces;
  const watchedExport =
    exporter instanceof GuardedSpanExporter
      ? exporter.watchQueue(batchProcessor, { maxSpans: batch.maxQueueSize, maxBytes: config.traces.exportMaxBytes * Math.ceil(batch.maxQueueSize / batch.maxExportBatchSize) })
      : batchProcessor;
  const encodedExport = created ? encodingAtEnd(watchedExport, created.takesEncoded, (level, line) => diagnostics.log(level, line)) : watchedExport;
  const exportProcessor = opamp ? gatedSpanProcessor(encodedExport, opamp.gates.traces) : encodedExport;
  const policy = samplingPolicy(config);
  const openSpans = new OpenSpans();
  const tracerProvider = withSdkEnv(config.sdkEnv, () => sdk.createTracerProvider({
    resource,
    sampler: new CustomSampler(policy, config.sampling.maxTracesPerSecond, sdk.decision, `CustomSampler{${config.sampler.name}}`, undefined, (message) =>
      diagnostics.log('warn', message),
    ),
    idGenerator: randomIdGenerator,
    spanProcessors: [openSpans, new CustomSpanProcessor(exportProcessor, config.processor, buildInfo.distributionVersion, diagnostics, observers)],
    spanLimits: { attributeValueLengthLimit: config.traces.attributeValueLengthLimit, ...config.traces.countLimits },
  }));
  trace.setGlobalTracerProvider(tracerProvider);

  const loggerProvider = withSdkEnv(config.sdkEnv, () =>
    createLoggerProvider(config.logs, resource, sdk, opamp && ((logExporter) => gatedExporter(logExporter, opamp.gates.logs))),
  );
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
  keepDeprecationOrigin();
  const instrumentations = loadInstrumentations(
    config.instrumentations,
    activation,
    (instrumentation) => {
      registerInstrumentations({ instrumentations: [instrumentation], tracerProvider, meterProvider, loggerProvider } as Parameters<typeof registerInstrumentations>[0]);
      opamp?.switches.registered(instrumentation);
    },
    diagnostics,
    (name, instrumentation, exports) => {
      opamp?.switches.remember(name, instrumentation);
      if (name !== 'http') return;
      if (attributeSets) recordDurationsWithKeptSets(instrumentation, attributeSets);
      const client = clientChannelsNotice(
        httpClientSpans(instrumentation, {
          setting: config.instrumentations.httpInstrumentation,
          sdkLine: sdk.name,
          nodeVersion: process.versions.node,
          selected: selectInstrumentations(instrumentationNames(), config.instrumentations).selected,
          policy,
          debug: (line) => diagnostics.log('debug', line),
        }),
      );
      diagnostics.log(client.level, client.line);
      const server: ChannelsOutcome =
        config.instrumentations.httpInstrumentation === 'upstream' ? { installed: false, reason: 'setting' } : serveFromChannels(instrumentation, policy, contextManager.storage(), httpUtilsIn(exports));
      const serverNotice = channelsNotice(server);
      diagnostics.log(serverNotice.level, serverNotice.line);
      const contextProblem = requestContextProblem();
      if (contextProblem) diagnostics.log('warn', `HTTP server requests get their context as the API makes it (${contextProblem}): same values, more CPU per request`);
      if (server.installed) return;
      const notice = shortPathNotice(shortenUnsampledRequests(instrumentation, policy, opamp !== undefined));
      if (notice) diagnostics.log(notice.level, notice.line);
    },
    (build) => withSdkEnv(config.sdkEnv, build),
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

  let opampClient: { stop(): void } | undefined;
  if (opamp && config.opamp.endpoint !== undefined) {
    try {
      const controls = new LiveControls({
        policy,
        logLevel: config.logLevel,
        setLogLevel: (level) => {
          diagnostics.setLevel(level);
          diag.setLogger(sdkDiagLogger(diagnostics, warnedVariables, configuredResourceKeys, fromAppOpenTelemetry), { logLevel: DIAG_LEVELS[level], suppressOverrideMessage: true });
        },
        instrumentations: opamp.switches,
        gates: opamp.gates,
      });
      opampClient = startOpamp({ ...config.opamp, endpoint: config.opamp.endpoint }, resource, resourceAttributes(config, processName()), controls, startupFacts(config), instrumentationNames(), diagnostics);
    } catch (error) {
      diagnostics.log('warn', `OpAMP could not start, the app runs without it: ${describeError(error)}`);
    }
  }

  // The OTLP reader (the first of OTEL_METRICS_EXPORTER's otlp) gives the exit delivery its last collection.
  const otlpReader: MetricReader | undefined = config.metrics.exporters.includes('otlp') ? readers[config.metrics.exporters.indexOf('otlp')] : undefined;
  let lastMetrics: ResourceMetrics | undefined;
  installShutdownHooks(
    {
      // One after the other: sending spans may load the exporter, whose
      // require('http') activates an instrumentation that asks for a logger.
      flush: async () => {
        await tracerProvider.forceFlush();
        // The batch processor is answered at once; the collector's answers come later.
        if (exporter instanceof GuardedSpanExporter) await exporter.answered();
        await Promise.all([meterProvider?.forceFlush(), loggerProvider?.forceFlush()]);
      },
      collectMetrics: async () => {
        if (!otlpReader) return;
        const { resourceMetrics } = await otlpReader.collect();
        lastMetrics = resourceMetrics;
      },
      deliverNow: (timeoutMs) => {
        // Spans the app's own exit cut short (see OpenSpans) end now, before the queue is taken.
        openSpans.endAll();
        deliverAtExit(
          {
            spans:
              exporter instanceof GuardedSpanExporter && sizeLimit
                ? {
                    target: config.traces.otlp,
                    // The batch processor hands its queue to the exporter synchronously on a flush.
                    items: exporter.takeForExit(() => void batchProcessor.forceFlush().catch(() => undefined)),
                    encode: (spans) => sdk.traceRequestBytes(spans),
                    requestsFor: (spans) => sizeLimit.requestsFor(spans),
                    splitRejected: (spans, reason) => sizeLimit.splitRejected(spans, reason),
                    lost: (count, reason) => exporter.lostAtExit(count, reason),
                  }
                : undefined,
            metrics: otlpReader && lastMetrics ? { target: config.metrics.otlp, collection: lastMetrics } : undefined,
          },
          timeoutMs,
          diagnostics,
        );
      },
    },
    config.shutdownTimeoutMs,
    diagnostics,
  );

  diagnostics.log(
    'info',
    `started ${buildInfo.imageName} ${buildInfo.distributionVersion} (node${buildInfo.major} image, SDK ${sdk.name}) for service ${JSON.stringify(serviceName(config))}${loaded.file ? ` from ${loaded.file.path} (file_format ${loaded.file.format})` : ''}: ` +
      `traces ${config.traces.exporter === 'otlp' ? `otlp ${config.traces.otlp.protocol} ${config.traces.otlp.url}` : config.traces.exporter}, ` +
      `metrics ${config.metrics.exporters.join('+') || 'none'}, logs ${config.logs.exporter}, sampler ${config.sampler.name}, ` +
      `${instrumentations.started.length} instrumentations started and ${instrumentations.deferred.length} waiting for their module, ESM hook ${esm}` +
      (opampClient ? `, OpAMP ${config.opamp.endpoint} every ${config.opamp.heartbeatSeconds} s` : ''),
  );
}
