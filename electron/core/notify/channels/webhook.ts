// Webhooks: a JSON POST that Slack and Microsoft Teams incoming webhooks both accept (a `text`
// field, Markdown-ish, newlines kept).
import { DeliveryError, errorText, type Delivery, type NotificationChannel, type OutgoingMessage } from './types';

export function webhookPayload(msg: OutgoingMessage): { text: string } {
  return { text: msg.subject ? `*${msg.subject}*\n${msg.text}` : msg.text };
}

export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook' as const;

  constructor(private readonly timeoutMs = 10_000) {}

  async send(msg: OutgoingMessage): Promise<Delivery> {
    let url: URL;
    try {
      url = new URL(msg.to);
    } catch {
      throw new DeliveryError(`webhook URL is not valid: ${msg.to}`, true, 'bad_url');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DeliveryError(`webhook URL must be http(s): ${url.protocol}`, true, 'bad_url');
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': msg.idempotencyKey },
        body: JSON.stringify(webhookPayload(msg)),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      throw new DeliveryError(`webhook unreachable: ${errorText((err as { cause?: unknown }).cause ?? err)}`, false, 'network');
    }
    const text = (await res.text().catch(() => '')).slice(0, 200);
    if (res.ok) return { providerId: res.headers.get('x-slack-req-id') ?? res.headers.get('request-id') ?? null };
    const transient = res.status === 408 || res.status === 429 || res.status >= 500;
    throw new DeliveryError(`webhook HTTP ${res.status}${text ? `: ${text}` : ''}`, !transient, `http_${res.status}`);
  }

  async close(): Promise<void> {}
}
