/**
 * The node's network isolation: one iptables chain of ours, jumped to first
 * from FORWARD and OUTPUT, drops every packet to or from the cluster's ranges
 * that would leave through an interface other than the node's bridge (or the
 * loopback), and every packet still addressed to a Service IP that kube-proxy
 * did not translate. With pods given no default route, nothing the cluster
 * sends reaches another address.
 */
import { runCommand, runChecked } from '../scripts/child-process';
import { POD_CIDR, SERVICE_CIDR } from './network';
import { BRIDGE } from './node-network';

export const ISOLATION_CHAIN = 'COTEL-NODE-ISOLATION';
export const ISOLATION_HOOKS = ['FORWARD', 'OUTPUT'] as const;

/** The chain's rules, as `iptables -A <chain>` arguments, in order. */
export function isolationRules(): string[][] {
  return [
    ['-o', 'lo', '-j', 'RETURN'],
    ['-s', POD_CIDR, '!', '-o', BRIDGE, '-j', 'DROP'],
    ['-d', POD_CIDR, '!', '-o', BRIDGE, '-j', 'DROP'],
    ['-d', SERVICE_CIDR, '-j', 'DROP'],
  ];
}

/** The same rules as `iptables -S <chain>` prints them (how the test reads them back). */
export function expectedListing(): string[] {
  return [`-N ${ISOLATION_CHAIN}`, ...isolationRules().map((rule) => `-A ${ISOLATION_CHAIN} ${rule.join(' ')}`)];
}

async function iptables(args: string[]): Promise<void> {
  await runChecked('iptables', ['-w', ...args]);
}

async function succeeds(args: string[]): Promise<boolean> {
  return (await runCommand('iptables', ['-w', ...args])).exitCode === 0;
}

/** Creates the chain afresh and makes its jump the first rule of each hook (run again after kube-proxy adds its own). */
export async function applyIsolation(): Promise<void> {
  if (!(await succeeds(['-S', ISOLATION_CHAIN]))) await iptables(['-N', ISOLATION_CHAIN]);
  await iptables(['-F', ISOLATION_CHAIN]);
  for (const rule of isolationRules()) await iptables(['-A', ISOLATION_CHAIN, ...rule]);
  await ensureJumpsFirst();
}

export async function ensureJumpsFirst(): Promise<void> {
  for (const hook of ISOLATION_HOOKS) {
    const first = (await runChecked('iptables', ['-w', '-S', hook])).stdout.split('\n')[1] ?? '';
    if (first === `-A ${hook} -j ${ISOLATION_CHAIN}`) continue;
    while (await succeeds(['-D', hook, '-j', ISOLATION_CHAIN])) {
      // Remove every older jump, then put one first.
    }
    await iptables(['-I', hook, '1', '-j', ISOLATION_CHAIN]);
  }
}

export async function removeIsolation(): Promise<void> {
  for (const hook of ISOLATION_HOOKS) {
    while (await succeeds(['-D', hook, '-j', ISOLATION_CHAIN])) {
      // Every jump of ours.
    }
  }
  if (await succeeds(['-S', ISOLATION_CHAIN])) {
    await iptables(['-F', ISOLATION_CHAIN]);
    await iptables(['-X', ISOLATION_CHAIN]);
  }
}

/** What is in the kernel now: the chain's listing and the first rule of each hook. */
export async function readIsolation(): Promise<{ chain: string[]; firstRules: Record<string, string> }> {
  const chain = await runCommand('iptables', ['-w', '-S', ISOLATION_CHAIN]);
  const firstRules: Record<string, string> = {};
  for (const hook of ISOLATION_HOOKS) {
    firstRules[hook] = (await runChecked('iptables', ['-w', '-S', hook])).stdout.split('\n')[1] ?? '';
  }
  return { chain: chain.exitCode === 0 ? chain.stdout.trim().split('\n') : [], firstRules };
}
