// Types of attribute-cycle-check.mjs (see there).
export const CORE_ATTRIBUTES_FILE: RegExp;
export function cycleSetOnObjectsOnly(source: string): string | undefined;
