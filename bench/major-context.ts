/** What every benchmark of one major shares: the prepared runtime and trees, and the receiver. */
import { join } from 'node:path';
import type { OtlpReceiver } from '../test/support/otlp-receiver';
import type { PreparedMajor } from './prepare-major';
import { serviceNameOf, variantEnv, type Variant } from './variants';
import type { AppName } from './apps';

export interface MajorContext {
  prepared: PreparedMajor;
  receiver: OtlpReceiver;
  log: (line: string) => void;
}

/** The environment a variant's process gets: nothing of the runner's own, but PATH (this major's Node first) and HOME. */
export function processEnv(context: MajorContext, variant: Variant, app: AppName | string): Record<string, string> {
  const base = {
    PATH: [join(context.prepared.runtimeDir, 'bin'), process.env.PATH].filter(Boolean).join(':'),
    HOME: process.env.HOME ?? '/root',
  };
  const setup = { oursEntry: context.prepared.oursEntry, upstreamRegister: context.prepared.upstream.register, endpoint: context.receiver.grpcUrl };
  return variantEnv(variant, setup, serviceNameOf(variant, app), base);
}

/** Spans the receiver holds from one service. */
export function spansFrom(receiver: OtlpReceiver, serviceName: string): number {
  let count = 0;
  for (const span of receiver.spans) if (span.resource['service.name'] === serviceName) count++;
  return count;
}
