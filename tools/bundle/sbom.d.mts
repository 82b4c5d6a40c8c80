// Types of sbom.mjs (see there).
export function contributingInputs(metafile: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }): Set<string>;
export function packagePathOf(file: string, depsDir: string): string | undefined;
export function makeSbom(options: { inputs: Iterable<string>; depsDir: string; lock: object; subject: object; tool: object }): object;
