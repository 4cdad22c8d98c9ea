import { describe, expect, it } from 'vitest';
import type { DeskHandlers } from '../../../shared/api';
import type { Alert } from '../../../shared/domain';
import type { DeskEvent } from '../../../shared/events';
import { EventBus } from '../../core/events';
import { forwardEngineEvents, loadOpenAlerts } from './host';
import { makeAlert } from './test-alerts';

describe('forwardEngineEvents', () => {
  it('passes every client-facing engine event in its client form, until unsubscribed', () => {
    const bus = new EventBus();
    const seen: DeskEvent[] = [];
    const off = forwardEngineEvents(bus, (e) => seen.push(e));
    const a = makeAlert();
    bus.emit('new_alert', { alert: a });
    bus.emit('escalation', { alertId: a.id, portfolioId: 'p1', step: 1, level: 'on-call', channel: 'email', recipients: ['x'], at: '2026-01-02T14:00:00.000Z' });
    bus.emit('cycle', { at: '2026-01-02T14:00:00.000Z', durationMs: 3, portfolios: 8 });
    off();
    bus.emit('new_alert', { alert: a });
    expect(seen.map((e) => e.type)).toEqual(['new_alert', 'escalation', 'system']);
  });
});

describe('loadOpenAlerts', () => {
  it('reads TRIGGERED and ACKNOWLEDGED alerts page by page through alerts.list', async () => {
    const triggered = Array.from({ length: 3 }, () => makeAlert({ status: 'TRIGGERED' }));
    const acked = [makeAlert({ status: 'ACKNOWLEDGED' })];
    const calls: unknown[] = [];
    const handlers = {
      'alerts.list': (args: { status: string; cursor?: string }) => {
        calls.push(args);
        const list: Alert[] = args.status === 'TRIGGERED' ? triggered : acked;
        // Two pages for the triggered ones: the first two, then the rest.
        if (args.status === 'TRIGGERED' && !args.cursor) return { items: list.slice(0, 2), next_cursor: 'c2' };
        if (args.status === 'TRIGGERED') return { items: list.slice(2), next_cursor: null };
        return { items: list, next_cursor: null };
      },
    } as unknown as DeskHandlers;
    const alerts = await loadOpenAlerts(handlers, { actor: 'ana', role: 'viewer' });
    expect(alerts.map((a) => a.id)).toEqual([...triggered, ...acked].map((a) => a.id));
    expect(calls).toEqual([
      { status: 'TRIGGERED', limit: 1000 },
      { status: 'TRIGGERED', limit: 1000, cursor: 'c2' },
      { status: 'ACKNOWLEDGED', limit: 1000 },
    ]);
  });

  it('fails loudly when the contract call fails', async () => {
    const handlers = {
      'alerts.list': () => {
        throw new Error('db gone');
      },
    } as unknown as DeskHandlers;
    await expect(loadOpenAlerts(handlers, { actor: 'ana', role: 'viewer' })).rejects.toThrow('alerts.list failed: internal error');
  });
});
