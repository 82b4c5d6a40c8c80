import { SAMPLER_TYPES, type Instrumentation } from '../instrumentation-types';
import { canonicalQuantity } from './quantity';

// What the operator's Instrumentation webhook does when the resource is applied:
// defaulting (the stored object the pod webhook later reads) and the checks the
// CRD schema cannot express (instrumentation_webhook.go).

/** The webhook's Node.js init container defaults, used when resourceRequirements.limits / .requests are unset. */
export const DEFAULT_NODEJS_LIMITS = { cpu: '500m', memory: '256Mi' };
export const DEFAULT_NODEJS_REQUESTS = { cpu: '50m', memory: '128Mi' };
/** Stands for the operator's own default image, whose tag depends on the operator release. */
export const OPERATOR_DEFAULT_NODEJS_IMAGE = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:<operator-default>';

export interface DefaultedInstrumentation {
  instrumentation: Instrumentation;
  /** One line per default applied. */
  applied: string[];
}

/**
 * `defaultNodejsImage`: the operator's --auto-instrumentation-nodejs-image (its
 * release's upstream image unless set), which only the cluster knows.
 */
export function applyWebhookDefaults(inst: Instrumentation, defaultNodejsImage?: string): DefaultedInstrumentation {
  const applied: string[] = [];
  const nodejs = { ...(inst.spec.nodejs ?? {}) };
  if (!nodejs.image) {
    nodejs.image = defaultNodejsImage ?? OPERATOR_DEFAULT_NODEJS_IMAGE;
    applied.push(
      defaultNodejsImage
        ? `spec.nodejs.image is unset: the operator fills in its default image ${defaultNodejsImage}, not ours`
        : "spec.nodejs.image is unset: the operator fills in its own default (upstream) image, not ours; which one depends on the operator's release and its --auto-instrumentation-nodejs-image flag (--operator-nodejs-image says it)",
    );
  }
  const resources = { ...(nodejs.resourceRequirements ?? {}) };
  if (resources.limits == null) {
    resources.limits = { ...DEFAULT_NODEJS_LIMITS };
    applied.push(`spec.nodejs.resourceRequirements.limits unset: webhook default cpu ${DEFAULT_NODEJS_LIMITS.cpu}, memory ${DEFAULT_NODEJS_LIMITS.memory}`);
  }
  if (resources.requests == null) {
    resources.requests = { ...DEFAULT_NODEJS_REQUESTS };
    applied.push(
      `spec.nodejs.resourceRequirements.requests unset: webhook default cpu ${DEFAULT_NODEJS_REQUESTS.cpu}, memory ${DEFAULT_NODEJS_REQUESTS.memory}`,
    );
  }
  // Quantities are stored in canonical form: what the pod webhook later reads.
  const canonical = (what: string, value: string | number): string | number => {
    const stored = canonicalQuantity(value);
    if (stored === undefined || stored === String(value)) return value;
    applied.push(`${what} ${value} is stored as ${stored}`);
    return stored;
  };
  if (nodejs.volumeLimitSize != null) nodejs.volumeLimitSize = canonical('spec.nodejs.volumeLimitSize', nodejs.volumeLimitSize);
  for (const kind of ['limits', 'requests'] as const) {
    const list = resources[kind] as Record<string, string | number> | undefined;
    if (list) resources[kind] = Object.fromEntries(Object.entries(list).map(([name, value]) => [name, canonical(`spec.nodejs.resourceRequirements.${kind}.${name}`, value)])) as Record<string, string>;
  }
  nodejs.resourceRequirements = resources;
  return { instrumentation: { ...inst, spec: { ...inst.spec, nodejs } }, applied };
}

export interface WebhookVerdict {
  /** Any error means `kubectl apply` of the Instrumentation is refused. */
  errors: string[];
  warnings: string[];
}

/** A plain decimal as Go's strconv.ParseFloat reads one; undefined when it is not a number. */
function parseDecimal(text: string): number | undefined {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

function jaegerRemoteArgumentProblem(argument: string): string | undefined {
  for (const part of argument.split(',')) {
    const pair = part.split('=');
    if (pair.length !== 2) return `invalid argument: ${part}, the argument should be in the form of key=value`;
    const [key = '', value = ''] = pair;
    if (key === 'endpoint' && value === '') return 'endpoint cannot be empty';
    if (key === 'pollingIntervalMs' && !/^[+-]?\d+$/.test(value)) return `invalid pollingIntervalMs: ${value}`;
    if (key === 'initialSamplingRate') {
      const rate = parseDecimal(value);
      if (rate === undefined) return `invalid initialSamplingRate: ${value}`;
      if (rate < 0 || rate > 1) return `initialSamplingRate should be in rage [0..1]: ${value}`;
    }
  }
  return undefined;
}

const isEmptyObject = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'object' && Object.keys(value as object).length === 0);

export function validateInstrumentation(inst: Instrumentation): WebhookVerdict {
  const errors: string[] = [];
  const warnings: string[] = [];
  const type = inst.spec.sampler?.type ?? '';
  const argument = inst.spec.sampler?.argument ?? '';

  if (type === '') warnings.push('sampler type not set');
  else if (!(SAMPLER_TYPES as readonly string[]).includes(type)) errors.push(`spec.sampler.type is not valid: ${type}`);
  else if ((type === 'traceidratio' || type === 'parentbased_traceidratio') && argument !== '') {
    const rate = parseDecimal(argument);
    if (rate === undefined) errors.push(`spec.sampler.argument is not a number: ${argument}`);
    else if (rate < 0 || rate > 1) errors.push(`spec.sampler.argument should be in rage [0..1]: ${argument}`);
  } else if (type === 'jaeger_remote' && argument !== '') {
    const problem = jaegerRemoteArgumentProblem(argument);
    if (problem) errors.push(`spec.sampler.argument is not a valid argument for sampler jaeger_remote: ${problem}`);
  }

  const nodejs = inst.spec.nodejs;
  if (nodejs && !isEmptyObject(nodejs.volumeClaimTemplate) && nodejs.volumeLimitSize != null) {
    errors.push('spec.nodejs.volumeClaimTemplate and spec.nodejs.volumeSizeLimit cannot both be defined: unable to resolve volume size');
  }

  const exporter = inst.spec.exporter;
  const endpoint = exporter?.endpoint ?? '';
  if (exporter?.tls) {
    const { key_file: key, cert_file: cert } = exporter.tls;
    if ((key && !cert) || (cert && !key)) warnings.push('both exporter.tls.key and exporter.tls.cert mut be set');
    if (!endpoint.startsWith('https://')) warnings.push('exporter.tls is configured but exporter.endpoint is not enabling TLS with https://');
  }
  if (endpoint.startsWith('https://') && !exporter?.tls) warnings.push('exporter is using https:// but exporter.tls is unset');
  // The webhook names the field by its Go name (VolumeSizeLimit); the YAML key is volumeLimitSize.
  if (nodejs?.volumeLimitSize != null) {
    warnings.push('spec.nodejs.volumeSizeLimit is deprecated and will be removed in a future release; use spec.nodejs.volume.size instead');
  }
  return { errors, warnings };
}
