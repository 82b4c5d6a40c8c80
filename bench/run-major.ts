/** All benchmarks of one Node major, in a fixed order, sharing one receiver. */
import { OtlpReceiver } from '../test/support/otlp-receiver';
import { APP_NAMES, benchApp, type AppName } from './apps';
import type { MajorContext } from './major-context';
import type { BenchProfile } from './options';
import { prepareMajor, type PreparedMajor } from './prepare-major';
import { benchSpanPipeline, type SpanPipelineResult } from './span-pipeline-bench';
import { benchStartup, type StartupResult } from './startup-bench';
import { benchThroughput, type ThroughputResult } from './throughput-bench';
import { benchTree, type TreeResult } from './tree-bench';

export interface MajorResult {
  prepared: PreparedMajor;
  startup: Record<AppName, StartupResult>;
  throughput: Record<AppName, ThroughputResult>;
  tree: TreeResult;
  spanPipeline: SpanPipelineResult;
  seconds: number;
}

export async function runMajor(major: number, profile: BenchProfile, log: (line: string) => void): Promise<MajorResult> {
  const started = Date.now();
  const prepared = await prepareMajor(major, log);
  const receiver = await OtlpReceiver.start();
  const context: MajorContext = { prepared, receiver, log };
  try {
    const startup = {} as Record<AppName, StartupResult>;
    for (const app of APP_NAMES) startup[app] = await benchStartup(context, app, profile.startup);
    const throughput = {} as Record<AppName, ThroughputResult>;
    for (const app of APP_NAMES) throughput[app] = await benchThroughput(context, benchApp(app), profile.throughput);
    const tree = await benchTree(context, profile.tree);
    const spanPipeline = await benchSpanPipeline(context, profile);
    return { prepared, startup, throughput, tree, spanPipeline, seconds: (Date.now() - started) / 1000 };
  } finally {
    await receiver.close();
  }
}
