/** The table a build ends with: Markdown, so it can be pasted into a README as it is. */

export interface Outcome {
  major: number;
  /** The first column when not the major (another kind of image, e.g. one holding several majors). */
  name?: string;
  /** image:tag, or the staged tree's directory. */
  reference: string;
  ok: boolean;
  seconds: number;
  sizeBytes?: number;
  files?: number;
  /** Where the SBOM is: a path inside the image, or a file beside the staged tree. */
  sbom?: string;
  /** Platforms of the image (several: one index). */
  platforms?: string[];
  /** name:tag@sha256:... after --push. */
  pinned?: string;
  error?: string;
}

export function summary(outcomes: readonly Outcome[], stageOnly: boolean): string {
  const mb = (bytes?: number) => (bytes === undefined ? '-' : `${(bytes / 1e6).toFixed(1)} MB`);
  const rows = [
    ['major', stageOnly ? 'tree' : 'image:tag', 'size', 'files', 'seconds', 'result', 'sbom', 'platforms'],
    ...outcomes.map((o) => [
      o.name ?? String(o.major),
      o.reference,
      mb(o.sizeBytes),
      o.files === undefined ? '-' : String(o.files),
      o.seconds.toFixed(1),
      o.ok ? 'ok' : `FAILED: ${o.error}`,
      o.sbom ?? '-',
      o.platforms?.join(',') ?? '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}
