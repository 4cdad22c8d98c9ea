// The one client interface the dashboard uses. Two transports implement it: IPC through the
// preload bridge in Electron, REST + WebSocket when served by `risk-desk serve`.
import type { EndpointInput, EndpointName, EndpointOutput } from './api';
import type { DeskEvent } from './events';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'unauthorized';

export interface DeskClient {
  /** Calls an endpoint of the contract by name. Rejects with a DeskClientError. */
  call<K extends EndpointName>(name: K, input: EndpointInput<K>): Promise<EndpointOutput<K>>;
  /** Chooses which portfolios' risk_metrics_update events arrive (['*'] = all). Alerts and system events always arrive. */
  subscribe(portfolioIds: string[]): void;
  onEvent(listener: (event: DeskEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

/** The error shape every transport rejects with (mirrors the API's ErrorBody). */
export class DeskClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly issues?: { field: string; reason: string }[],
  ) {
    super(message);
    this.name = 'DeskClientError';
  }
}

/** Where a click on a desktop notification asks the dashboard to go: the alert it was about, or the alert list. */
export type DeskNavigation = { view: 'alert'; alert_id: number } | { view: 'alerts' };

/** What the Electron preload exposes on window.riskDesk. */
export interface DeskBridge {
  invoke(name: string, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: { code: string; message: string; status: number; issues?: { field: string; reason: string }[] } }>;
  subscribe(portfolioIds: string[]): void;
  onEvent(listener: (event: DeskEvent) => void): () => void;
  /** The desktop shell asks the dashboard to show an alert (a notification was clicked). Electron only. */
  onNavigate?(listener: (target: DeskNavigation) => void): () => void;
}
