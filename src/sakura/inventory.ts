// Inventory sync: servers (each NIC's address, MAC and packet filter), switches and VPC/VPN
// routers of every zone become assets in DATA_DIR/sakura-inventory.yaml, which loadAssets merges
// under the operator's own inventory.yaml. A private-switch address comes from `UserIPAddress`,
// which only *displays* an address (SAKURA.md §4): it gets its own asset tagged
// `sakura:ip-display-only`, or `sakura:ip-seen` once observed traffic has used it.

import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Inventory, InventoryAsset } from '../assets/inventory.ts';
import { normaliseEntry } from '../intel/entry.ts';
import type { SakuraClient } from './client.ts';
import { type ApplianceJson, type InterfaceJson, type ServerJson, type SwitchJson, idText } from './types.ts';

export const SAKURA_INVENTORY_FILE = 'sakura-inventory.yaml';

export interface SakuraSnapshot {
  zone: string;
  servers: ServerJson[];
  switches: SwitchJson[];
  routers: ApplianceJson[];
}

export interface SyncReport {
  zones: string[];
  servers: number;
  routers: number;
  switches: number;
  assets: number;
  displayOnly: number;
  seen: number;
  /** Resources or addresses that could not be used (missing id, invalid address...). */
  skipped: string[];
}

export async function fetchSnapshot(client: SakuraClient, zone: string): Promise<SakuraSnapshot> {
  const servers = await client.findAll<ServerJson>(zone, 'server', 'Servers');
  const switches = await client.findAll<SwitchJson>(zone, 'switch', 'Switches');
  const routers = await client.findAll<ApplianceJson>(zone, 'appliance', 'Appliances', {
    Class: 'vpcrouter',
  });
  return { zone, servers, switches, routers };
}

/** The upstream kind the official client derives from a NIC (IAAS `InterfaceView`). */
export function upstreamOf(nic: InterfaceJson): 'none' | 'shared' | 'switch' | 'router' {
  const sw = nic.Switch;
  if (!sw) return 'none';
  if (sw.Scope === 'shared') return 'shared';
  if (!sw.Subnet) return 'switch';
  return 'router';
}

const validIp = (s: string | null | undefined): s is string =>
  typeof s === 'string' && s !== '' && normaliseEntry(s).ok && !s.includes('/');

/**
 * The global networks our servers sit in (the shared segment's subnets, router-connected
 * subnets): detection treats them as external unless `detection.scope.internalCidrs` lists them.
 */
export function globalNetworks(snapshots: readonly SakuraSnapshot[]): string[] {
  const out = new Set<string>();
  for (const snap of snapshots)
    for (const s of snap.servers)
      for (const nic of s.Interfaces ?? []) {
        const up = upstreamOf(nic);
        const net = nic.Switch?.Subnet;
        if ((up !== 'shared' && up !== 'router') || !net?.NetworkAddress || net.NetworkMaskLen === undefined)
          continue;
        const cidr = `${net.NetworkAddress}/${net.NetworkMaskLen}`;
        if (normaliseEntry(cidr).ok) out.add(cidr);
      }
  return [...out].sort();
}

/** Builds the synced inventory; `seen(ip)` says whether observed traffic used a display-only address. */
export function buildSakuraInventory(
  snapshots: readonly SakuraSnapshot[],
  seen: (ip: string) => boolean = () => false,
): { inventory: Inventory; report: SyncReport } {
  const assets: InventoryAsset[] = [];
  const used = new Set<string>();
  const report: SyncReport = {
    zones: snapshots.map((s) => s.zone),
    servers: 0,
    routers: 0,
    switches: 0,
    assets: 0,
    displayOnly: 0,
    seen: 0,
    skipped: [],
  };
  const claim = (key: string): boolean => {
    if (used.has(key)) return false;
    used.add(key);
    return true;
  };
  const add = (a: Omit<InventoryAsset, 'owner'>): void => {
    if (a.addresses.length + a.interfaces.length === 0) return;
    assets.push({ ...a, owner: null });
  };
  for (const snap of snapshots) {
    const base = (kind: string, id: string, tags: readonly string[] | undefined): string[] => [
      ...(tags ?? []).filter((t) => typeof t === 'string' && t !== ''),
      'sakura',
      `zone:${snap.zone}`,
      `sakura-${kind}:${id}`,
    ];
    for (const s of snap.servers) {
      const id = idText(s.ID);
      if (id === '' || !s.Name) {
        report.skipped.push(`server without id or name in ${snap.zone}`);
        continue;
      }
      report.servers++;
      const tags = base('server', id, s.Tags);
      const addresses: string[] = [];
      const interfaces: string[] = [];
      const notes: string[] = [];
      for (const nic of s.Interfaces ?? []) {
        const nicId = idText(nic.ID);
        if (nicId !== '' && claim(`i:${nicId}`)) interfaces.push(nicId);
        const up = upstreamOf(nic);
        const pf = nic.PacketFilter?.Name ? ` packet filter ${nic.PacketFilter.Name}` : '';
        if (validIp(nic.IPAddress) && (up === 'shared' || up === 'router')) {
          if (claim(`a:${nic.IPAddress}`)) addresses.push(nic.IPAddress);
          notes.push(`${nic.IPAddress} (${up}${nic.MACAddress ? `, ${nic.MACAddress}` : ''}${pf})`);
        } else if (validIp(nic.UserIPAddress) && claim(`a:${nic.UserIPAddress}`)) {
          const observed = seen(nic.UserIPAddress);
          report.displayOnly++;
          if (observed) report.seen++;
          add({
            name: s.Name,
            addresses: [nic.UserIPAddress],
            interfaces: [],
            tags: [...tags, observed ? 'sakura:ip-seen' : 'sakura:ip-display-only'],
            description: `${nic.UserIPAddress} on switch ${nic.Switch?.Name ?? '?'}${nic.MACAddress ? ` (${nic.MACAddress})` : ''}: the API only displays this address (UserIPAddress)${observed ? '; observed traffic used it' : ''}`,
          });
        }
      }
      add({
        name: s.Name,
        addresses,
        interfaces,
        tags,
        description: `Sakura Cloud server ${id} in ${snap.zone}${notes.length > 0 ? `: ${notes.join('; ')}` : ''}`,
      });
    }
    for (const r of snap.routers) {
      const id = idText(r.ID);
      if (id === '' || !r.Name) continue;
      report.routers++;
      const addresses: string[] = [];
      const ips = [
        ...(r.Interfaces ?? []).map((n) => n.IPAddress),
        ...(r.Settings?.Router?.Interfaces ?? []).flatMap((i) => [
          ...(i?.IPAddress ?? []),
          i?.VirtualIPAddress,
        ]),
      ];
      for (const ip of ips) if (validIp(ip) && claim(`a:${ip}`)) addresses.push(ip);
      add({
        name: r.Name,
        addresses,
        interfaces: [],
        tags: base('router', id, r.Tags),
        description: `Sakura Cloud VPC/VPN router ${id} in ${snap.zone}`,
      });
    }
    for (const sw of snap.switches) {
      const id = idText(sw.ID);
      if (id === '' || !sw.Name) continue;
      report.switches++;
      const cidrs = (sw.Subnets ?? [])
        .map((n) => `${n.NetworkAddress ?? ''}/${n.NetworkMaskLen ?? ''}`)
        .filter((c) => normaliseEntry(c).ok && claim(`a:${c}`));
      add({
        name: `switch ${sw.Name}`,
        addresses: cidrs,
        interfaces: [],
        tags: base('switch', id, sw.Tags),
        description: `Sakura Cloud switch ${id} in ${snap.zone}`,
      });
    }
  }
  report.assets = assets.length;
  return { inventory: { version: 1, assets }, report };
}

/** Writes the synced inventory atomically (a reader never sees half a file). */
export async function writeSakuraInventory(
  dataDir: string,
  inventory: Inventory,
  atIso: string,
): Promise<string> {
  const file = path.join(dataDir, SAKURA_INVENTORY_FILE);
  const text = `# Written by \`sakura-guard sakura sync\` at ${atIso}; edits are overwritten by the next sync.\n# Put your own assets in inventory.yaml: they win over these.\n${stringify(inventory)}`;
  await writeFile(`${file}.tmp`, text, 'utf8');
  await rename(`${file}.tmp`, file);
  return file;
}

/** Which of these display-only addresses observed traffic used (e.g. storeObserved in observed.ts). */
export type ObservedAddresses = (ips: readonly string[]) => Promise<ReadonlySet<string>>;

export async function syncInventory(
  client: SakuraClient,
  dataDir: string,
  atIso: string,
  observed?: ObservedAddresses,
): Promise<{ file: string; report: SyncReport; snapshots: SakuraSnapshot[] }> {
  const snapshots: SakuraSnapshot[] = [];
  for (const zone of client.zones) snapshots.push(await fetchSnapshot(client, zone));
  const candidates = snapshots.flatMap((s) =>
    s.servers.flatMap((v) => (v.Interfaces ?? []).map((n) => n.UserIPAddress).filter(validIp)),
  );
  const seen =
    observed === undefined || candidates.length === 0 ? new Set<string>() : await observed(candidates);
  const { inventory, report } = buildSakuraInventory(snapshots, (ip) => seen.has(ip));
  const file = await writeSakuraInventory(dataDir, inventory, atIso);
  return { file, report, snapshots };
}
