// Native notifications through Electron. Shown notifications are kept referenced until
// closed: a garbage-collected Notification loses its click handler.
import { Notification } from 'electron';
import type { DesktopNotification } from '../core/ports';
import type { NotificationPort } from './logic/desk-watcher';

export class ElectronNotifier implements NotificationPort {
  private readonly live = new Set<Notification>();

  constructor(private readonly icon?: string) {}

  isSupported(): boolean {
    return Notification.isSupported();
  }

  show(n: DesktopNotification, onClick: () => void): void {
    const urgent = n.urgency === 'critical';
    const notification = new Notification({
      title: n.title,
      body: n.body,
      urgency: n.urgency,
      // Critical ones stay on screen until dismissed.
      timeoutType: urgent ? 'never' : 'default',
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
