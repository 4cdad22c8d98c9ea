// SMS through Twilio (twilio SDK) or AWS SNS (@aws-sdk/client-sns). Both SDKs' own retries are
// off: the outbox retries, with backoff, under the message's validity period.
// The SDKs are loaded on first use: together they take seconds to load, and most desks use one or none.
import type * as SnsSdk from '@aws-sdk/client-sns';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Twilio } from 'twilio';
import { DeliveryError, errorText, type Delivery, type NotificationChannel, type OutgoingMessage } from './types';

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from: string;
  /** Another API base (a regional edge, a proxy, a test server). Default Twilio's. */
  baseUrl?: string;
  timeoutMs?: number;
}

export interface SnsConfig {
  region: string;
  /** Another endpoint (a VPC endpoint, a test server). */
  endpoint?: string;
  /** Explicit credentials; otherwise the AWS default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  timeoutMs?: number;
}

/** Twilio answers 4xx for what cannot work (bad number, unverified sender, bad credentials); 429 and 5xx pass. */
export function classifyTwilioError(err: unknown): DeliveryError {
  const e = err as { status?: number; code?: number | string; moreInfo?: string };
  const text = errorText(err);
  if (typeof e.status === 'number') {
    const transient = e.status === 429 || e.status === 408 || e.status >= 500;
    return new DeliveryError(`Twilio ${e.status}${typeof e.code === 'number' ? ` (${e.code})` : ''}: ${text}`, !transient, `twilio_${e.code ?? e.status}`);
  }
  return new DeliveryError(`Twilio unreachable: ${text}`, false, typeof e.code === 'string' ? e.code : null);
}

export function classifySnsError(err: unknown): DeliveryError {
  const e = err as { name?: string; $fault?: 'client' | 'server'; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const text = errorText(err);
  const throttled = /throttl/i.test(e.name ?? '') || status === 429;
  if (status === undefined) return new DeliveryError(`SNS unreachable: ${text}`, false, e.name ?? null);
  const transient = throttled || e.$retryable !== undefined || e.$fault === 'server' || status >= 500;
  return new DeliveryError(`SNS ${status} ${e.name ?? ''}: ${text}`.trim(), !transient, e.name ?? null);
}

export class TwilioSmsChannel implements NotificationChannel {
  readonly name = 'sms' as const;
  private client: Promise<Twilio> | null = null;

  constructor(private readonly config: TwilioConfig) {
    // Start loading the SDK now, so the first page does not wait for it.
    this.client = this.connect();
    this.client.catch(() => undefined);
  }

  private async connect(): Promise<Twilio> {
    const { default: twilio } = await import('twilio');
    const client = twilio(this.config.accountSid, this.config.authToken, { autoRetry: false, timeout: this.config.timeoutMs ?? 15_000 });
    if (this.config.baseUrl) client.api.baseUrl = this.config.baseUrl;
    return client;
  }

  async send(msg: OutgoingMessage): Promise<Delivery> {
    try {
      this.client ??= this.connect();
      const client = await this.client;
      const m = await client.messages.create({ to: msg.to, from: this.config.from, body: msg.text });
      return { providerId: m.sid };
    } catch (err) {
      throw classifyTwilioError(err);
    }
  }

  async close(): Promise<void> {}
}

export class SnsSmsChannel implements NotificationChannel {
  readonly name = 'sms' as const;
  private client: SNSClient | null = null;
  private sdk: Promise<typeof SnsSdk> | null = null;

  constructor(private readonly config: SnsConfig) {
    this.sdk = import('@aws-sdk/client-sns'); // loading starts now, so the first page does not wait for it
  }

  async send(msg: OutgoingMessage): Promise<Delivery> {
    try {
      this.sdk ??= import('@aws-sdk/client-sns');
      const { PublishCommand, SNSClient } = await this.sdk;
      this.client ??= new SNSClient({
        region: this.config.region,
        endpoint: this.config.endpoint,
        credentials: this.config.credentials,
        maxAttempts: 1,
        requestHandler: { requestTimeout: this.config.timeoutMs ?? 15_000, connectionTimeout: this.config.timeoutMs ?? 15_000 },
      });
      const r = await this.client.send(
        new PublishCommand({
          PhoneNumber: msg.to,
          Message: msg.text,
          // Transactional: SNS delivers it with the highest reliability (alerts, not marketing).
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
        }),
      );
      return { providerId: r.MessageId ?? null };
    } catch (err) {
      throw classifySnsError(err);
    }
  }

  async close(): Promise<void> {
    this.client?.destroy();
  }
}
