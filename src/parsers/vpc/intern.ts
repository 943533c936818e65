// Interning of repeated tokens (interface ids, account ids, VPC ids...) straight from bytes, so a
// batch of millions of rows holds a few thousand distinct strings and the hot loop does not decode
// the same bytes again. Open addressing over a byte arena; when full it starts over (bounded).

const SLOTS = 1 << 15;
const MAX_ENTRIES = SLOTS >> 1;
const ARENA_BYTES = 1 << 20;
/** Longer tokens (ARNs are ~100 bytes) are still interned; anything longer is decoded each time. */
const MAX_KEY = 256;
/** Callers of token() that may ask it to try their previous token first. */
export const MEMOS = 64;

export class Interner {
  private readonly hashes = new Int32Array(SLOTS);
  private readonly offsets = new Int32Array(SLOTS).fill(-1);
  private readonly lengths = new Int32Array(SLOTS);
  private readonly values: (string | null)[] = new Array<string | null>(SLOTS).fill(null);
  private readonly arena = Buffer.allocUnsafe(ARENA_BYTES);
  /** Per-caller slot of the last token returned (token()'s `memo`), -1 when none. */
  private readonly memoSlots = new Int32Array(MEMOS).fill(-1);
  /** Slot of the key lookup() found or stored last (-1 for keys too long to keep). */
  private lastSlot = -1;
  private used = 0;
  private entries = 0;
  private readonly transform: ((raw: string) => string | null) | null;

  /** `transform` maps the decoded text once per distinct key (e.g. IPv6 canonicalisation). */
  constructor(transform: ((raw: string) => string | null) | null = null) {
    this.transform = transform;
  }

  /** Where the last token read by `token()` ended. */
  end = 0;

  /** The string for buf[start, end), or null when `transform` rejected it. */
  get(buf: Buffer, start: number, end: number): string | null {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    return this.lookup(buf, start, end, h);
  }

  /**
   * Reads the space-terminated token at `start` (hashing while scanning); sets `end`. With a
   * `memo` (0 to MEMOS - 1, one per column; -1 for none), the token that column had last time is compared
   * first: a column that repeats one value (account id) then costs one byte compare, no hash.
   */
  token(buf: Buffer, start: number, lineEnd: number, memo = -1): string | null {
    if (memo >= 0) {
      const slot = this.memoSlots[memo]!;
      const off = slot < 0 ? -1 : this.offsets[slot]!;
      if (off >= 0) {
        const len = this.lengths[slot]!;
        const stop = start + len;
        // Cheap rejections first: the token's end, and its last byte (ids differ at the end).
        if (
          stop <= lineEnd &&
          (stop === lineEnd || buf[stop] === 32) &&
          (len === 0 || buf[stop - 1] === this.arena[off + len - 1])
        ) {
          const arena = this.arena;
          let i = start;
          while (i < stop && buf[i] === arena[off + i - start]) i++;
          if (i === stop) {
            this.end = stop;
            return this.values[slot] ?? null;
          }
        }
      }
    }
    const value = this.scan(buf, start, lineEnd);
    if (memo >= 0) this.memoSlots[memo] = this.lastSlot;
    return value;
  }

  private scan(buf: Buffer, start: number, lineEnd: number): string | null {
    let h = 0x811c9dc5 | 0;
    let i = start;
    for (; i < lineEnd; i++) {
      const c = buf[i]!;
      if (c === 32) break;
      h = Math.imul(h ^ c, 0x01000193);
    }
    this.end = i;
    return this.lookup(buf, start, i, h);
  }

  private lookup(buf: Buffer, start: number, end: number, h: number): string | null {
    const len = end - start;
    this.lastSlot = -1;
    if (len > MAX_KEY) return this.decode(buf, start, end);
    let slot = h & (SLOTS - 1);
    const arena = this.arena;
    while (true) {
      const off = this.offsets[slot]!;
      if (off < 0) break;
      if (this.hashes[slot] === h && this.lengths[slot] === len) {
        let same = true;
        for (let i = 0; i < len; i++) {
          if (arena[off + i] !== buf[start + i]) {
            same = false;
            break;
          }
        }
        if (same) {
          this.lastSlot = slot;
          return this.values[slot] ?? null;
        }
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    const value = this.decode(buf, start, end);
    if (this.entries >= MAX_ENTRIES || this.used + len > ARENA_BYTES) {
      this.reset();
      slot = h & (SLOTS - 1);
    }
    buf.copy(arena, this.used, start, end);
    this.hashes[slot] = h;
    this.offsets[slot] = this.used;
    this.lengths[slot] = len;
    this.values[slot] = value;
    this.used += len;
    this.entries++;
    this.lastSlot = slot;
    return value;
  }

  private decode(buf: Buffer, start: number, end: number): string | null {
    const raw = buf.toString('utf8', start, end);
    return this.transform ? this.transform(raw) : raw;
  }

  private reset(): void {
    this.offsets.fill(-1);
    this.values.fill(null);
    this.used = 0;
    this.entries = 0;
  }
}
