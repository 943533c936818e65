// Routes syslog messages (UDP datagrams, TCP frames) to the parser for their program: kernel and
// filterlog -> firewall flow rows, sshd -> auth events, nginx/apache -> http events, and anything
// from a configured Sakura router address -> the tolerant router parser. The syslog receivers
// call `message()` for each datagram or frame (after framing) and `drain()` on their own beat.
// Messages for no parser are counted, not rejected: a syslog feed carries every daemon's chatter.

import type { EventOutput } from '../../core/events.ts';
import type { ParseOutput } from '../../core/records.ts';
import { AccessLogParser } from '../access/parser.ts';
import type { PrefixActionsConfig } from '../iptables/actions.ts';
import { FirewallLogParser } from '../iptables/parser.ts';
import { SakuraRouterParser } from '../sakura-router/parser.ts';
import { isSshdProgram } from '../sshd/messages.ts';
import { SshdParser } from '../sshd/parser.ts';
import { parseSyslog } from './header.ts';
import { rejection } from './lines.ts';

export interface SyslogRouterOptions {
  /** Offset from UTC of RFC 3164 senders' clocks, minutes. Default 0. */
  utcOffsetMinutes?: number;
  /** Sender addresses (as the receiver sees them) that are Sakura VPC/VPN routers. */
  sakuraRouters?: readonly string[];
  /** Prefix -> verdict mapping for kernel LOG lines. */
  actions?: Partial<PrefixActionsConfig>;
  /** Program names routed to the access-log parser. Default nginx, apache, apache2, httpd. */
  webPrograms?: readonly string[];
}

export interface MessageOrigin {
  /** The input name in rejections, e.g. `syslog-udp:514`. */
  file: string;
  /** Datagram or frame ordinal. */
  line: number;
  /** Sender address, for the Sakura router match. */
  peer?: string;
}

export interface RouterCounters {
  firewall: number;
  sshd: number;
  web: number;
  sakura: number;
  /** Well-formed messages no parser wanted. */
  unrouted: number;
  /** Messages without a readable syslog header. */
  rejected: number;
}

export class SyslogRouter {
  private readonly utcOffsetMinutes: number;
  private readonly sakura: ReadonlySet<string>;
  private readonly web: ReadonlySet<string>;
  private readonly firewall: FirewallLogParser;
  private readonly sshd: SshdParser;
  private readonly access: AccessLogParser;
  private readonly router: SakuraRouterParser;
  private headerRejections: ParseOutput['rejections'] = [];
  readonly counters: RouterCounters = { firewall: 0, sshd: 0, web: 0, sakura: 0, unrouted: 0, rejected: 0 };

  constructor(options: SyslogRouterOptions = {}) {
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
    this.sakura = new Set(options.sakuraRouters ?? []);
    this.web = new Set(options.webPrograms ?? ['nginx', 'apache', 'apache2', 'httpd']);
    this.firewall = new FirewallLogParser({ actions: options.actions, referenceMs: 0 });
    this.sshd = new SshdParser({ referenceMs: 0 });
    this.access = new AccessLogParser();
    this.router = new SakuraRouterParser({ referenceMs: 0 });
  }

  /** One syslog message (without framing) received at `receivedMs` (Unix ms, from the injected clock). */
  message(text: string, receivedMs: number, origin: MessageOrigin): void {
    const receivedS = receivedMs / 1000;
    const h = parseSyslog(text, { referenceMs: receivedMs, utcOffsetMinutes: this.utcOffsetMinutes });
    if (origin.peer !== undefined && this.sakura.has(origin.peer)) {
      this.counters.sakura++;
      const msg = h.ok ? h.value.message : text;
      const time = h.ok && h.value.time !== null ? h.value.time : receivedS;
      const inferred =
        !h.ok || h.value.time === null
          ? ['time:receive-time']
          : h.value.format === 'rfc3164'
            ? ['time:year-and-zone']
            : [];
      this.router.message(msg, h.ok ? (h.value.host ?? origin.peer) : origin.peer, time, inferred, origin);
      return;
    }
    if (!h.ok) {
      this.counters.rejected++;
      this.headerRejections.push(rejection(origin.file, origin.line, h.reason, text));
      return;
    }
    const msg = h.value;
    const program = msg.program;
    if (program === 'kernel' || program === 'filterlog') {
      this.counters.firewall++;
      this.firewall.message(msg, { file: origin.file, line: origin.line, text }, receivedS);
    } else if (isSshdProgram(program)) {
      this.counters.sshd++;
      this.sshd.message(msg, receivedS);
    } else if (program !== null && this.web.has(program)) {
      this.counters.web++;
      this.access.message(msg.message, msg.host, origin);
    } else {
      this.counters.unrouted++;
    }
  }

  /** Everything produced since the last call: flow rows (partial batch included) and events. */
  drain(): { flows: ParseOutput; events: EventOutput } {
    const flows = this.firewall.drain(true);
    flows.rejections.push(...this.headerRejections);
    this.headerRejections = [];
    const a = this.sshd.drain();
    const b = this.access.drain();
    const c = this.router.drain();
    return {
      flows,
      events: {
        events: [...a.events, ...b.events, ...c.events],
        rejections: [...a.rejections, ...b.rejections, ...c.rejections],
      },
    };
  }
}
