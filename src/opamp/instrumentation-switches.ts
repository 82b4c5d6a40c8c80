/**
 * Turns instrumentations off and on again while the app runs. They are
 * created lazily (on their module's first load), so each one is remembered
 * when it is created and a deactivated one is disabled right after its
 * registration; `disable()`/`enable()` unpatch and re-patch its modules.
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';

export class InstrumentationSwitches {
  private readonly created = new Map<Instrumentation, string>();
  private deactivated = new Set<string>();
  private all = false;

  /** Remembers an instrumentation just created under our catalogue name. */
  remember(name: string, instrumentation: Instrumentation): void {
    this.created.set(instrumentation, name);
  }

  /** After registration (which enables it): off again if the remote config says so. */
  registered(instrumentation: Instrumentation): void {
    const name = this.created.get(instrumentation);
    if (name !== undefined && this.isOff(name)) instrumentation.disable();
  }

  set(deactivated: readonly string[], all: boolean): void {
    const before = new Map([...this.created].map(([instrumentation, name]) => [instrumentation, this.isOff(name)] as const));
    this.deactivated = new Set(deactivated);
    this.all = all;
    for (const [instrumentation, name] of this.created) {
      const off = this.isOff(name);
      if (off === before.get(instrumentation)) continue;
      if (off) instrumentation.disable();
      else instrumentation.enable();
    }
  }

  private isOff(name: string): boolean {
    return this.all || this.deactivated.has(name);
  }
}
