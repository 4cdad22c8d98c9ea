import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHttpEndpoint, TestSmtpServer, snsReply, twilioReply } from '../test-support';
import { EmailChannel } from './email';
import { SnsSmsChannel, TwilioSmsChannel } from './sms';
import { DeliveryError, type OutgoingMessage } from './types';
import { WebhookChannel } from './webhook';
import { DesktopChannel } from './desktop';
import type { DesktopNotification } from '../../ports';

const msg = (to: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  to,
  subject: '[CRITICAL] Global Macro: VaR 99% -6.12% breaches -5.00%',
  text: 'CRITICAL risk alert #42\nPortfolio: Global Macro',
  severity: 'CRITICAL',
  idempotencyKey: 'alert:42/triggered#0/step:0.0/email/c1',
  ...extra,
});

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}

describe('email channel against a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let email: EmailChannel;
  beforeAll(async () => {
    smtp = await TestSmtpServer.open();
    email = new EmailChannel({ host: '127.0.0.1', port: smtp.port, security: 'none', username: null, password: null, from: 'Risk Desk <risk@desk.example>' });
  });
  afterAll(async () => {
    await email.close();
    await smtp.stop();
  });

  it('delivers subject, body, a Message-ID derived from the idempotency key and the key header', async () => {
    const d = await email.send(msg('oncall@example.com'));
    await smtp.waitFor(1);
    const m = smtp.mails[0];
    expect(m.to).toEqual(['oncall@example.com']);
    expect(m.subject).toBe('[CRITICAL] Global Macro: VaR 99% -6.12% breaches -5.00%');
    expect(m.text).toContain('Portfolio: Global Macro');
    expect(m.key).toBe('alert:42/triggered#0/step:0.0/email/c1');
    expect(m.messageId).toBe(d.providerId);
    expect(m.messageId).toMatch(/^<[0-9a-f]{32}@desk\.example>$/);
  });

  it('tells a 5xx refusal (permanent) from a 4xx (transient)', async () => {
    smtp.rejectRcpt.set('gone@example.com', 550);
    smtp.rejectRcpt.set('busy@example.com', 451);
    const gone = await failure(email.send(msg('gone@example.com')));
    expect(gone.permanent).toBe(true);
    expect(gone.message).toMatch(/550/);
    const busy = await failure(email.send(msg('busy@example.com')));
    expect(busy.permanent).toBe(false);
    expect(busy.message).toMatch(/451/);
  });

  it('treats a refused connection as transient', async () => {
    const closed = await TestSmtpServer.open();
    const port = closed.port;
    await closed.stop();
    const ch = new EmailChannel({ host: '127.0.0.1', port, security: 'none', username: null, password: null, from: 'risk@desk.example' }, { timeoutMs: 2000 });
    const err = await failure(ch.send(msg('oncall@example.com')));
    expect(err.permanent).toBe(false);
    await ch.close();
  });
});

describe('SMS channels through the real SDKs, against a local endpoint', () => {
  let api: TestHttpEndpoint;
  beforeAll(async () => {
    api = await TestHttpEndpoint.open();
  });
  afterAll(() => api.close());

  it('Twilio: posts To, From and Body with basic auth and returns the message SID', async () => {
    api.requests.length = 0;
    api.respond = (r) => twilioReply(r, 1);
    const sms = new TwilioSmsChannel({ accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'tok-secret', from: '+15555550100', baseUrl: api.url });
    const d = await sms.send(msg('+15555550101', { text: 'CRITICAL #42 global_macro VaR 99% -6.12%' }));
    expect(d.providerId).toBe(`SM${'1'.padStart(32, '0')}`);
    const r = api.requests[0];
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json');
    expect(r.form).toMatchObject({ To: '+15555550101', From: '+15555550100', Body: 'CRITICAL #42 global_macro VaR 99% -6.12%' });
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from('AC0123456789abcdef0123456789abcdef:tok-secret').toString('base64')}`);
  });

  it('Twilio: a 400 (bad number) is permanent, a 503 and an unreachable API are transient', async () => {
    const sms = new TwilioSmsChannel({ accountSid: 'AC1', authToken: 't', from: '+15555550100', baseUrl: api.url });
    api.respond = () => ({ status: 400, body: JSON.stringify({ code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }) });
    const bad = await failure(sms.send(msg('+1555')));
    expect(bad.permanent).toBe(true);
    expect(bad.message).toMatch(/21211/);
    api.respond = () => ({ status: 503, body: JSON.stringify({ code: 20503, message: 'Service unavailable', status: 503 }) });
    expect((await failure(sms.send(msg('+15555550101')))).permanent).toBe(false);
    const down = new TwilioSmsChannel({ accountSid: 'AC1', authToken: 't', from: '+15555550100', baseUrl: 'http://127.0.0.1:1' });
    expect((await failure(down.send(msg('+15555550101')))).permanent).toBe(false);
  });

  it('SNS: publishes a transactional SMS to the phone number and returns the MessageId', async () => {
    api.requests.length = 0;
    api.respond = () => snsReply(7);
    const sns = new SnsSmsChannel({ region: 'eu-west-1', endpoint: api.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    const d = await sns.send(msg('+15555550101', { text: 'CRITICAL #42' }));
    expect(d.providerId).toBe('msg-7');
    const f = api.requests[0].form;
    expect(f).toMatchObject({ Action: 'Publish', PhoneNumber: '+15555550101', Message: 'CRITICAL #42' });
    expect(Object.values(f)).toContain('AWS.SNS.SMS.SMSType');
    expect(Object.values(f)).toContain('Transactional');
    expect(api.requests[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/sns\/aws4_request/);
    await sns.close();
  });

  it('SNS: a 400 InvalidParameter is permanent, a 500 is transient', async () => {
    const sns = new SnsSmsChannel({ region: 'eu-west-1', endpoint: api.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    const xmlError = (code: string, type: string) =>
      `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
    api.respond = () => ({ status: 400, headers: { 'content-type': 'text/xml' }, body: xmlError('InvalidParameter', 'Sender') });
    expect((await failure(sns.send(msg('+1')))).permanent).toBe(true);
    api.respond = () => ({ status: 500, headers: { 'content-type': 'text/xml' }, body: xmlError('InternalError', 'Receiver') });
    expect((await failure(sns.send(msg('+15555550101')))).permanent).toBe(false);
    await sns.close();
  });
});

describe('webhook channel', () => {
  let hook: TestHttpEndpoint;
  beforeAll(async () => {
    hook = await TestHttpEndpoint.open();
  });
  afterAll(() => hook.close());

  it('posts JSON with a text field (what Slack and Teams incoming webhooks accept) and the idempotency key', async () => {
    hook.requests.length = 0;
    hook.respond = () => ({ status: 200, body: 'ok' });
    await new WebhookChannel().send(msg(`${hook.url}/services/T000/B000/XXX`));
    const r = hook.requests[0];
    expect(r.path).toBe('/services/T000/B000/XXX');
    expect(r.json).toEqual({ text: '*[CRITICAL] Global Macro: VaR 99% -6.12% breaches -5.00%*\nCRITICAL risk alert #42\nPortfolio: Global Macro' });
    expect(r.headers['idempotency-key']).toBe('alert:42/triggered#0/step:0.0/email/c1');
  });

  it('a 404 is permanent; 429 and 500 are transient; a bad URL is permanent', async () => {
    const ch = new WebhookChannel();
    for (const [status, permanent] of [
      [404, true],
      [429, false],
      [500, false],
    ] as const) {
      hook.respond = () => ({ status, body: 'no' });
      expect((await failure(ch.send(msg(hook.url)))).permanent).toBe(permanent);
    }
    expect((await failure(ch.send(msg('ftp://example.com/x')))).permanent).toBe(true);
  });
});

describe('desktop channel', () => {
  it('maps severity to urgency, and reports a notifier failure as best effort (permanent, no retry)', async () => {
    const shown: { title: string; urgency: string }[] = [];
    await new DesktopChannel({ show: async (n) => void shown.push(n) }).send(msg('desktop'));
    expect(shown).toEqual([expect.objectContaining({ title: '[CRITICAL] Global Macro: VaR 99% -6.12% breaches -5.00%', urgency: 'critical' })]);
    const err = await failure(new DesktopChannel({ show: async () => Promise.reject(new Error('no notification daemon')) }).send(msg('desktop')));
    expect(err.permanent).toBe(true);
    expect(err.message).toMatch(/best effort.*no notification daemon/);
  });

  it('desktop: passes the alert id along, so the desktop app can open the alert on a click', async () => {
    const shown: DesktopNotification[] = [];
    const channel = new DesktopChannel({ show: async (n) => void shown.push(n) });
    await channel.send(msg('desktop', { alertId: 42 }));
    await channel.send(msg('desktop', { alertId: null }));
    expect(shown.map((n) => n.alertId)).toEqual([42, undefined]);
  });
});
