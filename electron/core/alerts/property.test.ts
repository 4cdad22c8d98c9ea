// Property: whatever the sequence of metric values, clock moves, acknowledgements, manual
// resolutions, threshold edits and restarts, there is never more than one open alert per
// (portfolio, threshold), nor per (portfolio, metric, side); memory and the database agree;
// and no alert is ever announced twice.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { limitSide, thresholdsFor } from '../../../shared/alerts';
import type { ThresholdInput } from '../../../shared/domain';
import { tempDir } from '../testing';
import { Harness } from './test-support';

const tmp = tempDir('risk-desk-alerts-property-');
afterAll(() => tmp.cleanup());

type Command =
  | { kind: 'feed'; portfolio: 'p1' | 'p2'; value: number | null; stale: boolean }
  | { kind: 'advance'; seconds: number }
  | { kind: 'ack'; pick: number }
  | { kind: 'resolve'; pick: number }
  | { kind: 'edit'; pick: number; value: number; enabled: boolean }
  | { kind: 'toggle'; pick: number }
  | { kind: 'tick' }
  | { kind: 'restart' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('feed' as const), portfolio: fc.constantFrom('p1' as const, 'p2' as const), value: fc.constantFrom(-0.01, -0.028, -0.035, -0.045, -0.055, -0.07, null), stale: fc.nat(9).map((x) => x < 2) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.constantFrom(0, 1, 10, 31, 61, 200, 700) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ack' as const), pick: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resolve' as const), pick: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(3), value: fc.constantFrom(-0.03, -0.04, -0.05, -0.06), enabled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('toggle' as const), pick: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

const THRESHOLDS: ThresholdInput[] = [
  { portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.03, comparison_type: 'less_than', severity: 'MEDIUM', pending_seconds: 30, clear_value: -0.025, recovery_seconds: 60 },
  { portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', severity: 'CRITICAL' },
  { portfolio_id: 'p1', metric_type: 'var_95', threshold_value: -0.04, comparison_type: 'less_than_or_equal', severity: 'HIGH', recovery_seconds: 30 },
  { portfolio_id: 'p1', metric_type: 'var_95', threshold_value: -0.06, comparison_type: 'less_than', severity: 'CRITICAL', pending_seconds: 10 },
];

let run = 0;

function check(h: Harness, label: string): void {
  const open = h.openInDb();
  const perThreshold = new Map<string, number>();
  const perGroup = new Map<string, number>();
  for (const a of open) {
    const k1 = `${a.portfolio_id}/${a.threshold_id}`;
    const k2 = `${a.portfolio_id}/${a.metric_type}/${limitSide(a.comparison_type)}`;
    perThreshold.set(k1, (perThreshold.get(k1) ?? 0) + 1);
    perGroup.set(k2, (perGroup.get(k2) ?? 0) + 1);
  }
  for (const [k, c] of perThreshold) expect(c, `${label}: open alerts for ${k}`).toBe(1);
  for (const [k, c] of perGroup) expect(c, `${label}: open alerts for group ${k}`).toBe(1);
  expect(h.engine.openAlerts().map((a) => a.id).sort(), label).toEqual(open.map((a) => a.id).sort());
  // An open alert is always held by a threshold that exists, is enabled and applies to its portfolio.
  const thresholds = h.store.thresholds.list();
  for (const a of open) {
    expect(thresholdsFor(a.portfolio_id, thresholds).map((t) => t.id), `${label}: alert #${a.id} threshold`).toContain(a.threshold_id);
    expect(a.resolved_at, label).toBeNull();
  }
  expect(h.engine.counters.errors, `${label}: engine errors`).toBe(0);
  const triggered = h.transitions.filter((e) => e.transition === 'triggered').map((e) => e.alert.id);
  expect(new Set(triggered).size, `${label}: an alert announced twice`).toBe(triggered.length);
  expect(triggered.length, `${label}: every alert row announced once`).toBe(h.alerts().length);
}

describe('alert engine invariants', () => {
  it('never two open alerts for one (portfolio, threshold), across values, acks, resolves, edits and restarts', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 60 }), (commands) => {
        const h = Harness.inDir(tmp.dir, `prop-${++run}`, { flap: { openings: 2, windowMinutes: 5 }, ackTimeoutMinutes: 10 });
        try {
          const ids: (number | null)[] = THRESHOLDS.map((t) => h.threshold(t).id);
          for (const [i, c] of commands.entries()) {
            const open = h.engine.openAlerts();
            switch (c.kind) {
              case 'feed':
                h.feed(c.portfolio, { var_95: c.value }, c.stale);
                break;
              case 'advance':
                h.advance(c.seconds);
                break;
              case 'ack': {
                const a = open[c.pick % Math.max(open.length, 1)];
                if (a && a.status === 'TRIGGERED') h.engine.acknowledge(a.id, 'bob', 'seen');
                break;
              }
              case 'resolve': {
                const a = open[c.pick % Math.max(open.length, 1)];
                if (a) h.engine.resolve(a.id, 'bob', 'by hand');
                break;
              }
              case 'edit': {
                const id = ids[c.pick];
                if (id !== null) h.engine.updateThreshold(id, { ...THRESHOLDS[c.pick], threshold_value: c.value, clear_value: null, enabled: c.enabled }, 'carol');
                break;
              }
              case 'toggle': {
                // Delete a threshold, or create it again.
                const id = ids[c.pick];
                if (id !== null) {
                  h.engine.deleteThreshold(id, 'dave');
                  ids[c.pick] = null;
                } else ids[c.pick] = h.threshold(THRESHOLDS[c.pick]).id;
                break;
              }
              case 'tick':
                h.engine.tick();
                break;
              case 'restart':
                h.restart();
                break;
            }
            check(h, `after command ${i} ${JSON.stringify(c)}`);
          }
        } finally {
          h.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
