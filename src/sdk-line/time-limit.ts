/**
 * Resource detectors may read files or ask the network; the batch processors
 * wait for every pending attribute before each export, so a detector that
 * never answers would stop all export. Each gets this long, then its
 * attribute is left out.
 */
export const DETECTION_TIME_LIMIT_MS = 1000;

export function withTimeLimit<T>(work: PromiseLike<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    Promise.resolve(work).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
