// Native notifications through Electron. Shown notifications are kept referenced until
// closed: a garbage-collected Notification loses its click handler.
import { Notification } from 'electron';
import type { NotificationPort } from './logic/desk-watcher';
import type { DesktopAlertNotification } from './logic/notifications';

export class ElectronNotifier implements NotificationPort {
  private readonly live = new Set<Notification>();

  constructor(private readonly icon?: string) {}

  isSupported(): boolean {
    return Notification.isSupported();
  }

  show(n: DesktopAlertNotification, onClick: () => void): void {
    const notification = new Notification({
      title: n.title,
      body: n.body,
      urgency: n.urgent ? 'critical' : 'normal',
      timeoutType: n.urgent ? 'never' : 'default',
      ...(this.icon ? { icon: this.icon } : {}),
    });
    this.live.add(notification);
    const release = () => this.live.delete(notification);
    notification.on('click', () => {
      release();
      onClick();
    });
    notification.on('close', release);
    notification.on('failed', release);
    notification.show();
  }

  get pending(): number {
    return this.live.size;
  }
}
