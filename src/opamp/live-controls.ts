/**
 * The settings remote config may change, applied to the running
 * distribution: the sampling policy's root ratio (the sampler reads the
 * policy object on every span), the log level, instrumentations and the
 * signal gates. Start-up values are kept so a setting the server stops
 * sending returns to them.
 */
import type { LogLevel } from '../settings';
import type { SamplingPolicy } from '../sampler/sampling-decision';
import type { InstrumentationSwitches } from './instrumentation-switches';
import type { SignalGates } from './signal-gates';
import type { RemoteSettings } from './remote-config';

export interface LiveTargets {
  policy: SamplingPolicy;
  logLevel: LogLevel;
  setLogLevel(level: LogLevel): void;
  instrumentations: InstrumentationSwitches;
  gates: SignalGates;
}

export class LiveControls {
  private readonly startup: { rootRatio: number; rootByProbability: boolean; logLevel: LogLevel };
  private current: RemoteSettings = {};

  constructor(private readonly targets: LiveTargets) {
    this.startup = { rootRatio: targets.policy.rootRatio, rootByProbability: targets.policy.rootByProbability, logLevel: targets.logLevel };
  }

  apply(settings: RemoteSettings): void {
    const { policy, gates } = this.targets;
    if (settings.samplingRate !== undefined) {
      // A remote rate is a probability sampler's ratio: kept root spans carry its `th`.
      policy.rootRatio = settings.samplingRate;
      policy.rootByProbability = true;
    } else {
      policy.rootRatio = this.startup.rootRatio;
      policy.rootByProbability = this.startup.rootByProbability;
    }
    this.targets.setLogLevel(settings.loggingLevel ?? this.startup.logLevel);
    this.targets.instrumentations.set(settings.deactivateInstrumentations ?? [], settings.deactivateAllInstrumentations ?? false);
    gates.traces.open = settings.sendTraces ?? true;
    gates.metrics.open = settings.sendMetrics ?? true;
    gates.logs.open = settings.sendLogs ?? true;
    this.current = settings;
  }

  /** What is in force now, in the remote config's own names (reported as the effective config). */
  effective(): Record<string, unknown> {
    const { policy, gates } = this.targets;
    return {
      sampling_rate: policy.rootRatio,
      logging_level: this.current.loggingLevel ?? this.startup.logLevel,
      deactivate_instrumentations: (this.current.deactivateInstrumentations ?? []).join(','),
      deactivate_all_instrumentations: this.current.deactivateAllInstrumentations ?? false,
      send_traces: gates.traces.open,
      send_metrics: gates.metrics.open,
      send_logs: gates.logs.open,
    };
  }
}
