// Desktop notifications: best effort. The OS may drop one (do-not-disturb, no notification
// daemon on a headless box), so a failure is logged as such and never retried.
import type { Notification as NodeNotification } from 'node-notifier';
import type { DesktopNotifier, DesktopNotification } from '../../ports';
import { DeliveryError, errorText, type Delivery, type NotificationChannel, type OutgoingMessage } from './types';

/** node-notifier: notify-send on Linux, Notification Center on macOS, toasts on Windows. */
export const nodeDesktopNotifier: DesktopNotifier = {
  async show(n: DesktopNotification): Promise<void> {
    const { default: notifier } = await import('node-notifier'); // loaded on first use
    return new Promise((resolve, reject) => {
      notifier.notify({ title: n.title, message: n.body, wait: false, urgency: n.urgency } as NodeNotification, (err: Error | null) =>
        err ? reject(err) : resolve(),
      );
    });
  },
};

export class DesktopChannel implements NotificationChannel {
  readonly name = 'desktop' as const;

  constructor(private readonly notifier: DesktopNotifier) {}

  async send(msg: OutgoingMessage): Promise<Delivery> {
    try {
      await this.notifier.show({
        title: msg.subject ?? 'Risk Desk',
        body: msg.text,
        urgency: msg.severity === 'CRITICAL' || msg.severity === 'HIGH' ? 'critical' : msg.severity === 'MEDIUM' ? 'normal' : 'low',
        ...(msg.alertId != null ? { alertId: msg.alertId } : {}),
      });
      return { providerId: null };
    } catch (err) {
      throw new DeliveryError(`desktop notification not shown (best effort): ${errorText(err)}`, true, 'desktop');
    }
  }

  async close(): Promise<void> {}
}
