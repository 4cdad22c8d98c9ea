// The DeskClient inside Electron: every call goes through the preload bridge (window.riskDesk)
// by endpoint name; events arrive over IPC. There is no network to lose, so the connection is
// open from the start.
import type { EndpointInput, EndpointName, EndpointOutput } from '../../../shared/api';
import { type ConnectionState, type DeskBridge, type DeskClient, DeskClientError } from '../../../shared/client';
import type { DeskEvent } from '../../../shared/events';

export class IpcClient implements DeskClient {
  private readonly unsubscribers: (() => void)[] = [];
  private state: ConnectionState = 'open';
  private readonly connListeners = new Set<(s: ConnectionState) => void>();

  constructor(private readonly bridge: DeskBridge) {}

  async call<K extends EndpointName>(name: K, input: EndpointInput<K>): Promise<EndpointOutput<K>> {
    let result: Awaited<ReturnType<DeskBridge['invoke']>>;
    try {
      result = await this.bridge.invoke(name, input);
    } catch (err) {
      throw new DeskClientError('internal', `${name}: ${err instanceof Error ? err.message : String(err)}`, 500);
    }
    if (result.ok) return result.value as EndpointOutput<K>;
    const e = result.error;
    throw new DeskClientError(e.code, e.message, e.status, e.issues);
  }

  subscribe(portfolioIds: string[]): void {
    this.bridge.subscribe(portfolioIds);
  }

  onEvent(listener: (event: DeskEvent) => void): () => void {
    const off = this.bridge.onEvent(listener);
    this.unsubscribers.push(off);
    return off;
  }

  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connListeners.add(listener);
    listener(this.state);
    return () => this.connListeners.delete(listener);
  }

  close(): void {
    for (const off of this.unsubscribers.splice(0)) off();
    this.state = 'closed';
    for (const l of this.connListeners) l('closed');
  }
}

/** True when running inside the Electron window (the preload put a bridge on window.riskDesk). */
export function findBridge(w: unknown): DeskBridge | null {
  const b = (w as { riskDesk?: Partial<DeskBridge> } | undefined)?.riskDesk;
  return b && typeof b.invoke === 'function' && typeof b.onEvent === 'function' && typeof b.subscribe === 'function' ? (b as DeskBridge) : null;
}
