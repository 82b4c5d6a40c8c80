/**
 * The iptables chains the node's programs leave behind once stopped: the
 * kubelet's (KUBE-FIREWALL, KUBE-KUBELET-CANARY, KUBE-IPTABLES-HINT), what
 * `kube-proxy --cleanup` leaves, and CNI portmap's (CNI-*). On these machines
 * the Docker engine runs with --iptables=false, so every KUBE-* and CNI-* chain
 * is the node's own.
 */
import { runCommand, runChecked } from '../scripts/child-process';

export const NODE_CHAIN_PREFIXES = ['KUBE-', 'CNI-'] as const;
const TABLES = ['filter', 'nat', 'mangle'] as const;

/** `iptables -S` arguments back into an argument list (its comments are double-quoted). */
export function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] as string)));
}

/** Rules jumping to a chain, then the chains themselves, in every table. */
export async function removeNodeChains(prefixes: readonly string[] = NODE_CHAIN_PREFIXES): Promise<string[]> {
  const removed: string[] = [];
  for (const table of TABLES) {
    const rules = (await runChecked('iptables', ['-w', '-t', table, '-S'])).stdout.split('\n');
    const ours = (chain: string): boolean => prefixes.some((p) => chain.startsWith(p));
    const chains = rules.filter((r) => r.startsWith('-N ')).map((r) => r.slice(3)).filter(ours);
    for (const rule of rules.filter((r) => r.startsWith('-A '))) {
      const args = splitRule(rule.slice(3));
      const target = args[args.indexOf('-j') + 1] ?? '';
      // Jumps from chains that are not ours (INPUT, OUTPUT, ...) to chains that are.
      if (ours(target) && !ours(args[0] ?? '')) await runCommand('iptables', ['-w', '-t', table, '-D', ...args]);
    }
    for (const chain of chains) await runCommand('iptables', ['-w', '-t', table, '-F', chain]);
    for (const chain of chains) {
      if ((await runCommand('iptables', ['-w', '-t', table, '-X', chain])).exitCode === 0) removed.push(`${table}/${chain}`);
    }
  }
  return removed;
}

/** Every chain of the node's programs still in the kernel, as table/chain. */
export async function nodeChainsLeft(prefixes: readonly string[] = NODE_CHAIN_PREFIXES): Promise<string[]> {
  const left: string[] = [];
  for (const table of TABLES) {
    const rules = (await runChecked('iptables', ['-w', '-t', table, '-S'])).stdout.split('\n');
    for (const rule of rules.filter((r) => r.startsWith('-N '))) {
      if (prefixes.some((p) => rule.slice(3).startsWith(p))) left.push(`${table}/${rule.slice(3)}`);
    }
  }
  return left;
}
