// The SBOM of the universal image: one CycloneDX 1.5 document holding every
// package of every tree, made from the SBOM each tree's own image carries
// (sbom.mjs). A package bundled into several trees is listed once per tree,
// as a scanner finds it once per location: its bom-ref is prefixed with the
// tree, its purl stays the package's, and the property
// custom-otel:tree-path says where it lies in the image. Deterministic: no
// timestamp, no serial number, trees in ascending major order.

/**
 * @param {object} o
 * @param {Array<{ major: number, nodeRange: string, sbom: any }>} o.trees each tree's own SBOM
 * @param {object} o.subject { name, version }
 * @param {string} o.treeRoot where the trees lie in the image, e.g. /autoinstrumentation
 */
export function mergeTreeSboms({ trees, subject, treeRoot }) {
  const sorted = [...trees].sort((a, b) => a.major - b.major);
  const tools = new Map();
  const components = [];
  for (const { major, sbom } of sorted) {
    if (sbom?.bomFormat !== 'CycloneDX' || !Array.isArray(sbom.components)) throw new Error(`the SBOM of node${major} is not a CycloneDX document with components`);
    for (const tool of sbom.metadata?.tools?.components ?? []) tools.set(`${tool.name}@${tool.version}`, tool);
    for (const component of sbom.components) {
      components.push({
        ...component,
        'bom-ref': `node${major}/${component['bom-ref'] ?? component.purl}`,
        properties: [...(component.properties ?? []), { name: 'custom-otel:tree-path', value: `${treeRoot}/node${major}` }],
      });
    }
  }
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      tools: { components: [...tools.values()] },
      component: {
        type: 'application',
        'bom-ref': `${subject.name}@${subject.version}`,
        name: subject.name,
        version: subject.version,
        description: `${treeRoot} of the universal image: the trees for Node ${sorted.map((t) => t.nodeRange).join(' || ')}`,
      },
    },
    components,
  };
}
