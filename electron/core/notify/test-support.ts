// Real infrastructure for notification tests: an SMTP server (smtp-server, mail parsed with
// mailparser) and an HTTP endpoint (node:http) standing in for Twilio, SNS and webhooks.
// Both listen on free loopback ports and are closed by their `close()`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  messageId: string | undefined;
  key: string | undefined;
  at: number;
}

/**
 * A local SMTP server. `rejectRcpt` answers RCPT TO for an address with a code (e.g. 550 or 451).
 * `stop()` closes the port (the server is down); `start()` opens the same port again.
 */
export class TestSmtpServer {
  readonly mails: ReceivedMail[] = [];
  port = 0;
  rejectRcpt = new Map<string, number>();
  private server: SMTPServer | null = null;
  private waiters: { n: number; resolve: () => void }[] = [];

  private make(): SMTPServer {
    return new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, cb) => {
        const code = this.rejectRcpt.get(address.address);
        if (code) {
          const err = new Error(code >= 500 ? 'mailbox unavailable' : 'try again later') as Error & { responseCode: number };
          err.responseCode = code;
          return cb(err);
        }
        cb();
      },
      onData: (stream, _session, cb) => {
        simpleParser(stream)
          .then((m: ParsedMail) => {
            const to = (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
            const key = m.headers.get('x-risk-desk-key');
            this.mails.push({ to, subject: m.subject ?? '', text: m.text ?? '', messageId: m.messageId, key: typeof key === 'string' ? key : undefined, at: Date.now() });
            this.waiters = this.waiters.filter((w) => (this.mails.length >= w.n ? (w.resolve(), false) : true));
            cb();
          })
          .catch(cb);
      },
    });
  }

  async start(): Promise<void> {
    const server = this.make();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Resolves once at least n mails arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.mails.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`expected ${n} mails, got ${this.mails.length}`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  static async open(): Promise<TestSmtpServer> {
    const s = new TestSmtpServer();
    await s.start();
    return s;
  }
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body as form fields (Twilio, SNS) or {} when not a form. */
  form: Record<string, string>;
  json: unknown;
  /** Epoch ms when the request was complete. */
  at: number;
}

export type Reply = { status: number; body: string; headers?: Record<string, string> };

/** A local HTTP endpoint recording every request and answering with `respond` (200 {} by default). */
export class TestHttpEndpoint {
  readonly requests: ReceivedRequest[] = [];
  respond: (r: ReceivedRequest) => Reply = () => ({ status: 200, body: '{}' });
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async open(): Promise<TestHttpEndpoint> {
    let endpoint: TestHttpEndpoint | null = null;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const type = req.headers['content-type'] ?? '';
        let json: unknown = null;
        if (type.includes('json')) {
          try {
            json = JSON.parse(body);
          } catch {
            json = null;
          }
        }
        const form = type.includes('x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : {};
        const r: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, form, json, at: Date.now() };
        endpoint!.requests.push(r);
        const reply = endpoint!.respond(r);
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    endpoint = new TestHttpEndpoint(server, `http://127.0.0.1:${port}`);
    return endpoint;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A Twilio-shaped reply to POST /2010-04-01/Accounts/{sid}/Messages.json. */
export function twilioReply(r: ReceivedRequest, n: number): Reply {
  return {
    status: 201,
    body: JSON.stringify({ sid: `SM${String(n).padStart(32, '0')}`, status: 'queued', to: r.form.To, from: r.form.From, body: r.form.Body }),
  };
}

/** An SNS Publish reply (AWS Query protocol, XML). */
export function snsReply(n: number): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>msg-${n}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${n}</RequestId></ResponseMetadata></PublishResponse>`,
  };
}
