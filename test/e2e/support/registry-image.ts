/**
 * Reads images straight from a registry's HTTP API (plain HTTP, as our local
 * registries on 127.0.0.1 serve it): the index under a tag, each platform's
 * manifest and config, and each platform's filesystem from its layers. The
 * engine's classic image store holds one platform per name, so a
 * multi-platform image is judged where it really lives.
 */
import { gunzipSync } from 'node:zlib';
import { readTarEntries, type TreeEntry } from './tar-entries';

export const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
}

async function get(url: string, accept: string[]): Promise<Response> {
  const response = await fetch(url, { headers: { accept: accept.join(', ') } });
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

export interface ServedIndex {
  mediaType: string;
  /** What the registry says the tag's digest is (Docker-Content-Digest). */
  digest: string;
  manifests: Descriptor[];
}

export async function fetchIndex(host: string, repository: string, tag: string): Promise<ServedIndex> {
  const response = await get(`http://${host}/v2/${repository}/manifests/${tag}`, [...INDEX_TYPES, ...MANIFEST_TYPES]);
  const body = (await response.json()) as { mediaType: string; manifests?: Descriptor[] };
  return { mediaType: body.mediaType, digest: response.headers.get('docker-content-digest') ?? '', manifests: body.manifests ?? [] };
}

export interface PlatformImage {
  entries: TreeEntry[];
  /** A file's bytes, by its path in the image (no leading "/"). */
  file(path: string): Buffer;
  architecture: string;
}

/** Finds a file's content in an uncompressed tar (ustar names, as our layers have). */
function fileInTar(archive: Buffer, wanted: string): Buffer | undefined {
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const body = archive.subarray(offset + 512, offset + 512 + size);
    const prefix = field(345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1];
    } else if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
    } else {
      name = name.replace(/^\.?\//, '');
      if (name === wanted && (type === '0' || type === '')) return Buffer.from(body);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

export async function fetchPlatformImage(host: string, repository: string, manifest: Descriptor): Promise<PlatformImage> {
  const body = (await (await get(`http://${host}/v2/${repository}/manifests/${manifest.digest}`, MANIFEST_TYPES)).json()) as { config: Descriptor; layers: Descriptor[] };
  const config = (await (await get(`http://${host}/v2/${repository}/blobs/${body.config.digest}`, ['*/*'])).json()) as { architecture: string };
  const layers: Buffer[] = [];
  for (const layer of body.layers) {
    const blob = Buffer.from(await (await get(`http://${host}/v2/${repository}/blobs/${layer.digest}`, ['*/*'])).arrayBuffer());
    layers.push(layer.mediaType.endsWith('gzip') ? gunzipSync(blob) : blob);
  }
  return {
    entries: layers.flatMap((layer) => readTarEntries(layer)),
    architecture: config.architecture,
    file(path: string) {
      for (const layer of [...layers].reverse()) {
        const found = fileInTar(layer, path);
        if (found) return found;
      }
      throw new Error(`${path} is in no layer of ${repository}@${manifest.digest}`);
    },
  };
}
