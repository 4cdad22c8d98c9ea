import { describe, expect, it } from 'vitest';
import { formatMetricValue, valueAgainstLimit } from './format';
import { notificationFor, RecentKeys } from './notifications';
import { makeAlert } from './test-alerts';

const at = (m: number) => `2026-01-02T14:${String(m).padStart(2, '0')}:00.000Z`;

describe('notificationFor', () => {
  it('announces a new alert with severity, portfolio and value against limit', () => {
    const a = makeAlert({ severity: 'CRITICAL', portfolio_id: 'macro', description: 'desk VaR limit' });
    expect(notificationFor({ type: 'new_alert', timestamp: a.updated_at, alert: a }, undefined)).toEqual({
      key: `alert:${a.id}:new`,
      alertId: a.id,
      title: 'CRITICAL · macro',
      body: 'VaR 95% -6.12% vs limit -5.00% (alerts below)\ndesk VaR limit',
      urgent: true,
      severity: 'CRITICAL',
    });
  });

  it('respects the minimum severity for alerts', () => {
    const a = makeAlert({ severity: 'LOW' });
    expect(notificationFor({ type: 'new_alert', timestamp: '', alert: a }, undefined, { minSeverity: 'MEDIUM' })).toBeNull();
    expect(notificationFor({ type: 'new_alert', timestamp: '', alert: a }, undefined)?.urgent).toBe(false);
  });

  it('announces an upgrade, a reopening and the start of flapping, once each', () => {
    const before = makeAlert({ severity: 'HIGH', updated_at: at(0) });
    const upgraded = { ...before, severity: 'CRITICAL' as const, updated_at: at(1) };
    expect(notificationFor({ type: 'alert_updated', timestamp: '', alert: upgraded }, before)?.title).toBe('Raised to CRITICAL · p1');

    const acked = { ...before, status: 'ACKNOWLEDGED' as const };
    const reopened = { ...before, updated_at: at(30) };
    expect(notificationFor({ type: 'alert_updated', timestamp: '', alert: reopened }, acked)?.title).toBe('Reopened, HIGH · p1');

    const flapping = { ...before, flapping: true, updated_at: at(2) };
    expect(notificationFor({ type: 'alert_updated', timestamp: '', alert: flapping }, before)?.title).toBe('Flapping, HIGH · p1');
    expect(notificationFor({ type: 'alert_updated', timestamp: '', alert: { ...flapping, updated_at: at(3) } }, flapping)).toBeNull();
  });

  it('stays quiet for value updates, acknowledgements, resolutions, downgrades and unknown alerts', () => {
    const a = makeAlert({ severity: 'HIGH' });
    const update = (alert: typeof a, prev: typeof a | undefined) => notificationFor({ type: 'alert_updated', timestamp: '', alert }, prev);
    expect(update({ ...a, current_value: -0.07 }, a)).toBeNull();
    expect(update({ ...a, status: 'ACKNOWLEDGED' }, a)).toBeNull();
    expect(update({ ...a, status: 'RESOLVED' }, a)).toBeNull();
    expect(update({ ...a, severity: 'MEDIUM' }, a)).toBeNull();
    expect(update({ ...a, severity: 'CRITICAL' }, undefined)).toBeNull();
  });

  it('announces each escalation step once, with what is known of the alert', () => {
    const a = makeAlert({ severity: 'CRITICAL', portfolio_id: 'macro' });
    const esc = { type: 'escalation' as const, timestamp: '', alert_id: a.id, portfolio_id: 'macro', step: 2, level: 'head of risk', channel: 'sms', recipients: ['Ana'] };
    expect(notificationFor(esc, a)).toMatchObject({
      key: `escalation:${a.id}:2`,
      title: 'Escalated: CRITICAL · macro (step 2, head of risk)',
      body: 'VaR 95% -6.12% vs limit -5.00% (alerts below)\nNotified Ana by sms',
      urgent: true,
    });
    expect(notificationFor({ ...esc, recipients: ['a', 'b'] }, undefined)?.body).toBe(`Alert #${a.id}\nNotified 2 recipients by sms`);
  });

  it('never notifies metrics or system events', () => {
    expect(notificationFor({ type: 'system', timestamp: '', level: 'error', message: 'x' }, undefined)).toBeNull();
  });
});

describe('RecentKeys', () => {
  it('passes a key once within the ttl, again after it', () => {
    const k = new RecentKeys(1000);
    expect(k.firstTime('a', 0)).toBe(true);
    expect(k.firstTime('a', 999)).toBe(false);
    expect(k.firstTime('a', 2000)).toBe(true);
  });
});

describe('formatMetricValue', () => {
  it.each([
    ['var_99', -0.04512, '-4.51%'],
    ['max_drawdown', -0.2, '-20.00%'],
    ['concentration_risk.top5', 0.615, '61.50%'],
    ['var_95_amount', -1234567.8, '-1,234,568'],
    ['leverage_ratio', 1.8512, '1.85x'],
    ['concentration_risk.hhi', 0.12345, '0.1235'],
    ['concentration_risk.effective_positions', 8.1, '8.1'],
    ['sharpe_ratio', 1.234, '1.23'],
    ['var_95', null, 'n/a'],
  ] as const)('%s %s reads %s', (metric, value, text) => {
    expect(formatMetricValue(metric, value)).toBe(text);
  });

  it('names the comparison in words', () => {
    expect(valueAgainstLimit({ metric_type: 'leverage_ratio', current_value: 3.2, threshold_value: 3, comparison_type: 'greater_than_or_equal' })).toBe('Leverage 3.20x vs limit 3.00x (alerts at or above)');
  });
});
