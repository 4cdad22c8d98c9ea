// The engine as the shell hosts it: engine events turned into client events, and the open
// alerts read through the same contract the dashboard uses.
import type { CallContext, DeskHandlers } from '../../../shared/api';
import type { Alert } from '../../../shared/domain';
import type { DeskEvent } from '../../../shared/events';
import { dispatch } from '../../core/api/dispatch';
import { CLIENT_EVENT_NAMES, type EventBus, toDeskEvent } from '../../core/events';

/** Calls listener with the client form of every engine event; returns the unsubscribe. */
export function forwardEngineEvents(bus: EventBus, listener: (event: DeskEvent) => void): () => void {
  const offs = CLIENT_EVENT_NAMES.map((name) =>
    bus.on(name, (payload) => {
      const event = toDeskEvent(name, payload);
      if (event) listener(event);
    }),
  );
  return () => offs.forEach((off) => off());
}

/** Every TRIGGERED and ACKNOWLEDGED alert, page by page, through the contract's alerts.list. */
export async function loadOpenAlerts(handlers: DeskHandlers, ctx: CallContext, maxPages = 50): Promise<Alert[]> {
  const out: Alert[] = [];
  for (const status of ['TRIGGERED', 'ACKNOWLEDGED'] as const) {
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const r = await dispatch(handlers, 'alerts.list', { status, limit: 1000, ...(cursor ? { cursor } : {}) }, ctx);
      if (!r.ok) throw new Error(`alerts.list failed: ${r.body.error.message}`);
      const value = r.value as { items: Alert[]; next_cursor: string | null };
      out.push(...value.items);
      if (!value.next_cursor) break;
      cursor = value.next_cursor;
    }
  }
  return out;
}
