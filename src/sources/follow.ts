// Following a growing log file (`ingest --follow PATH`), rotation-safe: the file is known by its
// inode and read from a byte offset. Each poll reads what was appended, up to the last complete
// line (a cut line is read again whole next time), so a saved offset always falls on a line
// boundary. When PATH names a new inode (logrotate moved the old file away and created a new
// one), the rest of the old file is read first, from the handle still open on it, then the new
// file from its start. A file that shrank under the same inode (truncated, `copytruncate`) is
// read again from its start. At start-up a saved position is resumed: on the same inode when
// PATH still is that file, else on the rotated file that still has that inode in the same
// directory (its rest first), else from the new file's start.

import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

export interface FollowPosition {
  inode: number;
  offset: number;
}

export interface FollowChunk {
  /** Complete lines (ending with a newline). */
  bytes: Buffer;
  /** Where the next read starts: save it once `bytes` is durably stored. */
  position: FollowPosition;
  /** Set on the first chunk after a rotation or truncation was noticed. */
  rotated?: 'rotated' | 'truncated';
}

const READ_BYTES = 1 << 20;

interface Open {
  fd: number;
  inode: number;
  offset: number;
}

function tryOpen(file: string): Open | null {
  try {
    const fd = openSync(file, 'r');
    return { fd, inode: Number(fstatSync(fd).ino), offset: 0 };
  } catch {
    return null;
  }
}

function inodeOf(file: string): number | null {
  try {
    return Number(statSync(file).ino);
  } catch {
    return null;
  }
}

/** The file in `dir` with this inode (a rotated log such as `auth.log.1`), if any. */
function findByInode(dir: string, inode: number): string | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  for (const n of names) if (inodeOf(path.join(dir, n)) === inode) return path.join(dir, n);
  return null;
}

/** Reads complete lines from `o` at its offset (at most READ_BYTES); empty when none is complete. */
function readLines(o: Open, maxLineBytes: number): Buffer {
  const buf = Buffer.allocUnsafe(READ_BYTES);
  const n = readSync(o.fd, buf, 0, READ_BYTES, o.offset);
  if (n === 0) return Buffer.alloc(0);
  const data = buf.subarray(0, n);
  const nl = data.lastIndexOf(10);
  if (nl < 0) {
    // No newline within READ_BYTES: an over-long line; hand it on whole so the parser rejects it.
    if (n >= Math.min(READ_BYTES, maxLineBytes)) {
      o.offset += n;
      return Buffer.from(data);
    }
    return Buffer.alloc(0);
  }
  o.offset += nl + 1;
  return Buffer.from(data.subarray(0, nl + 1));
}

export class FileFollower {
  private readonly file: string;
  private readonly maxLineBytes: number;
  private current: Open | null = null;
  private pendingRotation: 'rotated' | 'truncated' | undefined;

  constructor(file: string, start: FollowPosition | null, maxLineBytes = 64 * 1024) {
    this.file = file;
    this.maxLineBytes = maxLineBytes;
    const now = tryOpen(file);
    if (start === null || now === null) {
      this.current = now;
      return;
    }
    if (now.inode === start.inode) {
      now.offset = fstatSync(now.fd).size >= start.offset ? start.offset : 0;
      this.current = now;
      return;
    }
    // Rotated while we were not running: finish the old file if it is still beside the new one.
    const old = findByInode(path.dirname(file), start.inode);
    const oldOpen = old === null ? null : tryOpen(old);
    if (oldOpen !== null && oldOpen.inode === start.inode) {
      closeSync(now.fd);
      oldOpen.offset = start.offset;
      this.current = oldOpen;
    } else {
      this.current = now;
      this.pendingRotation = 'rotated';
    }
  }

  /** What was appended since the last call; null when nothing complete is there yet. */
  poll(): FollowChunk | null {
    for (let turn = 0; turn < 3; turn++) {
      if (this.current === null) {
        this.current = tryOpen(this.file);
        if (this.current === null) return null;
      }
      const o = this.current;
      const bytes = readLines(o, this.maxLineBytes);
      if (bytes.length > 0) return this.chunk(bytes);
      // Nothing new on the open file: has PATH moved on to another file, or shrunk?
      const inode = inodeOf(this.file);
      if (inode !== null && inode !== o.inode) {
        // A last line without a newline in the old file is taken as complete now.
        const rest = this.drainTail(o);
        closeSync(o.fd);
        this.current = tryOpen(this.file);
        this.pendingRotation = 'rotated';
        if (rest.length > 0) return this.chunk(rest);
        continue;
      }
      if (inode === o.inode && fstatSync(o.fd).size < o.offset) {
        o.offset = 0;
        this.pendingRotation = 'truncated';
        continue;
      }
      return null;
    }
    return null;
  }

  close(): void {
    if (this.current !== null) closeSync(this.current.fd);
    this.current = null;
  }

  private chunk(bytes: Buffer): FollowChunk {
    const o = this.current!;
    const out: FollowChunk = { bytes, position: { inode: o.inode, offset: o.offset } };
    if (this.pendingRotation !== undefined) out.rotated = this.pendingRotation;
    this.pendingRotation = undefined;
    return out;
  }

  private drainTail(o: Open): Buffer {
    const size = fstatSync(o.fd).size;
    if (size <= o.offset) return Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(Math.min(size - o.offset, this.maxLineBytes + 1));
    const n = readSync(o.fd, buf, 0, buf.length, o.offset);
    o.offset += n;
    return Buffer.concat([buf.subarray(0, n), Buffer.from('\n')]);
  }
}
