import { dumpYaml, type V1EnvVar, type V1ResourceRequirements } from '@kubernetes/client-node';
import { INSTRUMENTATION_API_VERSION, INSTRUMENTATION_KIND, type Instrumentation } from './instrumentation-types';
import { IMAGE_NAME, UNIVERSAL, type InstrumentationImage } from './built-images';

// Our Instrumentation resources, all configured alike: `nodejs` with the
// universal image (any Node major; "true" picks it when it is the namespace's
// only one), and one per Node major, `nodejs-<major>`, for teams that pin a
// major with instrumentation.opentelemetry.io/inject-nodejs: "<namespace>/nodejs-<major>".

export interface RenderOptions {
  namespace?: string;
  /** The collector's OTLP gRPC endpoint (the Service the OpenTelemetryCollector "otel" gets is otel-collector). */
  collectorEndpoint?: string;
  namePrefix?: string;
  samplerArgument?: string;
  /** spec.nodejs.env: our distro's settings. */
  env?: V1EnvVar[];
  resourceAttributes?: Record<string, string>;
  resourceRequirements?: V1ResourceRequirements;
  volumeLimitSize?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

export const DEFAULT_NAMESPACE = 'otel-demo';
export const DEFAULT_NAME_PREFIX = 'nodejs-';

export const collectorEndpointIn = (namespace: string) => `http://otel-collector.${namespace}.svc.cluster.local:4317`;

export const DEFAULT_DISTRO_ENV: V1EnvVar[] = [
  // Nothing in the operator sets a protocol; say gRPC explicitly for the 4317 endpoint.
  { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' },
  { name: 'CUSTOM_OTEL_SLOW_THRESHOLD_MS', value: '100' },
  { name: 'CUSTOM_OTEL_HEALTH_PATHS', value: '/health,/healthz,/ready,/readyz,/livez' },
  { name: 'CUSTOM_OTEL_SPAN_ATTRIBUTES', value: 'deployment.environment=demo' },
];

// The init container only runs `cp -r` of a ~10 MB tree of under 100 files.
export const DEFAULT_INIT_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { cpu: '200m', memory: '64Mi' },
};
export const DEFAULT_VOLUME_LIMIT_SIZE = '50Mi';

function checkImages(images: readonly InstrumentationImage[]): void {
  if (images.length === 0) throw new Error('renderInstrumentations: no images given; pass at least one {major, image}');
  const seen = new Set<number | typeof UNIVERSAL>();
  for (const { major, image } of images) {
    if (major !== UNIVERSAL && (!Number.isInteger(major) || major <= 0)) throw new Error(`renderInstrumentations: major ${JSON.stringify(major)} is not a positive integer`);
    const what = major === UNIVERSAL ? 'the universal image' : `Node ${major}`;
    if (typeof image !== 'string' || image.trim() === '') throw new Error(`renderInstrumentations: image for ${what} is empty`);
    if (seen.has(major)) throw new Error(`renderInstrumentations: ${what} is listed twice; one image per major`);
    seen.add(major);
  }
}

/** `nodejs-<major>`, or `nodejs` for the universal image (the prefix without its trailing separator). */
export function instrumentationName(major: number | typeof UNIVERSAL, namePrefix = DEFAULT_NAME_PREFIX): string {
  return major === UNIVERSAL ? namePrefix.replace(/[-_.]$/, '') : `${namePrefix}${major}`;
}

export function buildInstrumentation({ major, image }: InstrumentationImage, options: RenderOptions = {}): Instrumentation {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  return {
    apiVersion: INSTRUMENTATION_API_VERSION,
    kind: INSTRUMENTATION_KIND,
    metadata: {
      name: instrumentationName(major, options.namePrefix),
      namespace,
      labels: { 'app.kubernetes.io/name': IMAGE_NAME, 'node-major': String(major) },
    },
    spec: {
      exporter: { endpoint: options.collectorEndpoint ?? collectorEndpointIn(namespace) },
      propagators: ['tracecontext', 'baggage'],
      sampler: { type: 'parentbased_traceidratio', argument: options.samplerArgument ?? '1' },
      resource: { resourceAttributes: options.resourceAttributes ?? { 'deployment.environment.name': 'demo' } },
      ...(options.imagePullPolicy ? { imagePullPolicy: options.imagePullPolicy } : {}),
      nodejs: {
        image,
        env: options.env ?? DEFAULT_DISTRO_ENV,
        resourceRequirements: options.resourceRequirements ?? DEFAULT_INIT_RESOURCES,
        volumeLimitSize: options.volumeLimitSize ?? DEFAULT_VOLUME_LIMIT_SIZE,
      },
    },
  };
}

/**
 * OpAMP stays off in the demo (it has no OpAMP server), so the manifest shows
 * how to turn it on as a comment at the top of the distro's env list.
 */
export function withOpampHint(document: string, namespace: string): string {
  const hint =
    '      # Remote configuration over OpAMP (README, "OpAMP"): uncomment, pointing at your OpAMP server.\n' +
    '      # - name: CUSTOM_OTEL_OPAMP_ENDPOINT\n' +
    `      #   value: http://opamp-server.${namespace}.svc.cluster.local:4320/v1/opamp\n` +
    '      # - name: CUSTOM_OTEL_OPAMP_HEARTBEAT_SECONDS\n' +
    "      #   value: '30'\n";
  return document.replace('\n    env:\n', `\n    env:\n${hint}`);
}

export const GENERATED_HEADER = '# Generated by tools/k8s/generate-instrumentations.ts: edit the generator, not this file.\n';

/** One multi-document YAML with one Instrumentation per image, the universal one first, then by major. */
export function renderInstrumentations(images: readonly InstrumentationImage[], options: RenderOptions = {}): string {
  checkImages(images);
  const documents = [...images]
    .sort((a, b) => (a.major === UNIVERSAL ? -1 : b.major === UNIVERSAL ? 1 : a.major - b.major))
    .map((image) => withOpampHint(dumpYaml(buildInstrumentation(image, options), { lineWidth: -1, noRefs: true }), options.namespace ?? DEFAULT_NAMESPACE));
  return GENERATED_HEADER + documents.join('---\n');
}
