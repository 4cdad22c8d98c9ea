// The alert engine: evaluates thresholds on every metrics update, runs the alert lifecycle
// (TRIGGERED -> ACKNOWLEDGED -> RESOLVED, upgrades, reopenings, flapping), keeps noise down
// (pending durations, hysteresis, recovery dwell, flap guard, silences, inhibition, stale data)
// and keeps every bit of state in SQLite so a restart resumes where it stopped.
//
// The hot path (a snapshot whose thresholds are all fine) touches only memory. SQLite is written
// on transitions (at once, in one transaction with the audit row and every transition hook) and
// for a continuing breach's figures at most once per persist interval per alert.
import {
  type AlertStats,
  type AlertTimelineEntry,
  type Silence,
  type ThresholdPreview,
  type ThresholdPreviewRow,
  SIDE_COMPARISONS,
  isBreached,
  isRecovered,
  isWorse,
  lightFor,
  limitSide,
  silenceMatches,
  thresholdsFor,
  utilisation,
} from '../../../shared/alerts';
import { type Alert, AlertStatus, type Severity, SEVERITY_RANK, Severity as SeveritySchema, type Threshold } from '../../../shared/domain';
import type { RiskSnapshot } from '../../../shared/metrics';
import { ApiError, notFound } from '../api/dispatch';
import type { EventBus } from '../events';
import { type Clock, type Logger, silentLogger } from '../ports';
import type { Store } from '../store/store';
import { openAlertValues } from './open-alert';
import {
  type CompiledThreshold,
  type Condition,
  type Group,
  type OpenAlert,
  type PortfolioState,
  type Slot,
  alertGroupKey,
  buildGroups,
  compile,
  conditionKey,
  metricReader,
} from './groups';
import type { AlertTransition, AlertTransitionEvent, AlertTransitionHook } from './transitions';
import { validateSilence, validateThreshold } from './validate';

export interface FlapGuard {
  /** This many openings of one alert group within the window hold the alert open as flapping (>= 2). */
  openings: number;
  windowMinutes: number;
}

export interface AlertEngineOptions {
  store: Store;
  events: EventBus;
  clock: Clock;
  logger?: Logger;
  /** Default 3 openings in 10 minutes; null turns the guard off. */
  flap?: FlapGuard | null;
  /** Still breached this long after an acknowledgement: back to TRIGGERED ('reopened'). null = off (default). */
  ackTimeoutMinutes?: number | null;
  /** A continuing breach's figures are written at most this often per alert (default 5000 ms). */
  persistIntervalMs?: number;
  /** A cached snapshot older than this is not re-evaluated on threshold edits or timers (default 10 min). */
  maxSnapshotAgeMs?: number;
}

export interface AlertListQuery {
  status?: Alert['status'];
  severity?: Severity;
  portfolio_id?: string;
  since?: string;
  limit?: number;
  cursor?: string;
}

/** Contributes entries to alert timelines (notifications, escalation). Called with the alert. */
export type TimelineSource = (alert: Alert) => AlertTimelineEntry[];

/** What the engine has done, for health pages and tests. */
export interface AlertEngineCounters {
  /** Metrics updates received. */
  snapshots: number;
  /** Updates skipped because the snapshot was stale. */
  stale: number;
  /** Metric values that were not numbers (treated as unknown). */
  bad_values: number;
  /** Malformed metrics events (no portfolio id). */
  bad_snapshots: number;
  transitions: number;
  /** Throttled value writes of continuing breaches. */
  value_writes: number;
  /** Evaluation failures (rolled back; state reloaded from the database). */
  errors: number;
  /** Transition hooks that threw (their writes rolled back, the transition kept). */
  hook_errors: number;
}

const SYSTEM = 'system';

/** Clears a group's non-pending conditions (nothing left to hold), adding them to the changed list. */
function dropActive(g: Group, changed: Slot[] | null): Slot[] | null {
  for (const s of g.slots) {
    if (!s.cond || s.cond.state === 'pending') continue;
    s.cond = null;
    (changed ??= []).push(s);
  }
  return changed;
}

const iso = (ms: number) => new Date(ms).toISOString();
const copy = (a: Alert): Alert => ({ ...a });

interface Suppression {
  notify: boolean;
  reason?: string;
}

type QueuedEvent = { name: 'new_alert' | 'alert_updated'; alert: Alert };

export class AlertEngine {
  readonly counters: AlertEngineCounters = { snapshots: 0, stale: 0, bad_values: 0, bad_snapshots: 0, transitions: 0, value_writes: 0, errors: 0, hook_errors: 0 };

  private readonly store: Store;
  private readonly events: EventBus;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly flap: FlapGuard | null;
  private readonly ackTimeoutMs: number | null;
  private readonly persistIntervalMs: number;
  private readonly maxSnapshotAgeMs: number;

  private readonly hooks = new Set<AlertTransitionHook>();
  private readonly timelineSources = new Map<string, TimelineSource>();

  private thresholdList: Threshold[] = [];
  private compiled = new Map<number, CompiledThreshold>();
  private conditions = new Map<string, Condition>();
  private open = new Map<number, OpenAlert>();
  private openByGroup = new Map<string, OpenAlert>();
  private groups = new Map<string, Group>();
  private portfolios = new Map<string, PortfolioState>();
  private silences: Silence[] = [];

  private queue: QueuedEvent[] = [];
  private depth = 0;
  private reconciled = false;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: AlertEngineOptions) {
    this.store = opts.store;
    this.events = opts.events;
    this.clock = opts.clock;
    this.logger = opts.logger ?? silentLogger;
    this.flap = opts.flap === undefined ? { openings: 3, windowMinutes: 10 } : opts.flap;
    if (this.flap && (!Number.isInteger(this.flap.openings) || this.flap.openings < 2 || !(this.flap.windowMinutes > 0))) {
      throw new Error('flap guard: openings must be an integer >= 2 and windowMinutes > 0');
    }
    if (opts.ackTimeoutMinutes != null && !(opts.ackTimeoutMinutes > 0)) throw new Error('ackTimeoutMinutes must be above 0 (or null for no timeout)');
    this.ackTimeoutMs = opts.ackTimeoutMinutes == null ? null : opts.ackTimeoutMinutes * 60_000;
    this.persistIntervalMs = opts.persistIntervalMs ?? 5000;
    this.maxSnapshotAgeMs = opts.maxSnapshotAgeMs ?? 600_000;
    this.loadAll();
    this.unsubscribe = this.events.on('metrics', ({ snapshot }) => this.onMetrics(snapshot));
  }

  /** Runs timers (pending, recovery, acknowledgement timeout) and value writes every tickMs. */
  start(tickMs = 1000): void {
    if (this.timer) return;
    this.ensureReconciled();
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch (err) {
        this.counters.errors++;
        this.logger.error({ err }, 'alert engine tick failed');
      }
    }, tickMs);
    this.timer.unref();
  }

  /** Writes pending figures, stops listening and stops the timer. The store stays open. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.flush(true);
  }

  /** Registers a hook called inside the transaction of every transition. Returns its removal. */
  addTransitionHook(hook: AlertTransitionHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Lets another module add its entries (notifications, escalation steps) to alert timelines. */
  addTimelineSource(name: string, source: TimelineSource): () => void {
    this.timelineSources.set(name, source);
    return () => this.timelineSources.delete(name);
  }

  // ------------------------------------------------------------------ thresholds

  listThresholds(): Threshold[] {
    return this.thresholdList.map((t) => ({ ...t }));
  }

  /** Validates, stores (audited) and applies at once to the latest snapshots. */
  createThreshold(input: unknown, actor: string): Threshold {
    const settings = validateThreshold(input, this.portfolioExists);
    return this.changeThresholds(actor, () => this.store.thresholds.create(settings, actor));
  }

  /** Replaces a threshold (PUT semantics), audited, applied at once. */
  updateThreshold(id: number, input: unknown, actor: string): Threshold {
    if (!this.store.thresholds.get(id)) throw notFound(`threshold ${id}`);
    // The API's update input carries the path id; it must name the same threshold.
    if (input && typeof input === 'object' && 'id' in input) {
      const { id: bodyId, ...rest } = input as Record<string, unknown>;
      if (bodyId !== id) throw new ApiError(400, 'bad_request', `invalid threshold: id: ${String(bodyId)} does not match threshold ${id}`, [{ field: 'id', reason: `does not match threshold ${id}` }]);
      input = rest;
    }
    const settings = validateThreshold(input, this.portfolioExists);
    return this.changeThresholds(actor, () => this.store.thresholds.update(id, settings, actor)!);
  }

  /** Deletes a threshold (audited); alerts it holds open are resolved first. */
  deleteThreshold(id: number, actor: string): void {
    if (!this.store.thresholds.get(id)) throw notFound(`threshold ${id}`);
    this.guarded(() =>
      this.atomically(() => {
        // Resolve the alerts it holds while the threshold row still exists, then delete it.
        this.setThresholds(this.thresholdList.filter((t) => t.id !== id));
        this.reconciled = true;
        this.reconcile(actor);
        this.store.thresholds.delete(id, actor);
        this.reevaluateAll();
      }),
    );
  }

  /** What a threshold would show against the latest snapshots (default: the engine's), without storing it. */
  previewThreshold(input: unknown, latestSnapshots?: Iterable<RiskSnapshot>): ThresholdPreview {
    const t = validateThreshold(input, this.portfolioExists);
    const read = metricReader(t.metric_type);
    const side = limitSide(t.comparison_type);
    const snapshots = latestSnapshots ? [...latestSnapshots] : [...this.portfolios.values()].flatMap((p) => (p.latest ? [p.latest] : []));
    const rows: ThresholdPreviewRow[] = [];
    for (const s of snapshots) {
      if (t.portfolio_id !== '*' && s.portfolio_id !== t.portfolio_id) continue;
      const raw = read(s);
      const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
      const overridden =
        t.portfolio_id === '*' &&
        this.thresholdList.some((o) => o.enabled && o.portfolio_id === s.portfolio_id && o.metric_type === t.metric_type && limitSide(o.comparison_type) === side && o.severity === t.severity);
      const breached = value !== null && isBreached(value, t.comparison_type, t.threshold_value);
      rows.push({
        portfolio_id: s.portfolio_id,
        value,
        utilisation: utilisation(value, t),
        light: lightFor(value, t, s.stale),
        stale: s.stale,
        breached,
        would_fire: breached && !s.stale && t.enabled && t.pending_seconds === 0 && !overridden,
        overridden,
      });
    }
    rows.sort((a, b) => (a.portfolio_id < b.portfolio_id ? -1 : a.portfolio_id > b.portfolio_id ? 1 : 0));
    const count = (f: (r: ThresholdPreviewRow) => boolean) => rows.filter(f).length;
    return {
      comparison_type: t.comparison_type,
      threshold_value: t.threshold_value,
      rows,
      summary: {
        portfolios: rows.length,
        red: count((r) => r.light === 'red'),
        amber: count((r) => r.light === 'amber'),
        green: count((r) => r.light === 'green'),
        grey: count((r) => r.light === 'grey'),
        would_fire: count((r) => r.would_fire),
      },
    };
  }

  // ------------------------------------------------------------------ alerts

  acknowledge(id: number, actor: string, comment = ''): Alert {
    const oa = this.openOrThrow(id);
    if (oa.alert.status === 'ACKNOWLEDGED') {
      throw new ApiError(409, 'conflict', `alert ${id} was already acknowledged by ${oa.alert.acknowledged_by} at ${oa.alert.acknowledged_at}`);
    }
    const at = iso(this.clock.now());
    this.guarded(() =>
      this.atomically(() => {
        this.store.alerts.addAcknowledgment(id, actor, comment, at);
        this.change(oa, 'acknowledged', actor, comment || undefined, (a) => {
          a.status = 'ACKNOWLEDGED';
          a.acknowledged_at = at;
          a.acknowledged_by = actor;
        });
      }),
    );
    return copy(oa.alert);
  }

  /**
   * Resolves by hand. The alert's conditions start afresh: a breach that persists opens a new
   * alert (after its pending duration), linked to this one.
   */
  resolve(id: number, actor: string, reason: string): Alert {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new ApiError(400, 'bad_request', 'invalid resolution: reason: a manual resolution needs a reason', [{ field: 'reason', reason: 'a manual resolution needs a reason' }]);
    }
    const oa = this.openOrThrow(id);
    this.guarded(() =>
      this.atomically(() => {
        this.resolveAlert(oa, actor, reason.trim());
      }),
    );
    return copy(oa.alert);
  }

  get(id: number): Alert {
    const live = this.open.get(id);
    if (live) return copy(live.alert);
    const a = this.store.alerts.get(id);
    if (!a) throw notFound(`alert ${id}`);
    return a;
  }

  /** Newest first; pass `next_cursor` back as `cursor` for the next page. */
  list(q: AlertListQuery = {}): { items: Alert[]; next_cursor: string | null } {
    const issues: { field: string; reason: string }[] = [];
    const limit = q.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) issues.push({ field: 'limit', reason: 'must be an integer from 1 to 1000' });
    if (q.cursor !== undefined && !/^[1-9]\d{0,15}$/.test(q.cursor)) issues.push({ field: 'cursor', reason: 'not a cursor returned by this list' });
    if (q.status !== undefined && !AlertStatus.safeParse(q.status).success) issues.push({ field: 'status', reason: `expected one of ${AlertStatus.options.join(', ')}` });
    if (q.severity !== undefined && !SeveritySchema.safeParse(q.severity).success) issues.push({ field: 'severity', reason: `expected one of ${SeveritySchema.options.join(', ')}` });
    const since = q.since === undefined ? undefined : this.isoOrIssue(q.since, 'since', issues);
    if (issues.length) throw new ApiError(400, 'bad_request', `invalid alert query: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
    const rows = this.store.alerts.list({
      status: q.status,
      severity: q.severity,
      portfolioId: q.portfolio_id,
      since,
      beforeId: q.cursor === undefined ? undefined : Number(q.cursor),
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map((a) => {
      const live = this.open.get(a.id);
      return live ? copy(live.alert) : a;
    });
    return { items, next_cursor: rows.length > limit ? String(items[items.length - 1].id) : null };
  }

  /** Every open alert (TRIGGERED or ACKNOWLEDGED) with live figures, newest first. */
  openAlerts(): Alert[] {
    return [...this.open.values()].map((o) => copy(o.alert)).sort((a, b) => b.id - a.id);
  }

  /** The alert's history: its lifecycle from the audit trail and acknowledgements, plus contributed entries, oldest first. */
  timeline(id: number): AlertTimelineEntry[] {
    const alert = this.get(id);
    const entries: AlertTimelineEntry[] = [];
    const audit = this.store.audit.list({ entity: 'alert', entityId: String(id), limit: 10_000 }).reverse();
    for (const e of audit) {
      if (e.action === 'acknowledged') continue; // from alert_acknowledgments below, with the comment
      const after = (e.after ?? {}) as Partial<Alert> & { reason?: string | null; notify?: boolean | null };
      const before = (e.before ?? null) as Partial<Alert> | null;
      entries.push({
        at: e.at,
        source: 'alerts',
        kind: e.action,
        actor: e.actor,
        summary: this.summarise(e.action, before, after),
        data: {
          severity: after.severity,
          status: after.status,
          current_value: after.current_value,
          threshold_value: after.threshold_value,
          notify: after.notify,
          ...(after.reason ? { reason: after.reason } : {}),
        },
      });
    }
    for (const ack of this.store.alerts.listAcknowledgments(id)) {
      entries.push({ at: ack.at, source: 'alerts', kind: 'acknowledged', actor: ack.user, summary: ack.comment ? `acknowledged: ${ack.comment}` : 'acknowledged', data: { comment: ack.comment } });
    }
    const lastTransition = entries.reduce((m, e) => (e.at > m ? e.at : m), '');
    if (alert.breach_count > 1 && alert.updated_at > lastTransition) {
      entries.push({
        at: alert.updated_at,
        source: 'alerts',
        kind: 'updated',
        actor: SYSTEM,
        summary: `value ${alert.current_value}, worst ${alert.worst_value}, ${alert.breach_count} breached updates`,
        data: { current_value: alert.current_value, worst_value: alert.worst_value, breach_count: alert.breach_count },
      });
    }
    for (const [name, source] of this.timelineSources) {
      try {
        entries.push(...source(copy(alert)));
      } catch (err) {
        this.logger.error({ err, source: name, alertId: id }, 'timeline source failed');
      }
    }
    // Stable: entries at the same instant keep the lifecycle order, then contributions.
    return entries.map((e, i) => ({ e, i })).sort((a, b) => (a.e.at < b.e.at ? -1 : a.e.at > b.e.at ? 1 : a.i - b.i)).map((x) => x.e);
  }

  stats(q: { since?: string } = {}): AlertStats {
    const issues: { field: string; reason: string }[] = [];
    const since = q.since === undefined ? undefined : this.isoOrIssue(q.since, 'since', issues);
    if (issues.length) throw new ApiError(400, 'bad_request', `invalid stats query: since: ${issues[0].reason}`, issues);
    return this.store.alerts.stats(since);
  }

  // ------------------------------------------------------------------ silences

  listSilences(q: { active?: boolean } = {}): Silence[] {
    const all = this.store.alerts.listSilences();
    if (!q.active) return all;
    const at = iso(this.clock.now());
    return all.filter((s) => s.starts_at <= at && at < s.ends_at);
  }

  createSilence(input: unknown, actor: string): Silence {
    const values = validateSilence(input, this.clock.now(), this.portfolioExists);
    const s = this.store.alerts.createSilence(values, actor);
    this.loadSilences();
    return s;
  }

  updateSilence(id: number, input: unknown, actor: string): Silence {
    if (!this.store.alerts.getSilence(id)) throw notFound(`silence ${id}`);
    const values = validateSilence(input, this.clock.now(), this.portfolioExists);
    const s = this.store.alerts.updateSilence(id, values, actor)!;
    this.loadSilences();
    return s;
  }

  deleteSilence(id: number, actor: string): void {
    if (!this.store.alerts.deleteSilence(id, actor)) throw notFound(`silence ${id}`);
    this.loadSilences();
  }

  // ------------------------------------------------------------------ evaluation

  /** Evaluates one metrics update (what the `metrics` listener does). */
  evaluate(snapshot: RiskSnapshot): void {
    if (!snapshot || typeof snapshot.portfolio_id !== 'string' || snapshot.portfolio_id === '') {
      this.counters.bad_snapshots++;
      return;
    }
    this.counters.snapshots++;
    this.ensureReconciled();
    const now = this.clock.now();
    const ps = this.portfolio(snapshot.portfolio_id);
    ps.latest = snapshot;
    ps.latestAt = now;
    // Stale data neither fires nor resolves: a data outage must not page the desk, nor clear it.
    if (snapshot.stale) {
      this.counters.stale++;
      return;
    }
    this.evaluatePortfolio(ps, snapshot, now, true);
  }

  /**
   * Timers: re-evaluates the latest fresh snapshot of portfolios with something pending
   * (a pending breach, a recovery dwell, an acknowledgement timeout), then writes due figures.
   */
  tick(): void {
    this.ensureReconciled();
    const now = this.clock.now();
    for (const ps of this.portfolios.values()) {
      if (!ps.latest || ps.latest.stale || now - ps.latestAt > this.maxSnapshotAgeMs) continue;
      if (!ps.groups.some((g) => g.open !== null || g.slots.some((s) => s.cond !== null))) continue;
      this.evaluatePortfolio(ps, ps.latest, now, false);
    }
    this.flush(false);
  }

  /** Writes the figures of continuing breaches: those due (or all, when closing). */
  flush(all: boolean): void {
    const now = this.clock.now();
    const due = [...this.open.values()].filter((o) => o.dirty && (all || now - o.persistedAt >= this.persistIntervalMs));
    if (!due.length) return;
    this.guarded(() => this.atomically(() => due.forEach((o) => this.writeValues(o, now))));
  }

  // ------------------------------------------------------------------ internals: evaluation

  private onMetrics(snapshot: RiskSnapshot): void {
    try {
      this.evaluate(snapshot);
    } catch (err) {
      this.counters.errors++;
      this.logger.error({ err, portfolio: snapshot?.portfolio_id }, 'alert evaluation failed');
    }
  }

  private evaluatePortfolio(ps: PortfolioState, snapshot: RiskSnapshot, now: number, counting: boolean): void {
    for (const g of ps.groups) {
      try {
        this.evaluateGroup(ps, g, snapshot, now, counting);
      } catch (err) {
        this.counters.errors++;
        this.logger.error({ err, portfolio: ps.id, metric: g.metric }, 'alert evaluation failed; state reloaded from the database');
        this.reloadPortfolio(ps.id);
        return;
      }
    }
  }

  /**
   * One group against one value. Phase 1 moves the conditions in memory (no I/O, the hot path);
   * phase 2, only when something changed, writes conditions and the alert transition in one
   * transaction. If phase 2 fails, the portfolio's state is reloaded from the database.
   */
  private evaluateGroup(ps: PortfolioState, g: Group, snapshot: RiskSnapshot, now: number, counting: boolean): void {
    const raw = g.read(snapshot);
    if (raw === null) return; // unknown: neither breach nor recovery
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      this.counters.bad_values++;
      return;
    }
    const v = raw;
    const oa = g.open;
    const flapDwell = oa?.alert.flapping && this.flap ? this.flap.windowMinutes * 60_000 : 0;
    let changed: Slot[] | null = null;
    let top: Slot | null = null; // most severe confirmed breach now
    let anyActive = false;
    let anyPending = false;
    let allDwellDone = true;

    for (const slot of g.slots) {
      const c = slot.c;
      let cond = slot.cond;
      const before = cond?.state;
      if (isBreached(v, c.comparison, c.limit)) {
        if (!cond) {
          cond = slot.cond = { state: c.pendingMs === 0 ? 'firing' : 'pending', since: now, lastValue: v };
        } else if (cond.state === 'pending') {
          if (now - cond.since >= c.pendingMs) {
            cond.state = 'firing';
            cond.since = now;
          }
        } else if (cond.state !== 'firing') {
          cond.state = 'firing';
          cond.since = now;
        }
      } else if (cond) {
        if (cond.state === 'pending') {
          slot.cond = null; // the breach did not hold
        } else if (!isRecovered(v, c.t)) {
          if (cond.state !== 'holding') {
            cond.state = 'holding';
            cond.since = now;
          }
        } else if (cond.state !== 'recovering') {
          cond.state = 'recovering';
          cond.since = now;
        }
      }
      cond = slot.cond;
      if (cond?.state !== before) {
        if (cond) cond.lastValue = v;
        (changed ??= []).push(slot);
      }
      if (cond?.state === 'pending') anyPending = true;
      else if (cond) {
        anyActive = true;
        if (cond.state === 'firing' && top === null) top = slot;
        if (cond.state !== 'recovering' || now - cond.since < Math.max(c.recoveryMs, flapDwell)) allDwellDone = false;
      }
    }

    if (!oa) {
      if (top) {
        this.commit(g, changed, () => this.trigger(ps, g, top, v, now));
      } else if (anyActive) {
        // Holding or recovering with no alert to hold (its alert was resolved): nothing to wait for.
        changed = dropActive(g, changed);
        this.commit(g, changed, null);
      } else if (changed) {
        this.commit(g, changed, null);
      }
      return;
    }

    // A live alert: figures first (kept in memory, written by the transition or when due).
    const a = oa.alert;
    if (a.current_value !== v || (counting && top)) {
      a.current_value = v;
      if (a.worst_value === null || isWorse(v, a.worst_value, a.comparison_type, a.threshold_value)) a.worst_value = v;
      if (counting && top) a.breach_count++;
      a.updated_at = iso(now);
      oa.dirty = true;
    }

    let action: (() => void) | null = null;
    if (top && top.c.rank > SEVERITY_RANK[a.severity]) {
      action = () => this.upgrade(oa, top.c);
    } else if ((!anyActive || allDwellDone) && !anyPending) {
      // Nothing holds the alert open any more. (A breach still pending on a threshold of the
      // group keeps it open: it would only fire again once confirmed.)
      if (!a.flapping && anyActive && this.isFlapping(g, now)) {
        action = () => this.markFlapping(oa);
      } else {
        // Recovered on every threshold of the group (pending ones do not hold an alert open).
        changed = dropActive(g, changed);
        action = () => this.resolveAlert(oa, SYSTEM, a.flapping ? 'recovered (was flapping)' : 'recovered', false);
      }
    } else if (this.ackTimeoutMs !== null && a.status === 'ACKNOWLEDGED' && top && now - Date.parse(a.acknowledged_at!) >= this.ackTimeoutMs) {
      action = () => this.reopen(oa);
    } else if (oa.dirty && now - oa.persistedAt >= this.persistIntervalMs) {
      action = () => this.writeValues(oa, now);
    }
    if (changed || action) this.commit(g, changed, action);
  }

  /** Phase 2: condition rows and the transition, in one transaction. */
  private commit(g: Group, changed: Slot[] | null, action: (() => void) | null): void {
    this.atomically(() => {
      action?.();
      for (const slot of changed ?? []) {
        const key = conditionKey(g.portfolioId, slot.c.id);
        if (slot.cond) {
          this.conditions.set(key, slot.cond);
          this.store.alerts.saveCondition({ portfolioId: g.portfolioId, thresholdId: slot.c.id, state: slot.cond.state, since: iso(slot.cond.since), lastValue: slot.cond.lastValue });
        } else {
          this.conditions.delete(key);
          this.store.alerts.deleteCondition(g.portfolioId, slot.c.id);
        }
      }
    });
  }

  private isFlapping(g: Group, now: number): boolean {
    if (!this.flap) return false;
    const since = iso(now - this.flap.windowMinutes * 60_000);
    return this.store.alerts.listGroup(g.portfolioId, g.metric, SIDE_COMPARISONS[g.side], since, this.flap.openings).length >= this.flap.openings;
  }

  // ------------------------------------------------------------------ internals: transitions

  private trigger(ps: PortfolioState, g: Group, slot: Slot, v: number, now: number): void {
    const t = slot.c.t;
    const at = iso(now);
    const previous = this.store.alerts.listGroup(g.portfolioId, g.metric, SIDE_COMPARISONS[g.side], undefined, 1)[0];
    const values = openAlertValues({ portfolioId: g.portfolioId, threshold: t, value: v, at, previousAlertId: previous?.id });
    const sup = this.suppression(values, null, ps);
    const alert = this.store.alerts.insert(values, { actor: SYSTEM, action: 'triggered', reason: sup.reason, notify: sup.notify });
    const oa: OpenAlert = { alert, groupKey: g.key, dirty: false, persistedAt: now, persisted: copy(alert) };
    this.open.set(alert.id, oa);
    this.openByGroup.set(g.key, oa);
    g.open = oa;
    this.counters.transitions++;
    this.runHooks({ transition: 'triggered', alert: copy(alert), previous: null, at, actor: SYSTEM, notify: sup.notify, ...(sup.reason ? { reason: sup.reason } : {}) });
    this.queue.push({ name: 'new_alert', alert: copy(alert) });
  }

  private upgrade(oa: OpenAlert, c: CompiledThreshold): void {
    const from = oa.alert.severity;
    this.change(oa, 'upgraded', SYSTEM, `${from} -> ${c.t.severity}: threshold #${c.id} (${c.t.comparison_type} ${c.t.threshold_value}) breached`, (a) => {
      a.severity = c.t.severity;
      a.threshold_id = c.id;
      a.threshold_value = c.t.threshold_value;
      a.comparison_type = c.t.comparison_type;
      a.description = c.t.description;
      // An acknowledgement of the lesser breach is not one of the graver breach.
      a.status = 'TRIGGERED';
      a.acknowledged_at = null;
      a.acknowledged_by = null;
    });
  }

  private reopen(oa: OpenAlert): void {
    const by = oa.alert.acknowledged_by;
    this.change(oa, 'reopened', SYSTEM, `still breached ${this.ackTimeoutMs! / 60_000} min after acknowledgement by ${by}`, (a) => {
      a.status = 'TRIGGERED';
      a.acknowledged_at = null;
      a.acknowledged_by = null;
    });
  }

  private markFlapping(oa: OpenAlert): void {
    const f = this.flap!;
    this.change(oa, 'flapping', SYSTEM, `opened ${f.openings} times within ${f.windowMinutes} min: held open until quiet for ${f.windowMinutes} min`, (a) => {
      a.flapping = true;
    });
  }

  /** Resolves an alert; a resolution by hand (or by a threshold change) clears its group's conditions. */
  private resolveAlert(oa: OpenAlert, actor: string, reason: string, clearConditions = true): void {
    const at = iso(this.clock.now());
    this.change(oa, 'resolved', actor, reason, (a) => {
      a.status = 'RESOLVED';
      a.resolved_at = at;
      a.resolved_by = actor;
      a.resolution = reason;
    });
    this.open.delete(oa.alert.id);
    if (this.openByGroup.get(oa.groupKey) === oa) this.openByGroup.delete(oa.groupKey);
    const g = this.groups.get(oa.groupKey);
    if (g && g.open === oa) g.open = null;
    if (clearConditions && g) {
      for (const s of g.slots) {
        if (!s.cond) continue;
        s.cond = null;
        this.conditions.delete(conditionKey(g.portfolioId, s.c.id));
        this.store.alerts.deleteCondition(g.portfolioId, s.c.id);
      }
    }
  }

  /** A state change: written in full with its audit row, hooks called, event queued. */
  private change(oa: OpenAlert, transition: AlertTransition, actor: string, reason: string | undefined, mutate: (a: Alert) => void): void {
    const now = this.clock.now();
    const before = copy(oa.alert);
    const after = copy(oa.alert);
    mutate(after);
    after.updated_at = iso(now);
    const sup = transition === 'updated' ? { notify: false } : this.suppression(after, after.id, this.portfolios.get(after.portfolio_id));
    const why = [reason, sup.reason].filter(Boolean).join('; ') || undefined;
    this.store.alerts.update(before, after, { actor, action: transition, reason: why, notify: sup.notify });
    oa.alert = after;
    oa.persisted = copy(after);
    oa.dirty = false;
    oa.persistedAt = now;
    this.counters.transitions++;
    this.runHooks({ transition, alert: copy(after), previous: before, at: after.updated_at, actor, notify: sup.notify, ...(why ? { reason: why } : {}) });
    this.queue.push({ name: 'alert_updated', alert: copy(after) });
  }

  /** A continuing breach's figures: no audit row (not a state change), an 'updated' transition that never notifies. */
  private writeValues(oa: OpenAlert, now: number): void {
    const a = oa.alert;
    this.store.alerts.updateValues(a.id, a);
    const previous = oa.persisted;
    oa.persisted = copy(a);
    oa.dirty = false;
    oa.persistedAt = now;
    this.counters.value_writes++;
    this.runHooks({ transition: 'updated', alert: copy(a), previous, at: iso(now), actor: SYSTEM, notify: false });
    this.queue.push({ name: 'alert_updated', alert: copy(a) });
  }

  /** Silences first, then inhibition: an open CRITICAL on the same portfolio and metric mutes lesser alerts. */
  private suppression(a: Pick<Alert, 'portfolio_id' | 'metric_type' | 'severity'>, id: number | null, ps: PortfolioState | undefined): Suppression {
    const at = iso(this.clock.now());
    const s = this.silences.find((x) => silenceMatches(x, a, at));
    if (s) return { notify: false, reason: `silenced by #${s.id} (${s.reason})` };
    if (a.severity !== 'CRITICAL' && ps) {
      for (const g of ps.groups) {
        const o = g.open?.alert;
        if (o && o.id !== id && o.metric_type === a.metric_type && o.severity === 'CRITICAL') return { notify: false, reason: `inhibited by CRITICAL #${o.id}` };
      }
    }
    return { notify: true };
  }

  private runHooks(event: AlertTransitionEvent): void {
    for (const hook of this.hooks) {
      try {
        // A savepoint per hook: a failing hook loses its own writes, never the transition.
        this.store.transaction(() => hook(event));
      } catch (err) {
        this.counters.hook_errors++;
        this.logger.error({ err, transition: event.transition, alertId: event.alert.id }, 'alert transition hook failed');
      }
    }
  }

  /**
   * Runs fn in a transaction; events it queued are emitted once the outermost transaction has
   * committed, and dropped if its part rolled back.
   */
  private atomically<T>(fn: () => T): T {
    const mark = this.queue.length;
    this.depth++;
    try {
      const result = this.store.transaction(fn);
      if (this.depth === 1) {
        const events = this.queue;
        this.queue = [];
        for (const e of events) this.events.emit(e.name, { alert: e.alert });
      }
      return result;
    } catch (err) {
      this.queue.length = mark;
      throw err;
    } finally {
      this.depth--;
    }
  }

  /** Runs a user action; if it fails, memory is reloaded from the database (which rolled back). */
  private guarded<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (this.depth === 0) this.reloadAll();
      throw err;
    }
  }

  private changeThresholds(actor: string, write: () => Threshold): Threshold {
    return this.guarded(() =>
      this.atomically(() => {
        const t = write();
        this.setThresholds(this.store.thresholds.list());
        this.reconciled = true;
        this.reconcile(actor);
        this.reevaluateAll();
        return t;
      }),
    );
  }

  /** Applies the latest fresh snapshots to the (changed) thresholds at once. */
  private reevaluateAll(): void {
    const now = this.clock.now();
    for (const ps of this.portfolios.values()) {
      if (ps.latest && !ps.latest.stale && now - ps.latestAt <= this.maxSnapshotAgeMs) this.evaluatePortfolio(ps, ps.latest, now, false);
    }
  }

  // ------------------------------------------------------------------ internals: state

  /**
   * Thresholds may have changed while the engine was down (another process, the CLI). The
   * alerts they held are resolved on first use rather than in the constructor, so the hooks
   * registered after the desk opened see those transitions too.
   */
  private ensureReconciled(): void {
    if (this.reconciled) return;
    this.reconciled = true;
    this.guarded(() => this.atomically(() => this.reconcile(SYSTEM)));
  }

  private readonly portfolioExists = (id: string): boolean => this.store.book.getPortfolio(id) !== undefined;

  private openOrThrow(id: number): OpenAlert {
    const oa = this.open.get(id);
    if (oa) return oa;
    const a = this.store.alerts.get(id);
    if (!a) throw notFound(`alert ${id}`);
    throw new ApiError(409, 'conflict', `alert ${id} is already RESOLVED (${a.resolved_at} by ${a.resolved_by})`);
  }

  private isoOrIssue(v: string, field: string, issues: { field: string; reason: string }[]): string | undefined {
    const ms = Date.parse(v);
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(ms)) {
      issues.push({ field, reason: 'expected an ISO-8601 time such as 2026-01-02T14:00:00Z' });
      return undefined;
    }
    return iso(ms);
  }

  private summarise(action: string, before: Partial<Alert> | null, after: Partial<Alert> & { reason?: string | null; notify?: boolean | null }): string {
    const muted = after.notify === false ? ' (not notified)' : '';
    const why = after.reason ? `: ${after.reason}` : '';
    switch (action) {
      case 'triggered':
        return `${after.severity} ${after.metric_type} ${after.current_value} breached ${after.comparison_type} ${after.threshold_value}${muted}${why}`;
      case 'upgraded':
        return `severity ${before?.severity} -> ${after.severity}${muted}${why}`;
      case 'resolved':
        return `resolved${why}${muted}`;
      default:
        return `${action}${why}${muted}`;
    }
  }

  private setThresholds(list: Threshold[]): void {
    this.thresholdList = list;
    this.compiled = new Map(list.map((t) => [t.id, compile(t)]));
    for (const ps of this.portfolios.values()) this.buildPortfolio(ps);
  }

  private loadSilences(): void {
    const now = iso(this.clock.now());
    this.silences = this.store.alerts.listSilences().filter((s) => s.ends_at > now);
  }

  /** Memory from the database: thresholds, conditions, open alerts, silences. Keeps cached snapshots. */
  private loadAll(): void {
    this.conditions = new Map(
      this.store.alerts.listConditions().map((c) => [conditionKey(c.portfolioId, c.thresholdId), { state: c.state, since: Date.parse(c.since), lastValue: c.lastValue }]),
    );
    this.open = new Map();
    this.openByGroup = new Map();
    const now = this.clock.now();
    for (const a of this.store.alerts.listOpen()) this.registerOpen(a, now);
    this.loadSilences();
    const ids = new Set<string>([...this.portfolios.keys(), ...this.store.book.listPortfolios().map((p) => p.id)]);
    for (const a of this.open.values()) ids.add(a.alert.portfolio_id);
    for (const key of this.conditions.keys()) ids.add(key.slice(0, key.indexOf('\u0000')));
    for (const id of ids) if (!this.portfolios.has(id)) this.portfolios.set(id, { id, groups: [], latest: null, latestAt: 0 });
    this.setThresholds(this.store.thresholds.list());
  }

  private registerOpen(a: Alert, now: number): void {
    const oa: OpenAlert = { alert: a, groupKey: alertGroupKey(a), dirty: false, persistedAt: now, persisted: copy(a) };
    this.open.set(a.id, oa);
    this.openByGroup.set(oa.groupKey, oa);
  }

  private reloadAll(): void {
    this.groups = new Map();
    this.loadAll();
  }

  /** After a failed write: this portfolio's conditions and open alerts as the database has them. */
  private reloadPortfolio(id: string): void {
    for (const key of [...this.conditions.keys()]) if (key.startsWith(`${id}\u0000`)) this.conditions.delete(key);
    for (const c of this.store.alerts.listConditions(id)) {
      this.conditions.set(conditionKey(id, c.thresholdId), { state: c.state, since: Date.parse(c.since), lastValue: c.lastValue });
    }
    for (const oa of [...this.open.values()]) {
      if (oa.alert.portfolio_id !== id) continue;
      this.open.delete(oa.alert.id);
      this.openByGroup.delete(oa.groupKey);
    }
    const now = this.clock.now();
    for (const a of this.store.alerts.listOpen(id)) this.registerOpen(a, now);
    this.buildPortfolio(this.portfolio(id));
  }

  private portfolio(id: string): PortfolioState {
    let ps = this.portfolios.get(id);
    if (!ps) {
      ps = { id, groups: [], latest: null, latestAt: 0 };
      this.portfolios.set(id, ps);
      this.buildPortfolio(ps);
    }
    return ps;
  }

  private buildPortfolio(ps: PortfolioState): void {
    for (const g of ps.groups) this.groups.delete(g.key);
    const applicable = thresholdsFor(ps.id, this.thresholdList).map((t) => this.compiled.get(t.id)!);
    ps.groups = buildGroups(ps.id, applicable, this.conditions, this.openByGroup);
    for (const g of ps.groups) this.groups.set(g.key, g);
  }

  /**
   * Brings durable state in line with the thresholds: conditions of thresholds that no longer
   * apply are dropped; an open alert whose threshold was deleted, disabled or no longer applies
   * is resolved (its group starts afresh); an open alert whose threshold was edited takes the
   * new limit, severity and description.
   */
  private reconcile(actor: string): void {
    const linked = new Set<string>();
    for (const ps of this.portfolios.values()) for (const g of ps.groups) for (const s of g.slots) linked.add(conditionKey(ps.id, s.c.id));
    for (const key of [...this.conditions.keys()]) {
      if (linked.has(key)) continue;
      const sep = key.indexOf('\u0000');
      this.conditions.delete(key);
      this.store.alerts.deleteCondition(key.slice(0, sep), Number(key.slice(sep + 1)));
    }
    for (const oa of [...this.open.values()]) {
      const a = oa.alert;
      const g = this.groups.get(oa.groupKey);
      const slot = g?.slots.find((s) => s.c.id === a.threshold_id);
      if (!slot) {
        const t = a.threshold_id === null ? undefined : this.thresholdList.find((x) => x.id === a.threshold_id);
        const why = a.threshold_id === null ? 'threshold deleted' : !t ? `threshold #${a.threshold_id} deleted` : !t.enabled ? `threshold #${t.id} disabled` : `threshold #${t.id} no longer applies to ${a.portfolio_id}`;
        if (g) g.open = oa; // so resolveAlert clears the group's conditions
        this.resolveAlert(oa, actor, actor === SYSTEM ? why : `${why} by ${actor}`);
        continue;
      }
      const t = slot.c.t;
      if (a.threshold_value !== t.threshold_value || a.comparison_type !== t.comparison_type || a.description !== t.description || a.severity !== t.severity) {
        const raised = SEVERITY_RANK[t.severity] > SEVERITY_RANK[a.severity];
        this.change(oa, raised ? 'upgraded' : 'updated', actor, `threshold #${t.id} changed by ${actor}`, (x) => {
          x.threshold_value = t.threshold_value;
          x.comparison_type = t.comparison_type;
          x.description = t.description;
          x.severity = t.severity;
          if (raised) {
            x.status = 'TRIGGERED';
            x.acknowledged_at = null;
            x.acknowledged_by = null;
          }
        });
      }
    }
  }
}
