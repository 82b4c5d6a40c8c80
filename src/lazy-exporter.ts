/**
 * An exporter made on its first export: the OTLP/gRPC chunk (grpc-js,
 * protobufjs, the OTLP transformer) is the largest part of the tree, and
 * nothing is exported before the first batch is due, so reading it is moved
 * off the app's start-up path.
 */
interface Exporter<T> {
  export(items: T, resultCallback: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

export class LazyExporter<T> implements Exporter<T> {
  private exporter: Exporter<T> | undefined;

  constructor(private readonly create: () => Exporter<T>) {}

  /** The exporter, once made. */
  get made(): Exporter<T> | undefined {
    return this.exporter;
  }

  private get real(): Exporter<T> {
    this.exporter ??= this.create();
    return this.exporter;
  }

  export(items: T, resultCallback: (result: { code: number; error?: Error }) => void): void {
    this.real.export(items, resultCallback);
  }

  /** Nothing to close or flush when nothing was ever exported. */
  shutdown(): Promise<void> {
    return this.exporter ? this.exporter.shutdown() : Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return this.exporter?.forceFlush ? this.exporter.forceFlush() : Promise.resolve();
  }
}
