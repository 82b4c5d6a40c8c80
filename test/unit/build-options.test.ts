import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerBuildArgs, IMAGE_STAGES } from '../../scripts/build/image';
import { parseOptions, UsageError, type BuildOptions } from '../../scripts/build/options';
import { REPO } from '../../scripts/stage';
import { defaultPlatforms, hostPlatform, parsePlatforms, platformTag, PLATFORMS } from '../../scripts/build/platforms';
import { readVersions } from '../../scripts/versions';

const versions = readVersions();
const amd64 = hostPlatform('x64');
const parse = (...argv: string[]) => parseOptions(argv, {}, versions, amd64) as BuildOptions;

describe('build-multi-version options', () => {
  it('--offline and --registry go together: the mirror for images, the npm cache for packages', () => {
    const options = parse('--versions', '18,20,22', '--offline', '--registry', 'mirror.example.com');
    expect(options.offline).toBe(true);
    expect(options.registry).toBe('mirror.example.com/');
    expect(options.npmRegistry).toBeUndefined();
    expect(options.majors.map((e) => e.major)).toEqual([18, 20, 22]);
  });

  it('--npm-registry takes a URL, with --offline too, and refuses what is not one', () => {
    expect(parse('--offline', '--npm-registry', 'https://npm.example.com/repo').npmRegistry).toBe('https://npm.example.com/repo/');
    expect(() => parse('--npm-registry', 'npm.example.com')).toThrow(UsageError);
    expect(() => parse('--npm-registry', 'ftp://npm.example.com/')).toThrow(/http\(s\) URL/);
  });

  it('--registry takes HOST[:PORT][/PATH] and drops trailing slashes', () => {
    expect(parse('--registry', '127.0.0.1:5000').registry).toBe('127.0.0.1:5000/');
    expect(parse('--registry', 'mirror.example.com/dockerhub//').registry).toBe('mirror.example.com/dockerhub/');
    expect(() => parse('--registry', 'https://mirror.example.com')).toThrow(/HOST\[:PORT\]/);
  });

  it('--prefetch prepares a later --offline build, so it refuses --offline, --push and --stage-only', () => {
    expect(parse('--prefetch', '--registry', 'm.example').prefetch).toBe(true);
    expect(() => parse('--prefetch', '--offline')).toThrow(/while connected/);
    expect(() => parse('--prefetch', '--push')).toThrow(UsageError);
  });

  it('the universal image is built unless --no-universal', () => {
    expect(parse().universal).toBe(true);
    expect(parse('--no-universal').universal).toBe(false);
  });

  it('a recipe with a stage and build contexts: --target, and each context after the shared ones', () => {
    const options = parse('--platform', 'linux/arm64', '--dry-run');
    const facts = { version: '1.0.0', revision: 'HEAD', created: '2026-01-01T00:00:00Z', sourceDateEpoch: 1767225600, sourceDateOrigin: 'the commit time of HEAD', npmCache: '/npm' };
    const args = dockerBuildArgs({ stage: 'universal', buildArgs: { NODE_MAJORS: '18,20' }, contexts: { trees: '/tmp/trees' } }, { platform: options.platforms[0]!, reference: 'img:1.0.0' }, options, facts);
    expect(args.slice(args.indexOf('--target'), args.indexOf('--target') + 4)).toEqual(['--target', 'universal', '--tag', 'img:1.0.0']);
    expect(args).toContain('NODE_MAJORS=18,20');
    const contexts = args.filter((_, i) => args[i - 1] === '--build-context');
    expect(contexts[0]).toBe('npm-cache=/npm');
    expect(contexts[1]).toMatch(/^copy-tool=.*arm64/);
    expect(contexts[2]).toBe('trees=/tmp/trees');
    expect(args.at(-1)).toBe(REPO);
  });

  it('the image stages are never taken from the cache (a COPY cached at another source date keeps that date); --no-cache takes nothing from it', () => {
    const facts = { version: '1.0.0', revision: 'HEAD', created: '2026-01-01T00:00:00Z', sourceDateEpoch: 1767225600, sourceDateOrigin: 'the commit time of HEAD', npmCache: undefined };
    const argsOf = (options: BuildOptions) => dockerBuildArgs({ buildArgs: {} }, { platform: options.platforms[0]!, reference: 'img:1.0.0-node20' }, options, facts);
    const cached = argsOf(parse());
    expect(cached[cached.indexOf('--no-cache-filter') + 1]).toBe('image,universal');
    expect(cached).not.toContain('--no-cache');
    const fresh = argsOf(parse('--no-cache'));
    expect(fresh).toContain('--no-cache');
    expect(fresh).not.toContain('--no-cache-filter');
  });

  it('the Dockerfile names the stages that make images as the build script filters them', () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    for (const stage of IMAGE_STAGES) expect(dockerfile).toMatch(new RegExp(`^FROM scratch AS ${stage}$`, 'm'));
  });

  it('platforms: this machine only by default, all four with --push, or the ones named', () => {
    expect(parse().platforms.map((p) => p.name)).toEqual(['linux/amd64']);
    expect(parse('--push').platforms.map((p) => p.name)).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x', 'linux/ppc64le']);
    expect(parse('--platform', 'linux/arm64,amd64,linux/arm64').platforms.map((p) => p.name)).toEqual(['linux/arm64', 'linux/amd64']);
    expect(() => parse('--platform', 'linux/riscv64')).toThrow(/unsupported platform "linux\/riscv64"/);
  });
});

describe('platforms', () => {
  it('maps Node architectures to Docker platforms and Debian architectures', () => {
    expect(hostPlatform('arm64').name).toBe('linux/arm64');
    expect(PLATFORMS.find((p) => p.arch === 'ppc64le')?.debianArch).toBe('ppc64el');
    expect(() => hostPlatform('mips')).toThrow(/mips/);
    expect(parsePlatforms('s390x')[0]?.elfMachine).toBe(22);
  });

  it('names per-platform tags after the major tag', () => {
    expect(platformTag('1.0.0-node20', parsePlatforms('linux/arm64')[0]!)).toBe('1.0.0-node20-linux-arm64');
    expect(defaultPlatforms(false, amd64)).toEqual([amd64]);
  });
});
