/** The line of k8s/README.md that says which operator release the preview and our manifests are checked against. */
export function checkedAgainstLine(operatorVersion: string, podShapes: number): string {
  return `Checked against OpenTelemetry Operator ${operatorVersion} on a real API server (\`npm test\`, project \`cluster\`: ${podShapes} pod shapes admitted by the operator's webhook and by the preview agree).`;
}
