/**
 * kubectl against this cluster: .cluster/bin/kubectl, a wrapper `up` writes
 * around the built kubectl with the admin kubeconfig (a --kubeconfig given
 * later on its command line wins).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runCommand, runChecked, type CommandOptions, type CommandResult } from '../scripts/child-process';
import { KUBECONFIG, KUBECTL_LINK } from './layout';

export function writeKubectlWrapper(kubectlBinary: string): void {
  mkdirSync(dirname(KUBECTL_LINK), { recursive: true });
  writeFileSync(KUBECTL_LINK, `#!/bin/sh\n# Written by npm run cluster -- up: the cluster's own kubectl, with its admin kubeconfig.\nexec '${kubectlBinary}' --kubeconfig '${KUBECONFIG}' "$@"\n`);
  chmodSync(KUBECTL_LINK, 0o755);
}

export function kubectl(args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  return runCommand(KUBECTL_LINK, args, options);
}

export function kubectlChecked(args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  return runChecked(KUBECTL_LINK, args, options);
}
