// The nftables responder: the attacker's address goes into a set with a timeout, and one chain
// (hooked at prerouting, so it covers traffic to the host and through it) drops what comes from
// the set. The kernel lifts the block itself when the timeout passes; undo deletes the element
// earlier. Runs `nft` on this host, or inside a network namespace via `ip netns exec`.

import { execFile } from 'node:child_process';
import { isIP, isIPv4 } from 'node:net';
import { promisify } from 'node:util';
import type { z } from 'zod';
import type { nftablesResponderSchema } from './config.ts';
import { RespondError, type Responder } from './responder.ts';

type NftablesOptions = z.infer<typeof nftablesResponderSchema>;

const run = promisify(execFile);

/** The ruleset the responder needs; `add` is idempotent in nftables, so this runs before each action. */
export function nftSetup(table: string): string {
  return [
    `add table inet ${table}`,
    `add set inet ${table} blocked4 { type ipv4_addr; flags timeout; }`,
    `add set inet ${table} blocked6 { type ipv6_addr; flags timeout; }`,
    `add chain inet ${table} drop_blocked { type filter hook prerouting priority -200; policy accept; }`,
    `flush chain inet ${table} drop_blocked`,
    `add rule inet ${table} drop_blocked ip saddr @blocked4 counter drop`,
    `add rule inet ${table} drop_blocked ip6 saddr @blocked6 counter drop`,
  ].join('\n');
}

export function createNftablesResponder(o: NftablesOptions): Responder {
  const nft = async (script: string): Promise<void> => {
    const [cmd, args] =
      o.netns === null ? [o.command, ['-f', '-']] : ['ip', ['netns', 'exec', o.netns, o.command, '-f', '-']];
    const child = run(cmd, args, { timeout: 10_000 });
    child.child.stdin?.end(`${script}\n`);
    try {
      await child;
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr ?? '';
      throw new RespondError(`nft failed: ${stderr.trim() || (e as Error).message}`);
    }
  };
  const setOf = (ip: string): string => (isIPv4(ip) ? 'blocked4' : 'blocked6');
  return {
    name: o.name,
    kind: 'nftables',
    describe: (t) =>
      `add ${t.ip} to nftables set inet ${o.table} ${setOf(t.ip)} with timeout ${t.durationSeconds}s${o.netns ? ` in netns ${o.netns}` : ''}`,
    async apply(t) {
      if (isIP(t.ip) === 0) throw new RespondError(`'${t.ip}' is not an IP address`);
      // A second block of the same address only refreshes its timeout.
      await nft(
        `${nftSetup(o.table)}\nadd element inet ${o.table} ${setOf(t.ip)} { ${t.ip} timeout ${t.durationSeconds}s }`,
      );
      return { table: o.table, set: setOf(t.ip) };
    },
    async undo(t) {
      try {
        await nft(`delete element inet ${o.table} ${setOf(t.ip)} { ${t.ip} }`);
      } catch (e) {
        // Already expired (the kernel removed it): the block is gone, which is what undo wants.
        if (!/No such file|does not exist|not found/i.test((e as Error).message)) throw e;
      }
    },
  };
}
