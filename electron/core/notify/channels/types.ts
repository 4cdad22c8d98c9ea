// One interface for every way a notification leaves the desk.
import type { Channel, Severity } from '../../../../shared/domain';

export interface OutgoingMessage {
  /** An email address, an E.164 number, a webhook URL, or 'desktop'. */
  to: string;
  subject: string | null;
  text: string;
  severity: Severity;
  /** Stable across retries and restarts: carried to providers that can deduplicate with it. */
  idempotencyKey: string;
  /** The alert the message is about (null for test messages and digests): a desktop notification's click opens it. */
  alertId?: number | null;
}

export interface Delivery {
  /** The provider's id for the message (SMTP Message-ID, Twilio SID, SNS MessageId), if any. */
  providerId: string | null;
}

/**
 * A failed delivery. `permanent` means retrying the same message cannot succeed (a rejected
 * address, refused credentials, a 4xx from an API); otherwise the sender retries with backoff.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface NotificationChannel {
  readonly name: Channel;
  send(msg: OutgoingMessage): Promise<Delivery>;
  /** Releases connections (SMTP pool). */
  close(): Promise<void>;
}

/** The message of an unknown error, without anything secret-looking. */
export function errorText(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > 500 ? `${m.slice(0, 497)}...` : m;
}
