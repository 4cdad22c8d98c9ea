// Email over SMTP (nodemailer, pooled connections, TLS as configured).
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { DeliveryError, errorText, type Delivery, type NotificationChannel, type OutgoingMessage } from './types';

export interface EmailConfig {
  host: string;
  port: number;
  /** 'tls' = implicit TLS (port 465), 'starttls' = STARTTLS required, 'none' = plain text (a local relay). */
  security: 'tls' | 'starttls' | 'none';
  username: string | null;
  password: string | null;
  from: string;
}

export interface EmailOptions {
  /** Parallel SMTP connections in the pool. */
  maxConnections?: number;
  /** Connection, greeting and socket timeout. */
  timeoutMs?: number;
}

/** Error codes nodemailer uses for failures on the way to the server (retry later). */
const NETWORK_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL', 'ETLS']);

/**
 * SMTP replies tell transient (4xx: mailbox busy, greylisting, server shutting down) from
 * permanent (5xx: unknown mailbox, refused credentials, message rejected). No reply at all
 * (refused connection, timeout, dropped socket) is transient.
 */
export function classifySmtpError(err: unknown): DeliveryError {
  const e = err as { responseCode?: number; code?: string; response?: string };
  const text = errorText(err);
  if (typeof e.responseCode === 'number') {
    return new DeliveryError(`SMTP ${e.responseCode}: ${text}`, e.responseCode >= 500, `smtp_${e.responseCode}`);
  }
  if (e.code && NETWORK_CODES.has(e.code)) return new DeliveryError(`SMTP ${e.code}: ${text}`, false, e.code);
  // An address nodemailer itself refuses (EENVELOPE without a reply) never becomes valid.
  if (e.code === 'EENVELOPE') return new DeliveryError(`SMTP envelope: ${text}`, true, e.code);
  return new DeliveryError(`SMTP: ${text}`, false, e.code ?? null);
}

/** A Message-ID derived from the idempotency key: a re-sent copy carries the same id, so mail clients fold it. */
export function messageIdFor(key: string, from: string): string {
  const domain = from.split('@')[1]?.replace(/[>\s]/g, '') || 'risk-desk.local';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}>`;
}

export class EmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(
    private readonly config: EmailConfig,
    opts: EmailOptions = {},
  ) {
    const timeout = opts.timeoutMs ?? 15_000;
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: opts.maxConnections ?? 5,
      // Keep warm connections for many messages (nodemailer's default recycles after 100).
      maxMessages: 10_000,
      host: config.host,
      port: config.port,
      secure: config.security === 'tls',
      requireTLS: config.security === 'starttls',
      ignoreTLS: config.security === 'none',
      auth: config.username ? { user: config.username, pass: config.password ?? '' } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(msg: OutgoingMessage): Promise<Delivery> {
    const messageId = messageIdFor(msg.idempotencyKey, this.config.from);
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: msg.to,
        subject: msg.subject ?? '',
        text: msg.text,
        messageId,
        priority: msg.severity === 'CRITICAL' || msg.severity === 'HIGH' ? 'high' : 'normal',
        headers: { 'X-Risk-Desk-Key': msg.idempotencyKey },
      });
      if (info.rejected?.length) throw new DeliveryError(`SMTP rejected ${info.rejected.join(', ')}`, true, 'rejected');
      return { providerId: (info.messageId as string | undefined) ?? messageId };
    } catch (err) {
      if (err instanceof DeliveryError) throw err;
      throw classifySmtpError(err);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
