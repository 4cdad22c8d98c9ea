// Test support for the alert engine: hand-made snapshots and a harness around a real SQLite
// file, a ManualClock and the engine's own event bus. Used by the alert tests and the bench.
import path from 'node:path';
import type { Alert, ThresholdInput } from '../../../shared/domain';
import { CONCENTRATION_METRICS, type MetricPath, type RiskSnapshot, SCALAR_METRICS } from '../../../shared/metrics';
import { EventBus } from '../events';
import { ManualClock } from '../ports';
import { Store } from '../store/store';
import { AlertEngine, type AlertEngineOptions } from './engine';
import type { AlertTransitionEvent } from './transitions';

export const T0 = Date.parse('2026-01-02T14:00:00.000Z');

/** A snapshot with every metric null except those given. */
export function snapshot(portfolioId: string, values: Partial<Record<MetricPath, number | null>>, stale = false, at = T0): RiskSnapshot {
  const s = {
    ...Object.fromEntries(SCALAR_METRICS.map((m) => [m, null])),
    concentration_risk: Object.fromEntries(CONCENTRATION_METRICS.map((m) => [m, null])),
    portfolio_id: portfolioId,
    as_of: new Date(at).toISOString().slice(0, 10),
    observations: 252,
    timestamp: new Date(at).toISOString(),
    null_reasons: {},
    stale,
  } as unknown as RiskSnapshot;
  for (const [k, v] of Object.entries(values)) {
    if (k.startsWith('concentration_risk.')) (s.concentration_risk as unknown as Record<string, number | null>)[k.slice('concentration_risk.'.length)] = v;
    else (s as unknown as Record<string, number | null>)[k] = v;
  }
  return s;
}

export type EngineSettings = Omit<AlertEngineOptions, 'store' | 'events' | 'clock'>;

/** An engine on a real database file, driven by hand: feed values, move the clock, restart. */
export class Harness {
  readonly clock: ManualClock;
  store!: Store;
  events!: EventBus;
  engine!: AlertEngine;
  /** Every transition the hooks saw, across restarts. */
  readonly transitions: AlertTransitionEvent[] = [];
  /** Every new_alert / alert_updated on the bus, across restarts. */
  readonly published: { name: 'new_alert' | 'alert_updated'; alert: Alert }[] = [];

  constructor(
    readonly file: string,
    private readonly settings: EngineSettings = {},
    portfolios: string[] = ['p1', 'p2'],
  ) {
    this.clock = new ManualClock(T0);
    this.store = Store.open(file, this.clock);
    for (const id of portfolios) this.store.book.upsertPortfolio({ id, name: id.toUpperCase(), nav: 1e6, currency: 'USD' });
    this.boot();
  }

  static inDir(dir: string, name: string, settings?: EngineSettings, portfolios?: string[]): Harness {
    return new Harness(path.join(dir, `${name}.db`), settings, portfolios);
  }

  private boot(): void {
    this.events = new EventBus();
    this.events.on('new_alert', ({ alert }) => this.published.push({ name: 'new_alert', alert }));
    this.events.on('alert_updated', ({ alert }) => this.published.push({ name: 'alert_updated', alert }));
    this.engine = new AlertEngine({ store: this.store, events: this.events, clock: this.clock, ...this.settings });
    this.engine.addTransitionHook((e) => this.transitions.push(e));
  }

  /** Closes the engine and the database file, opens both again: what a process restart does. */
  restart(): void {
    this.engine.close();
    this.store.close();
    this.store = Store.open(this.file, this.clock);
    this.boot();
  }

  threshold(input: ThresholdInput, actor = 'alice') {
    return this.engine.createThreshold(input, actor);
  }

  /** Publishes a metrics event for one portfolio, as the monitor does. */
  feed(portfolioId: string, values: Partial<Record<MetricPath, number | null>>, stale = false): void {
    this.events.emit('metrics', { snapshot: snapshot(portfolioId, values, stale, this.clock.now()) });
  }

  advance(seconds: number): void {
    this.clock.advance(seconds * 1000);
  }

  /** Transitions (name only) seen since `from`. */
  transitionsSince(from: number): string[] {
    return this.transitions.slice(from).map((e) => e.transition);
  }

  /** Every alert row in the database, oldest first. */
  alerts(): Alert[] {
    return this.store.alerts.list({ limit: 10_000 }).reverse();
  }

  openInDb(): Alert[] {
    return this.store.alerts.listOpen();
  }

  close(): void {
    this.engine.close();
    this.store.close();
  }
}
