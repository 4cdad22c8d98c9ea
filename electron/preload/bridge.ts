// The bridge object the renderer sees as window.riskDesk, built over a minimal IPC port so it
// is testable without Electron. It exposes functions only: never ipcRenderer, never the
// IPC event object (whose sender would hand the page a way back into IPC).
import type { DeskBridge, DeskNavigation } from '../../shared/client';
import type { DeskEvent } from '../../shared/events';
import { IPC } from '../main/logic/channels';

export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): void;
}

function listen<T>(ipc: RendererIpc, channel: string, listener: (payload: T) => void): () => void {
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  const wrapped = (_event: unknown, payload: unknown) => listener(payload as T);
  ipc.on(channel, wrapped);
  return () => ipc.removeListener(channel, wrapped);
}

export function createBridge(ipc: RendererIpc): Required<DeskBridge> {
  return {
    invoke: (name, input) => ipc.invoke(IPC.invoke, String(name), input) as ReturnType<DeskBridge['invoke']>,
    subscribe: (portfolioIds) => ipc.send(IPC.subscribe, Array.isArray(portfolioIds) ? portfolioIds.map(String) : []),
    onEvent: (listener) => listen<DeskEvent>(ipc, IPC.event, listener),
    onNavigate: (listener) => listen<DeskNavigation>(ipc, IPC.navigate, listener),
  };
}
