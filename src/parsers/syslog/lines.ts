// Newline framing for every line-oriented log format (files, and syslog over TCP without octet
// counting): splits chunks into lines, carries a partial last line to the next chunk, strips a
// trailing CR, and bounds the line length. A line longer than the bound is rejected once (with
// its head as the sample) and skipped to its newline, never buffered whole.

import { MAX_REJECTED_TEXT, type Rejection } from '../../core/records.ts';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export interface Line {
  text: string;
  /** 1-based physical line number. */
  line: number;
}

export interface LineSplitterOptions {
  file?: string;
  maxLineBytes?: number;
}

export class LineSplitter {
  private readonly file: string;
  private readonly maxLineBytes: number;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private overlong = false;
  private lineNo = 0;

  constructor(options: LineSplitterOptions = {}) {
    this.file = options.file ?? '<input>';
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Physical lines completed so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** Complete lines of `chunk` (with any carried head); overlong lines go to `rejections`. */
  push(chunk: Buffer, rejections: Rejection[]): Line[] {
    const out: Line[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.hold(chunk.subarray(pos), rejections);
        break;
      }
      this.finish(chunk.subarray(pos, nl), out, rejections);
      pos = nl + 1;
    }
    return out;
  }

  /** The last line when the input did not end with a newline. */
  end(rejections: Rejection[]): Line[] {
    const out: Line[] = [];
    if (this.carryBytes > 0 || this.overlong) this.finish(Buffer.alloc(0), out, rejections);
    return out;
  }

  private hold(part: Buffer, rejections: Rejection[]): void {
    if (this.overlong) return;
    if (this.carryBytes + part.length > this.maxLineBytes) {
      this.rejectOverlong(Buffer.concat([...this.carry, part]), rejections);
      return;
    }
    this.carry.push(Buffer.from(part)); // copy: the caller may reuse its chunk buffer
    this.carryBytes += part.length;
  }

  private finish(tail: Buffer, out: Line[], rejections: Rejection[]): void {
    if (this.overlong) {
      this.overlong = false;
      return; // the rejection was recorded when the line overflowed; its number was counted then
    }
    let bytes = this.carryBytes > 0 ? Buffer.concat([...this.carry, tail]) : tail;
    this.carry = [];
    this.carryBytes = 0;
    this.lineNo++;
    if (bytes.length > this.maxLineBytes) {
      rejections.push(this.overlongRejection(bytes, this.lineNo));
      return;
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    out.push({ text: bytes.toString('utf8'), line: this.lineNo });
  }

  private rejectOverlong(head: Buffer, rejections: Rejection[]): void {
    this.lineNo++;
    rejections.push(this.overlongRejection(head, this.lineNo));
    this.carry = [];
    this.carryBytes = 0;
    this.overlong = true;
  }

  private overlongRejection(head: Buffer, line: number): Rejection {
    return {
      file: this.file,
      line,
      reason: 'line-too-long',
      text: head.subarray(0, MAX_REJECTED_TEXT).toString('utf8'),
    };
  }
}

/** A rejection with the text cut to the quarantine bound. */
export function rejection(file: string, line: number, reason: string, text: string): Rejection {
  return {
    file,
    line,
    reason,
    text: text.length > MAX_REJECTED_TEXT ? text.slice(0, MAX_REJECTED_TEXT) : text,
  };
}
