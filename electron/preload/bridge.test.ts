import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeskEvent } from '../../shared/events';
import { IPC } from '../main/logic/channels';
import { createBridge, type RendererIpc } from './bridge';
import * as fake from '../main/testing/fake-electron';

vi.mock('electron', () => import('../main/testing/fake-electron'));

class RecordingIpc extends EventEmitter implements RendererIpc {
  invoked: unknown[][] = [];
  sentMessages: unknown[][] = [];
  invoke(channel: string, ...args: unknown[]) {
    this.invoked.push([channel, ...args]);
    return Promise.resolve({ ok: true, value: 42 });
  }
  send(channel: string, ...args: unknown[]) {
    this.sentMessages.push([channel, ...args]);
  }
}

describe('createBridge', () => {
  it('invokes an endpoint by name over the invoke channel', async () => {
    const ipc = new RecordingIpc();
    expect(await createBridge(ipc).invoke('portfolios.list', {})).toEqual({ ok: true, value: 42 });
    expect(ipc.invoked).toEqual([[IPC.invoke, 'portfolios.list', {}]]);
  });

  it('sends subscriptions as a list of strings', () => {
    const ipc = new RecordingIpc();
    const bridge = createBridge(ipc);
    bridge.subscribe(['p1', 7 as unknown as string]);
    bridge.subscribe('p1' as unknown as string[]);
    expect(ipc.sentMessages).toEqual([
      [IPC.subscribe, ['p1', '7']],
      [IPC.subscribe, []],
    ]);
  });

  it('hands listeners the payload only, never the IPC event, and unsubscribes', () => {
    const ipc = new RecordingIpc();
    const bridge = createBridge(ipc);
    const got: unknown[][] = [];
    const off = bridge.onEvent((...args) => got.push(args));
    const event: DeskEvent = { type: 'system', timestamp: 't', level: 'info', message: 'm' };
    ipc.emit(IPC.event, { sender: 'the ipcRenderer itself' }, event);
    off();
    ipc.emit(IPC.event, {}, event);
    expect(got).toEqual([[event]]);
    expect(ipc.listenerCount(IPC.event)).toBe(0);
  });

  it('delivers navigation requests from notification clicks', () => {
    const ipc = new RecordingIpc();
    const targets: unknown[] = [];
    createBridge(ipc).onNavigate((t) => targets.push(t));
    ipc.emit(IPC.navigate, {}, { view: 'alert', alert_id: 3 });
    expect(targets).toEqual([{ view: 'alert', alert_id: 3 }]);
  });

  it('rejects a listener that is not a function', () => {
    expect(() => createBridge(new RecordingIpc()).onEvent('x' as never)).toThrow(TypeError);
  });
});

describe('preload', () => {
  beforeEach(() => fake.resetFakes());

  it('exposes exactly the bridge as window.riskDesk', async () => {
    await import('./index');
    const exposed = fake.contextBridge.exposed.get('riskDesk') as Record<string, unknown>;
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['riskDesk']);
    expect(Object.keys(exposed).sort()).toEqual(['invoke', 'onEvent', 'onNavigate', 'subscribe']);
    expect(Object.values(exposed).every((v) => typeof v === 'function')).toBe(true);
  });
});
