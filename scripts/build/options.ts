/**
 * The command line of ./build-multi-version, parsed once into BuildOptions.
 * Pure: no file but --ca-file is looked at, nothing is run.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VersionEntry } from '../versions';
import { defaultPlatforms, hostPlatform, parsePlatforms, type Platform } from './platforms';

export const HELP = `Usage: ./build-multi-version [options]

Builds custom-otel-autoinstrumentation-nodejs images, one per Node major, from
the Dockerfile and node-versions/<major>/, then writes one Instrumentation per
built image to k8s/generated/instrumentations.yaml (by digest after --push).
On a fresh clone it first runs \`npm ci\` for its own tooling.

Options:
  --versions 18,20,22     Node majors to build (default: every major in node-versions/)
  --image NAME            image repository (default: custom-otel-autoinstrumentation-nodejs)
  --tag TAG               image tag; "{major}" in it is replaced by the major, and with
                          several majors and no "{major}", "-node<major>" is appended
                          (default: <distribution version>-node<major>, e.g. 1.0.0-node20)
  --registry HOST[/PATH]  your organisation's mirror of Docker Hub: base images
                          (node:<major>-bookworm-slim, busybox:stable) come from there,
                          or from the local engine when already there
  --offline               nothing is fetched from the internet: base images only from the
                          local engine or the --registry mirror, npm packages only from the
                          local npm cache or the --npm-registry mirror, the copy tool of
                          other platforms only from the local cache. Whatever is missing
                          stops the build before it starts, naming it, where it was looked
                          for, and the command that fetches it
  --npm-registry URL      npm registry (mirror) to install packages from; allowed with --offline
  --prefetch              prepare a later --offline build while connected, then stop: fill the
                          npm cache with every package of the chosen majors, pull the base
                          images (from --registry, else Docker Hub; made locally from Debian
                          packages when no registry answers), fetch the copy tool of each
                          --platform
  --platform P1,P2        platforms to build (linux/amd64, linux/arm64, linux/s390x,
                          linux/ppc64le); several make one image index per major. Default:
                          all four with --push, else this machine's. Without --push each
                          platform's image is tagged <tag>-<os>-<arch> and the engine keeps
                          this machine's under <tag>
  --retries N             retries of every network step: pulls, npm, push (default: 2)
  --retry-delay SECONDS   wait between retries (default: 5)
  --push                  push each built image (to the registry its name names)
  --parallel N            majors built at the same time (default: 1)
  --ca-file FILE          CA bundle npm must trust inside the build (default: $NODE_EXTRA_CA_CERTS)
  --no-cache              build every layer afresh (docker build --no-cache)
  --dry-run               print every command, run none
  --no-universal          skip the universal image (<image>:<version>, every chosen major's
                          tree, picked at start-up), built by default after the per-major ones
  --stage-only            only stage the trees (no Docker): DIR/node<major>/ holds exactly
                          what the image holds under /autoinstrumentation, and
                          DIR/node<major>.cdx.json its SBOM (DIR/universal/ and
                          DIR/universal.cdx.json those of the universal image)
  --out DIR               with --stage-only: where the trees go (required)
  -h, --help              this text

With no Docker engine answering, it starts one (scripts/docker/ensure-engine.sh, as root).
Every time in the images is SOURCE_DATE_EPOCH (default: the commit time of HEAD), so a
rebuild of the same commit with the same inputs gives the same image digest.

--offline with --registry is the air-gapped build: the mirror is the only
place images come from, the npm cache (or --npm-registry) the only place
packages come from, and nothing else is contacted.

Examples:
  ./build-multi-version                                      # every major, this machine's platform
  ./build-multi-version --versions 18,20,22 --offline --registry mirror.example.com
  ./build-multi-version --versions 18,20,22 --prefetch --registry mirror.example.com   # while connected
  ./build-multi-version --offline --npm-registry https://npm.example.com/ --registry mirror.example.com
  ./build-multi-version --image registry.example.com/otel/nodejs --push --platform linux/amd64,linux/arm64
  ./build-multi-version --versions 20 --stage-only --out /tmp/stage`;

export interface BuildOptions {
  majors: VersionEntry[];
  image: string;
  tag: string | undefined;
  /** Prefix of base image references: "" or "mirror.example.com/dockerhub/". */
  registry: string;
  offline: boolean;
  npmRegistry: string | undefined;
  prefetch: boolean;
  platforms: Platform[];
  /** This machine's platform, where the tree is staged. */
  host: Platform;
  retries: number;
  retryDelay: number;
  push: boolean;
  parallel: number;
  caFile: string | undefined;
  noCache: boolean;
  dryRun: boolean;
  stageOnly: boolean;
  out: string | undefined;
  /** Also the universal image (or tree) of the chosen majors. */
  universal: boolean;
}

export class UsageError extends Error {}

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`${name} takes a whole number >= ${min}, not "${value}"`);
  return Number(value);
}

function npmRegistryUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--npm-registry takes a URL such as https://npm.example.com/, not "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--npm-registry takes an http(s) URL, not "${value}"`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, versions: VersionEntry[], host: Platform = hostPlatform()): BuildOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      versions: { type: 'string' },
      image: { type: 'string' },
      tag: { type: 'string' },
      registry: { type: 'string' },
      offline: { type: 'boolean' },
      'npm-registry': { type: 'string' },
      prefetch: { type: 'boolean' },
      platform: { type: 'string' },
      retries: { type: 'string' },
      'retry-delay': { type: 'string' },
      push: { type: 'boolean' },
      parallel: { type: 'string' },
      'ca-file': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'stage-only': { type: 'boolean' },
      out: { type: 'string' },
      'no-universal': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const supported = versions.map((v) => v.major);
  const requested = values.versions === undefined ? supported : values.versions.split(',').map((v) => v.trim()).filter(Boolean).map(Number);
  const unknown = (values.versions ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '' && !supported.includes(Number(v)));
  if (unknown.length > 0 || requested.length === 0) {
    throw new UsageError(`unsupported Node major ${unknown.join(', ') || '(none given)'} in --versions; supported: ${supported.join(', ')}`);
  }
  if (values['stage-only'] && !values.out) throw new UsageError('--stage-only needs --out DIR');
  if (values.out && !values['stage-only']) throw new UsageError('--out goes with --stage-only');
  if (values.prefetch && values.offline) throw new UsageError('--prefetch fetches what a later --offline build needs: run it without --offline, while connected');
  if (values.prefetch && (values.push || values['stage-only'])) throw new UsageError('--prefetch only prepares; it goes with neither --push nor --stage-only');
  if (values.registry !== undefined && !/^[\w.-]+(:\d+)?(\/[\w./-]*)?$/.test(values.registry)) {
    throw new UsageError(`--registry takes HOST[:PORT][/PATH] (e.g. mirror.example.com/dockerhub), not "${values.registry}"`);
  }
  if (values['ca-file'] !== undefined && !existsSync(values['ca-file'])) throw new UsageError(`--ca-file ${values['ca-file']} does not exist`);
  const caFile = values['ca-file'] ?? env.NODE_EXTRA_CA_CERTS;
  let platforms: Platform[];
  try {
    platforms = values.platform === undefined ? defaultPlatforms(values.push ?? false, host) : parsePlatforms(values.platform);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return {
    majors: versions.filter((v) => requested.includes(v.major)),
    image: values.image ?? 'custom-otel-autoinstrumentation-nodejs',
    tag: values.tag,
    registry: values.registry ? values.registry.replace(/\/+$/, '') + '/' : '',
    offline: values.offline ?? false,
    npmRegistry: npmRegistryUrl(values['npm-registry']),
    prefetch: values.prefetch ?? false,
    platforms,
    host,
    retries: wholeNumber('--retries', values.retries, 2, 0),
    retryDelay: wholeNumber('--retry-delay', values['retry-delay'], 5, 0),
    push: values.push ?? false,
    parallel: wholeNumber('--parallel', values.parallel, 1, 1),
    caFile: caFile && existsSync(caFile) ? caFile : undefined,
    noCache: values['no-cache'] ?? false,
    dryRun: values['dry-run'] ?? false,
    stageOnly: values['stage-only'] ?? false,
    out: values.out,
    universal: !values['no-universal'],
  };
}

export function imageTag(options: Pick<BuildOptions, 'tag' | 'majors'>, version: string, major: number): string {
  if (options.tag === undefined) return `${version}-node${major}`;
  if (options.tag.includes('{major}')) return options.tag.replaceAll('{major}', String(major));
  return options.majors.length > 1 ? `${options.tag}-node${major}` : options.tag;
}
