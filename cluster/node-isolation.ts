/**
 * The node's network isolation: one iptables chain of ours, jumped to first
 * from mangle POSTROUTING, where every packet the machine sends or forwards
 * passes with its final output interface and after kube-proxy's Service
 * translation (and where neither the kubelet nor kube-proxy put rules, so no
 * ACCEPT of theirs can come first). It drops every packet from or to the
 * cluster's ranges that would leave through an interface other than the node's
 * bridge (or the loopback), and every packet still addressed to a Service IP
 * that kube-proxy did not translate. With pods given no default route, nothing
 * the cluster sends reaches another address.
 */
import { runCommand, runChecked } from '../scripts/child-process';
import { POD_CIDR, SERVICE_CIDR } from './network';
import { BRIDGE } from './node-network';

export const ISOLATION_TABLE = 'mangle';
export const ISOLATION_HOOK = 'POSTROUTING';
export const ISOLATION_CHAIN = 'COTEL-NODE-ISOLATION';

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

const JUMP = `-A ${ISOLATION_HOOK} -j ${ISOLATION_CHAIN}`;

async function iptables(args: string[]): Promise<void> {
  await runChecked('iptables', ['-w', '-t', ISOLATION_TABLE, ...args]);
}

async function succeeds(args: string[]): Promise<boolean> {
  return (await runCommand('iptables', ['-w', '-t', ISOLATION_TABLE, ...args])).exitCode === 0;
}

async function listing(chain: string): Promise<string[] | undefined> {
  const result = await runCommand('iptables', ['-w', '-t', ISOLATION_TABLE, '-S', chain]);
  return result.exitCode === 0 ? result.stdout.trim().split('\n') : undefined;
}

/** Creates the chain afresh and makes its jump the hook's first rule. */
export async function applyIsolation(): Promise<void> {
  if (!(await listing(ISOLATION_CHAIN))) await iptables(['-N', ISOLATION_CHAIN]);
  await iptables(['-F', ISOLATION_CHAIN]);
  for (const rule of isolationRules()) await iptables(['-A', ISOLATION_CHAIN, ...rule]);
  if ((await listing(ISOLATION_HOOK))?.[1] === JUMP) return;
  while (await succeeds(['-D', ISOLATION_HOOK, '-j', ISOLATION_CHAIN])) {
    // Every older jump goes; one goes first.
  }
  await iptables(['-I', ISOLATION_HOOK, '1', '-j', ISOLATION_CHAIN]);
}

export async function removeIsolation(): Promise<void> {
  while (await succeeds(['-D', ISOLATION_HOOK, '-j', ISOLATION_CHAIN])) {
    // Every jump of ours.
  }
  if (await listing(ISOLATION_CHAIN)) {
    await iptables(['-F', ISOLATION_CHAIN]);
    await iptables(['-X', ISOLATION_CHAIN]);
  }
}

/** What is in the kernel now: the chain's listing (empty when absent) and the hook's first rule. */
export async function readIsolation(): Promise<{ chain: string[]; firstRule: string }> {
  return { chain: (await listing(ISOLATION_CHAIN)) ?? [], firstRule: (await listing(ISOLATION_HOOK))?.[1] ?? '' };
}
