/**
 * What the operator's release manifests install around the manager, derived
 * from the pinned module's own config/ (never written by hand): its CRDs
 * (config/crd, with the collector CRD's conversion webhook patch) and its
 * webhook configurations (config/webhook/manifests.yaml), pointed at the
 * manager on 127.0.0.1 through `url` and `caBundle` instead of a Service and
 * cert-manager. Pure functions over the files' text.
 */
import { loadAllYaml, loadYaml } from '@kubernetes/client-node';

type Manifest = Record<string, any>;

/** The name prefix the operator's kustomization (config/default) gives every object. */
export const OPERATOR_NAME_PREFIX = 'opentelemetry-operator-';

export interface WebhookTarget {
  /** https://127.0.0.1:<port>, where the manager serves its webhooks. */
  baseUrl: string;
  /** Base64 of the CA that signed the manager's serving certificate. */
  caBundle: string;
}

/** The CRD files config/crd/kustomization.yaml lists (the release installs exactly those). */
export function crdFilesOf(crdKustomization: string): string[] {
  const kustomization = loadYaml<Manifest>(crdKustomization);
  return ((kustomization.resources ?? []) as string[]).filter((r) => r.endsWith('.yaml'));
}

/**
 * The webhook configurations, one Mutating and one Validating. Every webhook
 * keeps its path, rules and side effects; failurePolicy is Fail except for the
 * DELETE-only validations (upstream Ignore: a stopped manager must not block
 * deleting objects). The pod webhook is Fail here (upstream Ignore) so that a
 * test never passes on a pod the webhook did not see.
 */
export function webhookConfigurations(webhookManifests: string, target: WebhookTarget): Manifest[] {
  return (loadAllYaml(webhookManifests) as Manifest[])
    .filter((doc) => doc && /WebhookConfiguration$/.test(String(doc.kind)))
    .map((doc) => ({
      apiVersion: doc.apiVersion,
      kind: doc.kind,
      metadata: { name: `${OPERATOR_NAME_PREFIX}${doc.metadata.name}` },
      webhooks: (doc.webhooks as Manifest[]).map((hook) => {
        const { service, ...clientConfig } = hook.clientConfig as Manifest;
        const deleteOnly = (hook.rules as Manifest[]).every((rule) => (rule.operations as string[]).every((op) => op === 'DELETE'));
        return {
          ...hook,
          clientConfig: { ...clientConfig, url: `${target.baseUrl}${service.path}`, caBundle: target.caBundle },
          failurePolicy: deleteOnly ? 'Ignore' : 'Fail',
        };
      }),
    }));
}

/** A CRD with the conversion webhook of a config/crd/patches/webhook_in_*.yaml patch pointed at the manager. */
export function withConversionWebhook(crd: Manifest, patch: Manifest | undefined, target: WebhookTarget): Manifest {
  const conversion = patch?.spec?.conversion as Manifest | undefined;
  if (!conversion || patch?.metadata?.name !== crd.metadata?.name) return crd;
  const { service } = conversion.webhook.clientConfig as Manifest;
  return {
    ...crd,
    spec: {
      ...crd.spec,
      conversion: {
        strategy: conversion.strategy,
        webhook: {
          conversionReviewVersions: conversion.webhook.conversionReviewVersions,
          clientConfig: { url: `${target.baseUrl}${service.path}`, caBundle: target.caBundle },
        },
      },
    },
  };
}
