// The IPC transport: moves invoke/subscribe messages in and events out. Every message is
// checked against its sender frame first; what happens next is logic/ipc.ts.
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents, webContents as allWebContents } from 'electron';
import type { CallContext, DeskHandlers } from '../../shared/api';
import type { DeskNavigation } from '../../shared/client';
import type { DeskEvent } from '../../shared/events';
import type { Logger } from '../core/ports';
import { IPC } from './logic/channels';
import { handleInvoke, isTrustedSender, parseSubscription, type SenderFrame, shouldForward, untrustedSender } from './logic/ipc';

function senderFrame(event: IpcMainEvent | IpcMainInvokeEvent): SenderFrame | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { url: frame.url, isMainFrame: frame.parent === null };
}

function mainFrameOf(contents: WebContents): SenderFrame | null {
  if (contents.isDestroyed()) return null;
  return { url: contents.mainFrame.url, isMainFrame: true };
}

export interface IpcHost {
  /** Sends an engine event to every trusted window subscribed to it. */
  forward(event: DeskEvent): void;
  /** Asks the dashboard to show something (a clicked notification's alert). */
  navigate(contents: WebContents, target: DeskNavigation): void;
  dispose(): void;
}

export function registerIpc(opts: { handlers: DeskHandlers; ctx: CallContext; origins: readonly string[]; logger: Logger }): IpcHost {
  const { handlers, ctx, origins, logger } = opts;
  const subscriptions = new Map<number, Set<string>>();

  ipcMain.handle(IPC.invoke, async (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(senderFrame(event), origins)) {
      logger.warn({ url: event.senderFrame?.url ?? null, name: typeof name === 'string' ? name : null }, 'IPC invoke from an untrusted frame refused');
      return untrustedSender;
    }
    return handleInvoke(handlers, ctx, name, input);
  });

  ipcMain.on(IPC.subscribe, (event, ids: unknown) => {
    if (!isTrustedSender(senderFrame(event), origins)) {
      logger.warn({ url: event.senderFrame?.url ?? null }, 'IPC subscribe from an untrusted frame ignored');
      return;
    }
    const parsed = parseSubscription(ids);
    if (!parsed) {
      logger.warn({}, 'malformed IPC subscribe ignored');
      return;
    }
    const id = event.sender.id;
    if (!subscriptions.has(id)) event.sender.once('destroyed', () => subscriptions.delete(id));
    subscriptions.set(id, new Set(parsed));
  });

  return {
    forward(event) {
      for (const contents of allWebContents.getAllWebContents()) {
        if (!isTrustedSender(mainFrameOf(contents), origins)) continue;
        if (!shouldForward(event, subscriptions.get(contents.id) ?? new Set())) continue;
        contents.send(IPC.event, event);
      }
    },
    navigate(contents, target) {
      if (isTrustedSender(mainFrameOf(contents), origins)) contents.send(IPC.navigate, target);
    },
    dispose() {
      ipcMain.removeHandler(IPC.invoke);
      ipcMain.removeAllListeners(IPC.subscribe);
      subscriptions.clear();
    },
  };
}
