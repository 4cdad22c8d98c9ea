import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALERT_STATUSES, SEVERITIES } from '../../../shared/domain';
import { makeAlert } from './test-alerts';
import { OpenAlerts, TOOLTIP_MAX, trayState } from './tray-state';

const live = { running: true, feed: 'live' as const };

describe('trayState', () => {
  it('is green with no open alert on live data', () => {
    expect(trayState([], live)).toMatchObject({ level: 'green', tooltip: 'Risk Desk: no open alerts' });
  });

  it('is red for an unacknowledged HIGH or CRITICAL alert', () => {
    expect(trayState([makeAlert({ severity: 'HIGH' })], live).level).toBe('red');
    expect(trayState([makeAlert({ severity: 'CRITICAL' })], live).level).toBe('red');
  });

  it('is amber for unacknowledged LOW/MEDIUM alerts and for acknowledged ones of any severity', () => {
    expect(trayState([makeAlert({ severity: 'MEDIUM' })], live).level).toBe('amber');
    expect(trayState([makeAlert({ severity: 'CRITICAL', status: 'ACKNOWLEDGED' })], live).level).toBe('amber');
  });

  it('ignores resolved alerts', () => {
    expect(trayState([makeAlert({ status: 'RESOLVED' })], live).level).toBe('green');
  });

  it('is grey when the engine is down or the feed stale or stopped, unless a red alert is open', () => {
    expect(trayState([], { running: false, feed: null }).level).toBe('grey');
    expect(trayState([makeAlert({ severity: 'LOW' })], { running: true, feed: 'stale' }).level).toBe('grey');
    expect(trayState([], { running: true, feed: 'stopped' }).tooltip).toBe('Risk Desk: feed stopped; no open alerts');
    expect(trayState([makeAlert({ severity: 'CRITICAL' })], { running: true, feed: 'stale' }).level).toBe('red');
    // A feed still connecting is not evidence of stale figures.
    expect(trayState([], { running: true, feed: 'connecting' }).level).toBe('green');
  });

  it('counts by severity in the tooltip, worst first', () => {
    const s = trayState(
      [makeAlert({ severity: 'LOW' }), makeAlert({ severity: 'CRITICAL' }), makeAlert({ severity: 'CRITICAL' }), makeAlert({ severity: 'HIGH', status: 'ACKNOWLEDGED' })],
      live,
    );
    expect(s.tooltip).toBe('Risk Desk: 3 unacknowledged (2 CRITICAL, 1 LOW); 1 acknowledged');
    expect(s.counts).toEqual({ triggered: { LOW: 1, MEDIUM: 0, HIGH: 0, CRITICAL: 2 }, acknowledged: 1 });
  });

  it('the level is the worst state present, and the tooltip fits the Windows limit (property)', () => {
    const alertArb = fc.record({ severity: fc.constantFrom(...SEVERITIES), status: fc.constantFrom(...ALERT_STATUSES) });
    fc.assert(
      fc.property(fc.array(alertArb, { maxLength: 30 }), fc.boolean(), fc.constantFrom('live', 'stale', 'stopped', 'reconnecting', null), (specs, running, feed) => {
        const s = trayState(
          specs.map((o) => makeAlert(o)),
          { running, feed: feed as 'live' },
        );
        const urgent = specs.some((a) => a.status === 'TRIGGERED' && (a.severity === 'HIGH' || a.severity === 'CRITICAL'));
        const open = specs.some((a) => a.status !== 'RESOLVED');
        const degraded = !running || feed === 'stale' || feed === 'stopped';
        expect(s.level).toBe(urgent ? 'red' : degraded ? 'grey' : open ? 'amber' : 'green');
        expect(s.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX);
      }),
    );
  });
});

describe('OpenAlerts', () => {
  it('adds, updates and drops resolved alerts, returning the previous form', () => {
    const book = new OpenAlerts();
    const a = makeAlert({ severity: 'MEDIUM' });
    expect(book.apply({ type: 'new_alert', timestamp: a.updated_at, alert: a })).toEqual({ previous: undefined });
    const up = { ...a, severity: 'CRITICAL' as const, updated_at: '2026-01-02T14:01:00.000Z' };
    expect(book.apply({ type: 'alert_updated', timestamp: up.updated_at, alert: up })?.previous).toEqual(a);
    expect(book.get(a.id)?.severity).toBe('CRITICAL');
    const resolved = { ...up, status: 'RESOLVED' as const, updated_at: '2026-01-02T14:02:00.000Z' };
    book.apply({ type: 'alert_updated', timestamp: resolved.updated_at, alert: resolved });
    expect(book.size).toBe(0);
  });

  it('does not roll back to an older version of an alert', () => {
    const book = new OpenAlerts();
    const newer = makeAlert({ status: 'ACKNOWLEDGED', updated_at: '2026-01-02T15:00:00.000Z' });
    book.load([newer]);
    book.apply({ type: 'alert_updated', timestamp: 'x', alert: { ...newer, status: 'TRIGGERED', updated_at: '2026-01-02T14:00:00.000Z' } });
    expect(book.get(newer.id)?.status).toBe('ACKNOWLEDGED');
  });

  it('is not about metrics or system events', () => {
    expect(new OpenAlerts().apply({ type: 'system', timestamp: 't', level: 'info', message: 'm' })).toBeNull();
  });
});
