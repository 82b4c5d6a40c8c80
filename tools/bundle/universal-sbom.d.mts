/** Types of universal-sbom.mjs (plain JavaScript, so the image build runs it without TypeScript). */
export function mergeTreeSboms(options: {
  trees: Array<{ major: number; nodeRange: string; sbom: unknown }>;
  subject: { name: string; version: string };
  treeRoot: string;
}): { bomFormat: 'CycloneDX'; specVersion: string; metadata: { component: { name: string; version: string } }; components: Array<Record<string, any>> };
