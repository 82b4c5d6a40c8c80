/** Types of sbom.mjs (plain JavaScript, so the image build runs it without TypeScript). */
export function contributingInputs(metafile: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }): Set<string>;
export function packagePathOf(file: string, depsDir: string): string | undefined;
export function makeSbom(options: {
  inputs: Iterable<string>;
  depsDir: string;
  lock: { packages?: Record<string, { version?: string; integrity?: string; license?: string }> };
  subject: { name: string; version: string; major: number; nodeRange: string; sdkLine: string };
  tool: { name: string; version: string };
}): { bomFormat: 'CycloneDX'; specVersion: string; components: Array<Record<string, unknown>> };
