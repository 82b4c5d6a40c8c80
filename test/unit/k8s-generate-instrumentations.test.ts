import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { defaultsFile, parseImageArgument, perMajorComponent, PER_MAJOR_COMPONENT, renderInstrumentations } from '../../tools/k8s/generate-instrumentations';
import { defaultImage, releaseImages, UNIVERSAL } from '../../tools/k8s/built-images';
import { readVersions } from '../../scripts/versions';
import type { Instrumentation } from '../../tools/k8s/instrumentation-types';
import { REPO_ROOT } from '../../scripts/repository';

const root = REPO_ROOT;
const documentsOf = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Instrumentation);

describe('renderInstrumentations', () => {
  const images = [
    { major: 22, image: 'custom-otel-autoinstrumentation-nodejs:1.0.0-node22' },
    { major: 18, image: 'custom-otel-autoinstrumentation-nodejs:1.0.0-node18' },
  ];

  it('renders one Instrumentation per image, ordered by major, configured for our distro', () => {
    const [first, second, ...rest] = documentsOf(renderInstrumentations(images));
    expect(rest).toEqual([]);
    expect(first?.metadata).toMatchObject({ name: 'nodejs-18', namespace: 'otel-demo' });
    expect(second?.metadata.name).toBe('nodejs-22');
    expect(second?.spec).toEqual({
      exporter: { endpoint: 'http://otel-collector.otel-demo.svc.cluster.local:4317' },
      propagators: ['tracecontext', 'baggage'],
      sampler: { type: 'parentbased_traceidratio', argument: '1' },
      resource: { resourceAttributes: { 'deployment.environment.name': 'demo' } },
      nodejs: {
        image: 'custom-otel-autoinstrumentation-nodejs:1.0.0-node22',
        env: [
          { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'grpc' },
          { name: 'CUSTOM_OTEL_SLOW_THRESHOLD_MS', value: '100' },
          { name: 'CUSTOM_OTEL_HEALTH_PATHS', value: '/health,/healthz,/ready,/readyz,/livez' },
          { name: 'CUSTOM_OTEL_SPAN_ATTRIBUTES', value: 'deployment.environment=demo' },
        ],
        resourceRequirements: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
        volumeLimitSize: '50Mi',
      },
    });
  });

  it('follows the options', () => {
    const [doc] = documentsOf(
      renderInstrumentations([{ major: 20, image: 'r/i:1-node20' }], { namespace: 'apps', namePrefix: 'node', samplerArgument: '0.25', imagePullPolicy: 'Always' }),
    );
    expect(doc?.metadata).toMatchObject({ name: 'node20', namespace: 'apps' });
    expect(doc?.spec.exporter?.endpoint).toBe('http://otel-collector.apps.svc.cluster.local:4317');
    expect(doc?.spec.sampler?.argument).toBe('0.25');
    expect(doc?.spec.imagePullPolicy).toBe('Always');
  });

  it('renders the universal image as Instrumentation nodejs, first, with the same configuration', () => {
    const [first, second, third] = documentsOf(renderInstrumentations([...images, { major: UNIVERSAL, image: 'custom-otel-autoinstrumentation-nodejs:1.0.0' }]));
    expect(first?.metadata).toMatchObject({ name: 'nodejs', namespace: 'otel-demo', labels: { 'node-major': 'universal' } });
    expect(first?.spec.nodejs?.image).toBe('custom-otel-autoinstrumentation-nodejs:1.0.0');
    expect({ ...first?.spec, nodejs: { ...first?.spec.nodejs, image: '' } }).toEqual({ ...third?.spec, nodejs: { ...third?.spec.nodejs, image: '' } });
    expect([second?.metadata.name, third?.metadata.name]).toEqual(['nodejs-18', 'nodejs-22']);
    expect(parseImageArgument('universal=r/i:1')).toEqual({ major: UNIVERSAL, image: 'r/i:1' });
    expect(defaultImage(UNIVERSAL, '1.2.3')).toBe('custom-otel-autoinstrumentation-nodejs:1.2.3');
  });

  it('refuses bad input, naming it', () => {
    expect(() => renderInstrumentations([{ major: UNIVERSAL, image: 'a' }, { major: UNIVERSAL, image: 'b' }])).toThrow('the universal image is listed twice');
    expect(() => renderInstrumentations([])).toThrow('no images given');
    expect(() => renderInstrumentations([{ major: 20, image: 'a' }, { major: 20, image: 'b' }])).toThrow('Node 20 is listed twice');
    expect(() => renderInstrumentations([{ major: 20, image: ' ' }])).toThrow('image for Node 20 is empty');
    expect(() => renderInstrumentations([{ major: 0, image: 'a' }])).toThrow('major 0 is not a positive integer');
    expect(() => parseImageArgument('node20')).toThrow('argument "node20" is not <major>=<image>');
  });
});

describe('the committed defaults', () => {
  it('are exactly what the renderer produces for node-versions (no drift): the universal one in k8s/kustomization.yaml, the per-major ones in their component', () => {
    const images = releaseImages();
    expect(images.map((i) => i.major)).toEqual([UNIVERSAL, ...readVersions().map((v) => v.major)]);
    const kustomization = parse(readFileSync(join(root, 'k8s/kustomization.yaml'), 'utf8')) as { resources: string[] };
    const component = readFileSync(join(root, PER_MAJOR_COMPONENT, 'kustomization.yaml'), 'utf8');
    expect(component, 'the component is stale: run npx tsx scripts/generate.ts').toBe(perMajorComponent(images));
    expect(parse(component)).toMatchObject({ kind: 'Component', resources: images.filter((i) => i.major !== UNIVERSAL).map((i) => `nodejs-${i.major}.yaml`) });
    for (const image of images) {
      const file = defaultsFile(image.major);
      expect(readFileSync(join(root, file), 'utf8'), `${file} is stale: run npx tsx scripts/generate.ts`).toBe(
        renderInstrumentations([image]),
      );
    }
    expect(kustomization.resources).toContain('instrumentations/nodejs.yaml');
    expect(kustomization.resources.filter((r) => r.includes('nodejs-'))).toEqual([]);
  });
});

describe('the release images', () => {
  it('are the universal one, <package name>:<version>, then one per major of node-versions/versions.json, named <package name>:<version>-node<major>', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(releaseImages()).toEqual([
      { major: UNIVERSAL, image: `${manifest.name}:${manifest.version}` },
      ...readVersions().map(({ major }) => ({ major, image: `${manifest.name}:${manifest.version}-node${major}` })),
    ]);
  });
});

describe('the CLI', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-generate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one file for the images a build produced', () => {
    const out = join(dir, 'generated.yaml');
    execFileSync(join(root, 'node_modules/.bin/tsx'), ['tools/k8s/generate-instrumentations.ts', '--out', out, '20=r/i:1.0.0-node20', '22=r/i:1.0.0-node22'], {
      cwd: root,
      stdio: 'pipe',
    });
    expect(documentsOf(readFileSync(out, 'utf8')).map((d) => d.spec.nodejs?.image)).toEqual(['r/i:1.0.0-node20', 'r/i:1.0.0-node22']);
  });

  it('fails with the usage on bad arguments', () => {
    let message = '';
    try {
      execFileSync(join(root, 'node_modules/.bin/tsx'), ['tools/k8s/generate-instrumentations.ts', 'twenty'], { cwd: root, stdio: 'pipe' });
    } catch (error) {
      message = String((error as { stderr: Buffer }).stderr);
    }
    expect(message).toContain('argument "twenty" is not <major>=<image>');
  });
});
