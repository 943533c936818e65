// Real receivers on 127.0.0.1 for the sink and router tests: an HTTP server standing in for
// Slack/Teams/Discord/webhooks (it can answer an error status or be stopped and restarted on
// the same port), and UDP and TCP syslog listeners.

import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Status answered to every request (200 by default). */
  status: number;
  /** Close the listening socket (connections are refused until start()). */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startHttpReceiver(
  accept: (r: ReceivedRequest) => number | undefined = () => undefined,
): Promise<HttpReceiver> {
  let server: http.Server | null = null;
  const r: HttpReceiver = {
    url: '',
    port: 0,
    requests: [],
    status: 200,
    async start() {
      const s = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const got = {
            path: req.url ?? '',
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          };
          const status = accept(got) ?? r.status;
          if (status < 300) r.requests.push(got);
          res
            .writeHead(status, { 'content-type': 'text/plain', connection: 'close' })
            .end(status < 300 ? 'ok' : 'no');
        });
      });
      await new Promise<void>((resolve) => s.listen(r.port, '127.0.0.1', resolve));
      const addr = s.address();
      if (addr !== null && typeof addr === 'object') r.port = addr.port;
      r.url = `http://127.0.0.1:${r.port}/hook/secret-path`;
      server = s;
    },
    async stop() {
      const s = server;
      server = null;
      if (s === null) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  await r.start();
  return r;
}

export interface LineReceiver {
  port: number;
  lines: string[];
  close(): Promise<void>;
}

export async function startUdpReceiver(): Promise<LineReceiver> {
  const socket = dgram.createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (m) => lines.push(m.toString('utf8')));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    lines,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** Newline-framed TCP syslog. */
export async function startTcpReceiver(): Promise<LineReceiver & { raw: () => string }> {
  let raw = '';
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('data', (d: Buffer) => {
      raw += d.toString('utf8');
      const parts = raw.split('\n');
      lines.length = 0;
      lines.push(...parts.slice(0, -1));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    port: addr !== null && typeof addr === 'object' ? addr.port : 0,
    lines,
    raw: () => raw,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `ok()` or the bound runs out (count-bounded; nothing about timing is asserted). */
export async function waitFor(ok: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
}
