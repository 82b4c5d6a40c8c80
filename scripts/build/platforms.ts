/**
 * Target platforms of the images. The JavaScript tree is the same on every
 * architecture; only the copy tool (`/bin/cp`) differs, so every platform is
 * built from one staging on the build machine, with no emulation.
 */
export interface Platform {
  /** Docker's spelling, e.g. "linux/arm64". */
  name: string;
  /** Docker's architecture, e.g. "arm64", "ppc64le". */
  arch: string;
  /** Debian's architecture of the same machines, e.g. "ppc64el". */
  debianArch: string;
  /** e_machine of the ELF executables of this architecture. */
  elfMachine: number;
}

export const PLATFORMS: readonly Platform[] = [
  { name: 'linux/amd64', arch: 'amd64', debianArch: 'amd64', elfMachine: 62 },
  { name: 'linux/arm64', arch: 'arm64', debianArch: 'arm64', elfMachine: 183 },
  { name: 'linux/s390x', arch: 's390x', debianArch: 's390x', elfMachine: 22 },
  { name: 'linux/ppc64le', arch: 'ppc64le', debianArch: 'ppc64el', elfMachine: 21 },
];

/** The platforms a pushed image covers when --platform is not given: all those Debian has a static busybox for. */
export const PUSH_DEFAULT_PLATFORMS = PLATFORMS.map((p) => p.name);

/** Node's process.arch to Docker's architecture. */
const NODE_ARCH_TO_DOCKER: Record<string, string> = { x64: 'amd64', arm64: 'arm64', s390x: 's390x', ppc64: 'ppc64le' };

export function hostPlatform(nodeArch: string = process.arch): Platform {
  const arch = NODE_ARCH_TO_DOCKER[nodeArch];
  const platform = PLATFORMS.find((p) => p.arch === arch);
  if (!platform) throw new Error(`this machine's architecture (${nodeArch}) is not one the images are built on: ${PLATFORMS.map((p) => p.name).join(', ')}`);
  return platform;
}

/** "linux/amd64,linux/arm64" (or "arm64") to platforms, in the given order, each once. */
export function parsePlatforms(value: string): Platform[] {
  const names = value.split(',').map((v) => v.trim()).filter(Boolean);
  if (names.length === 0) throw new Error('--platform names no platform');
  const chosen: Platform[] = [];
  for (const name of names) {
    const platform = PLATFORMS.find((p) => p.name === name || p.arch === name || `${p.name}/` === `${name}/`);
    if (!platform) throw new Error(`unsupported platform "${name}" in --platform; supported: ${PLATFORMS.map((p) => p.name).join(', ')}`);
    if (!chosen.includes(platform)) chosen.push(platform);
  }
  return chosen;
}

/** Without --platform: every platform when pushing (the registry holds an index), else the host's only. */
export function defaultPlatforms(push: boolean, host: Platform): Platform[] {
  return push ? PLATFORMS.filter((p) => PUSH_DEFAULT_PLATFORMS.includes(p.name)) : [host];
}

/** The tag of one platform's image inside a multi-platform build: "1.0.0-node20-linux-arm64". */
export function platformTag(tag: string, platform: Platform): string {
  return `${tag}-${platform.name.replace('/', '-')}`;
}
