// A real SMTP server in its own process for the e-mail tests: `node test-smtp-server.ts` listens
// on 127.0.0.1 (PORT, or an ephemeral port), prints {"port":N} on stdout, then one JSON line per mail
// received ({"from","to","raw"}). `REJECT=1` answers 451 to DATA (a temporary failure).

import { SMTPServer } from 'smtp-server';

const reject = process.env.REJECT === '1';
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      if (reject) {
        callback(Object.assign(new Error('try later'), { responseCode: 451 }));
        return;
      }
      const from = session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address;
      const to = session.envelope.rcptTo.map((r) => r.address);
      process.stdout.write(`${JSON.stringify({ from, to, raw: Buffer.concat(chunks).toString('utf8') })}\n`);
      callback();
    });
  },
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.server.address();
  process.stdout.write(
    `${JSON.stringify({ port: addr !== null && typeof addr === 'object' ? addr.port : 0 })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
