// IP validity and CIDR membership as plain DuckDB SQL over address text: this DuckDB has no inet
// extension (and we download none).
// - IPv4: the dotted text is checked by regex, turned into a number with split_part arithmetic
//   (TRY_CAST, so non-IPv4 text yields NULL instead of an error) and compared with the network's
//   first and last address.
// - IPv6: the text is expanded to 32 lower-case hex digits ("::" filled, groups zero-padded).
//   Fixed-width hex sorts like the number it spells, so membership is a BETWEEN on that text.
//   Embedded-IPv4 spellings (::ffff:1.2.3.4) are valid but never match a subnet; the store
//   writes canonical hex-only text (src/core/ip.ts), so stored addresses are unaffected.
// The CIDR is a literal known at compile time; its bounds become bound parameters.

import { parseIpv4, parseIpv6Groups } from '../core/ip.ts';
import type { IpColumns } from './fields.ts';

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_RE = `${OCTET}(\\.${OCTET}){3}`;
const HEX = '[0-9a-fA-F]{1,4}';
const IPV6_FULL_RE = `(${HEX}:){7}${HEX}`;
const IPV6_COMPRESSED_RE = `((${HEX}:)*${HEX})?::((${HEX}:)*${HEX})?`;

/** Adds a bound parameter and returns its placeholder. */
export type Bind = (value: string | number) => string;

export function ipv4ValidSql(s: string): string {
  return `regexp_full_match(${s}, '${IPV4_RE}')`;
}

function hexOnlyIpv6ValidSql(s: string): string {
  return (
    `(regexp_full_match(${s}, '${IPV6_FULL_RE}') OR ` +
    `(regexp_full_match(${s}, '${IPV6_COMPRESSED_RE}') AND len(regexp_extract_all(${s}, '[0-9a-fA-F]+')) <= 7))`
  );
}

export function ipv6ValidSql(s: string): string {
  // An IPv4 tail counts as two groups: check the rest with "0:0" in its place.
  const tail = `regexp_extract(${s}, ':([^:]*)$', 1)`;
  const withoutTail = `regexp_replace(${s}, '[^:]*$', '0:0')`;
  return (
    `(CASE WHEN strpos(${s}, '.') > 0 THEN ${ipv4ValidSql(tail)} AND ${hexOnlyIpv6ValidSql(withoutTail)} ` +
    `ELSE ${hexOnlyIpv6ValidSql(s)} END)`
  );
}

export function ipValidSql(s: string): string {
  return `(${ipv4ValidSql(s)} OR ${ipv6ValidSql(s)})`;
}

/** The address as an unsigned number, or NULL when a part is not a number. */
function ipv4NumberSql(s: string): string {
  const parts = [16777216, 65536, 256, 1].map(
    (scale, i) => `TRY_CAST(split_part(${s}, '.', ${i + 1}) AS BIGINT) * ${scale}`,
  );
  return `(${parts.join(' + ')})`;
}

/** IPv6 text (hex-only spelling) as 32 lower-case hex digits. Garbage in gives garbage, never an error. */
export function ipv6HexSql(s: string): string {
  const lower = `lower(${s})`;
  const present = `len(list_filter(string_split(${lower}, ':'), lambda g: g <> ''))`;
  const filled = `trim(replace(${lower}, '::', ':' || repeat('0:', greatest(0, 8 - ${present}))), ':')`;
  return `array_to_string(list_transform(string_split(${filled}, ':'), lambda g: lpad(g, 4, '0')), '')`;
}

export type Cidr = { family: 4; first: number; last: number } | { family: 6; first: string; last: string };

/** Parses "a.b.c.d/n" or "x::/n" (a bare address means /32 or /128); null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  if (prefixText !== undefined && !/^[0-9]{1,3}$/.test(prefixText)) return null;
  const v4 = parseIpv4(address);
  if (v4 >= 0) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    if (prefix > 32) return null;
    const size = 2 ** (32 - prefix);
    const first = Math.floor(v4 / size) * size;
    return { family: 4, first, last: first + size - 1 };
  }
  const groups = parseIpv6Groups(address);
  if (groups === null) return null;
  const prefix = prefixText === undefined ? 128 : Number(prefixText);
  if (prefix > 128) return null;
  let bits = groups.map((g) => g.toString(2).padStart(16, '0')).join('');
  bits = bits.slice(0, prefix);
  const toHex = (b: string): string =>
    (b.match(/.{4}/g) ?? []).map((nibble) => parseInt(nibble, 2).toString(16)).join('');
  return { family: 6, first: toHex(bits.padEnd(128, '0')), last: toHex(bits.padEnd(128, '1')) };
}

/**
 * The same test on the store's fast columns (`src_ip4` UINTEGER / `src_ip6` canonical text):
 * an integer range for IPv4, no text parsing at all.
 */
export function inSubnetColumnsSql(columns: IpColumns, cidr: Cidr, bind: Bind): string {
  switch (cidr.family) {
    case 4:
      return `(${columns.v4} BETWEEN ${bind(cidr.first)} AND ${bind(cidr.last)})`;
    case 6:
      return inSubnetSql(columns.v6, cidr, bind);
  }
}

/** SQL that is true when the address text `s` lies in `cidr`. */
export function inSubnetSql(s: string, cidr: Cidr, bind: Bind): string {
  switch (cidr.family) {
    case 4:
      return `(${ipv4ValidSql(s)} AND ${ipv4NumberSql(s)} BETWEEN ${bind(cidr.first)} AND ${bind(cidr.last)})`;
    case 6:
      return (
        `(strpos(${s}, '.') = 0 AND ${hexOnlyIpv6ValidSql(s)} AND ` +
        `${ipv6HexSql(s)} BETWEEN ${bind(cidr.first)} AND ${bind(cidr.last)})`
      );
  }
}
