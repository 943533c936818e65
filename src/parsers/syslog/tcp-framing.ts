// Framing for syslog over TCP (RFC 6587): octet counting (`<len> <msg>`) or newline-terminated
// frames, detected per frame the way rsyslog does (a frame starting with a digit is counted).
// Memory is bounded: a counted frame above the limit is skipped byte by byte without being held,
// a newline frame above it is rejected and skipped to its newline.

import type { Rejection } from '../../core/records.ts';
import { DEFAULT_MAX_LINE_BYTES, rejection } from './lines.ts';

export interface Frame {
  text: string;
  /** 1-based frame ordinal on this connection. */
  ordinal: number;
}

const MAX_LENGTH_DIGITS = 10;

type State =
  | { kind: 'start' }
  | { kind: 'length'; value: number; digits: number }
  | { kind: 'counted'; remaining: number; parts: Buffer[]; skip: boolean }
  | { kind: 'newline'; parts: Buffer[]; bytes: number; skip: boolean };

export class SyslogTcpFramer {
  private readonly peer: string;
  private readonly maxFrameBytes: number;
  private state: State = { kind: 'start' };
  private ordinal = 0;

  /** `peer` names the connection in rejections (e.g. `tcp:203.0.113.5:51000`). */
  constructor(peer = '<tcp>', maxFrameBytes = DEFAULT_MAX_LINE_BYTES) {
    this.peer = peer;
    this.maxFrameBytes = maxFrameBytes;
  }

  push(chunk: Buffer, rejections: Rejection[]): Frame[] {
    const out: Frame[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const s = this.state;
      switch (s.kind) {
        case 'start': {
          const c = chunk[pos]!;
          if (c === 10 || c === 13 || c === 0)
            pos++; // stray terminators between frames
          else if (c >= 48 && c <= 57) this.state = { kind: 'length', value: 0, digits: 0 };
          else this.state = { kind: 'newline', parts: [], bytes: 0, skip: false };
          break;
        }
        case 'length': {
          const c = chunk[pos]!;
          if (c >= 48 && c <= 57 && s.digits < MAX_LENGTH_DIGITS) {
            s.value = s.value * 10 + (c - 48);
            s.digits++;
            pos++;
          } else if (c === 32 && s.digits > 0) {
            pos++;
            const skip = s.value > this.maxFrameBytes;
            if (skip)
              rejections.push(rejection(this.peer, ++this.ordinal, 'frame-too-long', `${s.value} octets`));
            this.state = { kind: 'counted', remaining: s.value, parts: [], skip };
            if (s.value === 0) this.state = { kind: 'start' };
          } else {
            // Not octet counting after all (e.g. a message starting with a digit): newline framing.
            const head = Buffer.from(String(s.value).padStart(s.digits, '0'));
            this.state = { kind: 'newline', parts: [head], bytes: head.length, skip: false };
          }
          break;
        }
        case 'counted': {
          const take = Math.min(s.remaining, chunk.length - pos);
          if (!s.skip) s.parts.push(Buffer.from(chunk.subarray(pos, pos + take)));
          s.remaining -= take;
          pos += take;
          if (s.remaining === 0) {
            if (!s.skip) out.push({ text: trimEnd(Buffer.concat(s.parts)), ordinal: ++this.ordinal });
            this.state = { kind: 'start' };
          }
          break;
        }
        case 'newline': {
          const nl = chunk.indexOf(10, pos);
          const end = nl < 0 ? chunk.length : nl;
          if (!s.skip) {
            if (s.bytes + (end - pos) > this.maxFrameBytes) {
              const head = Buffer.concat([...s.parts, chunk.subarray(pos, end)]).toString('utf8');
              rejections.push(rejection(this.peer, ++this.ordinal, 'frame-too-long', head));
              s.skip = true;
              s.parts = [];
            } else {
              s.parts.push(Buffer.from(chunk.subarray(pos, end)));
              s.bytes += end - pos;
            }
          }
          pos = end;
          if (nl >= 0) {
            pos = nl + 1;
            if (!s.skip) out.push({ text: trimEnd(Buffer.concat(s.parts)), ordinal: ++this.ordinal });
            this.state = { kind: 'start' };
          }
          break;
        }
        default: {
          const never: never = s;
          throw new Error(`unreachable framing state ${String(never)}`);
        }
      }
    }
    return out;
  }

  /** At connection close: a newline frame without its newline is still a message; a cut counted frame is not. */
  end(rejections: Rejection[]): Frame[] {
    const s = this.state;
    this.state = { kind: 'start' };
    if (s.kind === 'newline' && !s.skip && s.bytes > 0) {
      return [{ text: trimEnd(Buffer.concat(s.parts)), ordinal: ++this.ordinal }];
    }
    if (s.kind === 'counted' && !s.skip) {
      rejections.push(
        rejection(this.peer, ++this.ordinal, 'truncated-frame', Buffer.concat(s.parts).toString('utf8')),
      );
    }
    return [];
  }
}

function trimEnd(b: Buffer): string {
  let n = b.length;
  while (n > 0 && (b[n - 1] === 10 || b[n - 1] === 13 || b[n - 1] === 0)) n--;
  return b.subarray(0, n).toString('utf8');
}
