// The SBOM of a staged tree: a CycloneDX 1.5 JSON document listing every npm
// package that contributes bytes to the tree (esbuild's metafiles say which
// input files each output holds), with the version and integrity the major's
// lockfile pins. Deterministic (no timestamp or random serial), so the staged
// SBOM and the image's are byte-identical. It is written outside the tree:
// the operator copies /autoinstrumentation only.
import { readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** Input files (absolute) that put bytes into some output of an esbuild metafile. */
export function contributingInputs(metafile) {
  const files = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, info] of Object.entries(output.inputs)) {
      if (info.bytesInOutput > 0 && !input.includes(':')) files.add(resolve(input));
    }
  }
  return files;
}

/** "node_modules/@scope/name" of the innermost package a file belongs to, relative to depsDir, or undefined. */
export function packagePathOf(file, depsDir) {
  const rel = relative(depsDir, file).split(sep).join('/');
  if (rel.startsWith('..')) return undefined;
  const at = rel.lastIndexOf('node_modules/');
  if (at === -1) return undefined;
  const rest = rel.slice(at + 'node_modules/'.length).split('/');
  const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  return `${rel.slice(0, at)}node_modules/${name}`;
}

function purl(name, version) {
  return `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`;
}

function hashes(integrity) {
  const names = { sha512: 'SHA-512', sha384: 'SHA-384', sha256: 'SHA-256', sha1: 'SHA-1' };
  return (integrity ?? '').split(/\s+/).filter(Boolean).map((sri) => {
    const [alg, ...b64] = sri.split('-');
    return { alg: names[alg], content: Buffer.from(b64.join('-'), 'base64').toString('hex') };
  }).filter((h) => h.alg);
}

/**
 * @param {object} o
 * @param {Iterable<string>} o.inputs absolute input files of the tree (contributingInputs of every build)
 * @param {string} o.depsDir the installed dependency set (holds node_modules)
 * @param {object} o.lock the major's package-lock.json
 * @param {object} o.subject { name, version, major, nodeRange, sdkLine }
 * @param {object} o.tool { name, version } of the bundler
 */
export function makeSbom({ inputs, depsDir, lock, subject, tool }) {
  const files = new Map();
  for (const file of inputs) {
    const path = packagePathOf(file, depsDir);
    if (path) files.set(path, (files.get(path) ?? 0) + 1);
  }
  const components = [...files.keys()].sort().map((path) => {
    const locked = lock.packages?.[path];
    const manifest = JSON.parse(readFileSync(join(depsDir, path, 'package.json'), 'utf8'));
    if (!locked) throw new Error(`${path} is bundled but not in the lockfile of node ${subject.major}`);
    if (locked.version !== manifest.version) throw new Error(`${path}: installed ${manifest.version}, lockfile ${locked.version}`);
    const name = manifest.name;
    const slash = name.startsWith('@') ? name.indexOf('/') : -1;
    const license = locked.license ?? (typeof manifest.license === 'string' ? manifest.license : undefined);
    return {
      type: 'library',
      'bom-ref': purl(name, manifest.version),
      ...(slash > 0 ? { group: name.slice(0, slash), name: name.slice(slash + 1) } : { name }),
      version: manifest.version,
      purl: purl(name, manifest.version),
      hashes: hashes(locked.integrity),
      ...(license ? { licenses: [/^[\w.+-]+$/.test(license) ? { license: { id: license } } : { expression: license }] } : {}),
      properties: [
        { name: 'custom-otel:lockfile-path', value: path },
        { name: 'custom-otel:bundled-files', value: String(files.get(path)) },
      ],
    };
  });
  const unique = new Map(components.map((c) => [c['bom-ref'], c]));
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: tool.name, version: tool.version }] },
      component: {
        type: 'application',
        'bom-ref': `${subject.name}@${subject.version}-node${subject.major}`,
        name: subject.name,
        version: `${subject.version}-node${subject.major}`,
        description: `/autoinstrumentation of the image for Node ${subject.nodeRange} (SDK line ${subject.sdkLine})`,
      },
    },
    components: [...unique.values()],
  };
}
