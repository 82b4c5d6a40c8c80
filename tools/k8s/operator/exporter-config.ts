import type { V1EnvVar, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { appendIfNotSet } from './env-list';
import type { InstrumentationSpec } from '../instrumentation-types';

// spec.exporter → OTEL_EXPORTER_OTLP_* variables and the TLS volumes (exporter.go).

export interface ExporterTarget {
  env: V1EnvVar[];
  volumeMounts: V1VolumeMount[];
  podVolumes: V1Volume[];
}

const NAME_MAX = 63;

/** The operator's naming.Truncate: shorten the value so the formatted name fits, then trim non-alphanumerics. */
export function truncateName(prefix: string, value: string, max = NAME_MAX): string {
  let result = prefix + value;
  const excess = result.length - max;
  if (excess > 0) result = prefix + (value.length > excess ? value.slice(0, value.length - excess) : '');
  if (result.length > max) return result.slice(0, max);
  return result.replace(/[^A-Za-z0-9]+$/, '').replace(/^[^A-Za-z0-9]+/, '');
}

const isAbsolute = (path: string) => path.startsWith('/');

export function configureExporter(exporter: InstrumentationSpec['exporter'], target: ExporterTarget): ExporterTarget {
  let env = target.env;
  let volumeMounts = target.volumeMounts;
  let podVolumes = target.podVolumes;
  const endpoint = exporter?.endpoint ?? '';
  if (endpoint !== '') env = appendIfNotSet(env, { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: endpoint });

  const tls = exporter?.tls;
  if (!tls) return { env, volumeMounts, podVolumes };

  const secretName = tls.secretName ?? '';
  const configMapName = tls.configMapName ?? '';
  const secretVolume = truncateName('otel-auto-secret-', secretName);
  const secretMountPath = `/otel-auto-instrumentation-secret-${secretName}`;
  const configMapVolume = truncateName('otel-auto-configmap-', configMapName);
  const configMapMountPath = `/otel-auto-instrumentation-configmap-${configMapName}`;
  const inMount = (mountPath: string, file: string) => (isAbsolute(file) ? file : `${mountPath}/${file}`);

  if (tls.ca_file) {
    const mountPath = configMapName !== '' ? configMapMountPath : secretMountPath;
    env = appendIfNotSet(env, { name: 'OTEL_EXPORTER_OTLP_CERTIFICATE', value: inMount(mountPath, tls.ca_file) });
  }
  if (tls.cert_file) {
    env = appendIfNotSet(env, { name: 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', value: inMount(secretMountPath, tls.cert_file) });
  }
  if (tls.key_file) {
    env = appendIfNotSet(env, { name: 'OTEL_EXPORTER_OTLP_CLIENT_KEY', value: inMount(secretMountPath, tls.key_file) });
  }
  if (secretName !== '') {
    if (!podVolumes.some((v) => v.name === secretVolume)) podVolumes = [...podVolumes, { name: secretVolume, secret: { secretName } }];
    if (!volumeMounts.some((m) => m.name === secretVolume)) {
      volumeMounts = [...volumeMounts, { name: secretVolume, mountPath: secretMountPath, readOnly: true }];
    }
  }
  if (configMapName !== '') {
    if (!podVolumes.some((v) => v.name === configMapVolume)) {
      podVolumes = [...podVolumes, { name: configMapVolume, configMap: { name: configMapName } }];
    }
    if (!volumeMounts.some((m) => m.name === configMapVolume)) {
      volumeMounts = [...volumeMounts, { name: configMapVolume, mountPath: configMapMountPath, readOnly: true }];
    }
  }
  return { env, volumeMounts, podVolumes };
}
