// The dashboard's state: one zustand store fed by the DeskClient. Push events are buffered and
// applied once per animation frame (latest snapshot per portfolio wins), so 200 portfolios
// updating every second cost one store update and one board rebuild per frame, and only the
// rows whose figures changed re-render.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Health, PortfolioSummary } from '../types';
import { type ConnectionState, type DeskClient, DeskClientError } from '../../../shared/client';
import type { Alert, Threshold } from '../../../shared/domain';
import { CONFIG_KINDS, type ConfigKind, type DeskEvent, type DeskEventOf, type FeedStatus } from '../../../shared/events';
import type { RiskSnapshot } from '../../../shared/metrics';
import { type Board, buildBoard, type BoardInput } from './board';
import { frameScheduler, type Scheduler } from './frame';

export type EscalationNotice = DeskEventOf<'escalation'>;
export type SystemNotice = DeskEventOf<'system'>;

export interface CycleInfo {
  at: string;
  duration_ms: number;
  portfolios: number;
}

export interface DeskState {
  connection: ConnectionState;
  /** The first full load finished. */
  loaded: boolean;
  loadError: string | null;
  health: Health | null;
  feed: FeedStatus | null;
  lastCycle: CycleInfo | null;
  portfolios: Record<string, PortfolioSummary>;
  snapshots: Record<string, RiskSnapshot>;
  thresholds: Threshold[];
  /** Open alerts, and any alert seen change since the page loaded. */
  alerts: Record<number, Alert>;
  /** Escalation steps seen live, per alert id (the timeline endpoint has the full history). */
  escalations: Record<number, EscalationNotice[]>;
  /** Recent warnings and errors from the engine, newest last. */
  notices: SystemNotice[];
  board: Board;
  /**
   * Bumped for each configuration change announced by the server (any client's, ours included):
   * a view showing that kind depends on its number and reads the slice again when it moves.
   */
  configVersions: Record<ConfigKind, number>;
  /** Events applied since load (the status bar's liveness tick). */
  eventsApplied: number;
  lastEventAt: string | null;
}

const MAX_NOTICES = 50;
/**
 * Snapshots applied per frame. A refresh cycle pushes every portfolio at once; applying them over
 * a few frames (a 200-portfolio burst lands within ~4 frames) keeps each frame's re-render,
 * layout and paint small. Alerts and system events are never held back.
 */
const SNAPSHOTS_PER_FRAME = 60;
const LOAD_RETRY_MS = 1000;
const LOAD_RETRY_MAX_MS = 30_000;

function newer(a: { timestamp: string } | undefined, b: { timestamp: string }): boolean {
  return !a || b.timestamp >= a.timestamp;
}

function newerAlert(a: Alert | undefined, b: Alert): boolean {
  return !a || b.updated_at >= a.updated_at;
}

export interface DeskModelOptions {
  scheduler?: Scheduler;
}

/** Owns the store and feeds it from the client. */
export class DeskModel {
  readonly store: StoreApi<DeskState>;
  private readonly scheduler: Scheduler;
  private cancelFlush: (() => void) | null = null;
  private readonly pendingSnapshots = new Map<string, RiskSnapshot>();
  private readonly pendingAlerts = new Map<number, Alert>();
  private pendingEscalations: EscalationNotice[] = [];
  private pendingSystem: SystemNotice[] = [];
  private readonly pendingConfig = new Set<ConfigKind>();
  private pendingCount = 0;
  private boardInput: BoardInput | null = null;
  private readonly offs: (() => void)[] = [];
  private thresholdSeq = 0;
  private wasOpen = false;
  private loadSeq = 0;
  private loadRetry: ReturnType<typeof setTimeout> | null = null;
  private loadFailures = 0;
  private stopped = false;

  constructor(
    readonly client: DeskClient,
    private readonly opts: DeskModelOptions = {},
  ) {
    this.scheduler = opts.scheduler ?? frameScheduler();
    const empty: Board = { rows: {}, order: [], summary: { score: null, counts: { red: 0, amber: 0, grey: 0, green: 0, none: 0 }, openAlerts: 0, unacknowledged: 0 } };
    this.store = createStore<DeskState>(() => ({
      connection: 'connecting',
      loaded: false,
      loadError: null,
      health: null,
      feed: null,
      lastCycle: null,
      portfolios: {},
      snapshots: {},
      thresholds: [],
      alerts: {},
      escalations: {},
      notices: [],
      configVersions: Object.fromEntries(CONFIG_KINDS.map((k) => [k, 0])) as Record<ConfigKind, number>,
      board: empty,
      eventsApplied: 0,
      lastEventAt: null,
    }));
  }

  /** Subscribes to pushes and loads the book; reloads after every reconnect. */
  start(): void {
    this.offs.push(this.client.onEvent((e) => this.enqueue(e)));
    let everOpen = false;
    this.offs.push(
      this.client.onConnection((state) => {
        const reopened = state === 'open' && !this.wasOpen && everOpen;
        this.wasOpen = state === 'open';
        everOpen ||= this.wasOpen;
        this.setAndRebuild({ connection: state });
        // Whatever happened while we were away (alerts acknowledged, thresholds edited) is read afresh.
        if (reopened) void this.load();
      }),
    );
    this.client.subscribe(['*']);
    // REST answers before the push channel opens: the book loads at once.
    void this.load();
    // No polling for limits edited elsewhere: the server announces every committed change
    // (config_changed), and whatever was missed while disconnected is read on the reconnect above.
  }

  stop(): void {
    this.stopped = true;
    if (this.loadRetry) clearTimeout(this.loadRetry);
    for (const off of this.offs.splice(0)) off();
    this.cancelFlush?.();
    this.cancelFlush = null;
  }

  /**
   * Reads everything the board needs: portfolios, limits, open alerts, latest figures, health.
   * Every portfolio's latest figures come in one response (risk.latest), so the board appears
   * with all its lights at once, whatever the size of the book.
   */
  async load(): Promise<void> {
    if (this.loadRetry) clearTimeout(this.loadRetry);
    this.loadRetry = null;
    const seq = ++this.loadSeq;
    try {
      const [portfolios, latest, thresholds, triggered, acknowledged, health] = await Promise.all([
        this.client.call('portfolios.list', {}),
        this.client.call('risk.latest', {}),
        this.client.call('thresholds.list', {}),
        this.client.call('alerts.list', { status: 'TRIGGERED', limit: 1000 }),
        this.client.call('alerts.list', { status: 'ACKNOWLEDGED', limit: 1000 }),
        this.client.call('health', {}),
      ]);
      if (seq !== this.loadSeq) return;
      const s = this.store.getState();
      const byId: Record<string, PortfolioSummary> = {};
      for (const p of portfolios) byId[p.id] = p;
      const alerts: Record<number, Alert> = {};
      // Keep alerts that changed live during the load when they are newer than what the list says.
      for (const a of [...triggered.items, ...acknowledged.items]) alerts[a.id] = newerAlert(s.alerts[a.id], a) ? a : s.alerts[a.id];
      for (const a of Object.values(s.alerts)) if (!alerts[a.id] && a.status === 'RESOLVED') alerts[a.id] = a;
      // A snapshot pushed while the load was in flight may be newer than the one fetched: it stays.
      // (Pushes still buffered are checked the same way when their frame applies them.)
      const snapshots = { ...s.snapshots };
      for (const snap of latest) if (byId[snap.portfolio_id] && newer(snapshots[snap.portfolio_id], snap)) snapshots[snap.portfolio_id] = snap;
      this.loadFailures = 0;
      this.setAndRebuild({
        loaded: true,
        portfolios: byId,
        snapshots,
        thresholds,
        alerts,
        health,
        feed: health.feed ?? s.feed,
        lastCycle: s.lastCycle ?? (health.last_cycle_at ? { at: health.last_cycle_at, duration_ms: NaN, portfolios: portfolios.length } : null),
        loadError: null,
      });
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.store.setState({ loadError: err instanceof Error ? err.message : String(err), loaded: true });
      // A busy or restarting server must not leave the screen empty: try again, backing off.
      if (!this.stopped && !(err instanceof DeskClientError && (err.status === 401 || err.status === 403))) {
        const delay = Math.min(LOAD_RETRY_MAX_MS, LOAD_RETRY_MS * 2 ** this.loadFailures++);
        this.loadRetry = setTimeout(() => void this.load(), delay);
      }
    }
  }

  async refreshThresholds(): Promise<void> {
    const seq = ++this.thresholdSeq;
    try {
      const thresholds = await this.client.call('thresholds.list', {});
      // Two refreshes in flight (an edit here, an event from elsewhere): only the last asked wins.
      if (seq !== this.thresholdSeq) return;
      this.setAndRebuild({ thresholds });
    } catch {
      // Kept as they were; the status bar shows the connection problem.
    }
  }

  /** Applies an alert the caller got back from an action (acknowledge, resolve) without waiting for the push. */
  applyAlert(alert: Alert): void {
    const cur = this.store.getState().alerts[alert.id];
    if (!newerAlert(cur, alert)) return;
    this.setAndRebuild({ alerts: { ...this.store.getState().alerts, [alert.id]: alert } });
  }

  async acknowledge(id: number, comment: string): Promise<Alert> {
    const a = await this.client.call('alerts.acknowledge', { id, comment });
    this.applyAlert(a);
    return a;
  }

  async resolve(id: number, reason: string): Promise<Alert> {
    const a = await this.client.call('alerts.resolve', { id, reason });
    this.applyAlert(a);
    return a;
  }

  /** Buffers one pushed event; the store sees it at the next frame. */
  enqueue(e: DeskEvent): void {
    this.pendingCount++;
    switch (e.type) {
      case 'risk_metrics_update': {
        const snap = e.metrics;
        if (newer(this.pendingSnapshots.get(e.portfolio_id), snap)) this.pendingSnapshots.set(e.portfolio_id, snap);
        break;
      }
      case 'new_alert':
      case 'alert_updated':
        if (newerAlert(this.pendingAlerts.get(e.alert.id), e.alert)) this.pendingAlerts.set(e.alert.id, e.alert);
        break;
      case 'escalation':
        this.pendingEscalations.push(e);
        break;
      case 'system':
        this.pendingSystem.push(e);
        break;
      case 'config_changed':
        this.pendingConfig.add(e.kind);
        break;
    }
    this.cancelFlush ??= this.scheduler(() => this.flush());
  }

  /** Applies everything buffered in one store update. */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    if (this.pendingCount === 0) return;
    const s = this.store.getState();
    const patch: Partial<DeskState> = {};
    let lastAt = s.lastEventAt;
    let applied = this.pendingCount;
    if (this.pendingSnapshots.size) {
      const snapshots = { ...s.snapshots };
      let n = 0;
      // Map iteration follows arrival order: the oldest pending updates go first.
      for (const [id, snap] of this.pendingSnapshots) {
        if (n++ >= SNAPSHOTS_PER_FRAME) break;
        if (newer(snapshots[id], snap)) snapshots[id] = snap;
        if (!lastAt || snap.timestamp > lastAt) lastAt = snap.timestamp;
        this.pendingSnapshots.delete(id);
      }
      applied -= this.pendingSnapshots.size;
      patch.snapshots = snapshots;
    }
    patch.eventsApplied = s.eventsApplied + applied;
    if (this.pendingAlerts.size) {
      const alerts = { ...s.alerts };
      for (const [id, a] of this.pendingAlerts) if (newerAlert(alerts[id], a)) alerts[id] = a;
      patch.alerts = alerts;
    }
    if (this.pendingEscalations.length) {
      const escalations = { ...s.escalations };
      for (const e of this.pendingEscalations) escalations[e.alert_id] = [...(escalations[e.alert_id] ?? []), e];
      patch.escalations = escalations;
    }
    if (this.pendingSystem.length) {
      let notices = s.notices;
      for (const e of this.pendingSystem) {
        if (e.feed) patch.feed = e.feed;
        if (e.cycle) patch.lastCycle = { at: e.timestamp, ...e.cycle };
        if (e.level !== 'info') notices = [...notices, e];
      }
      patch.notices = notices.length > MAX_NOTICES ? notices.slice(-MAX_NOTICES) : notices;
    }
    if (this.pendingConfig.size) {
      const versions = { ...s.configVersions };
      for (const kind of this.pendingConfig) versions[kind]++;
      patch.configVersions = versions;
      // The board judges figures against the limits, so the model itself keeps them current.
      if (this.pendingConfig.has('thresholds')) void this.refreshThresholds();
    }
    patch.lastEventAt = lastAt;
    this.pendingAlerts.clear();
    this.pendingConfig.clear();
    this.pendingEscalations = [];
    this.pendingSystem = [];
    this.pendingCount = this.pendingSnapshots.size;
    this.setAndRebuild(patch);
    if (this.pendingCount) this.cancelFlush = this.scheduler(() => this.flush());
  }

  private setAndRebuild(patch: Partial<DeskState>): void {
    const next = { ...this.store.getState(), ...patch };
    const input: BoardInput = { portfolios: next.portfolios, snapshots: next.snapshots, thresholds: next.thresholds, alerts: next.alerts, live: next.connection === 'open' };
    const prev = this.boardInput;
    const changed = !prev || prev.portfolios !== input.portfolios || prev.snapshots !== input.snapshots || prev.thresholds !== input.thresholds || prev.alerts !== input.alerts || prev.live !== input.live;
    if (changed) {
      patch.board = buildBoard(input, this.store.getState().board, prev);
      this.boardInput = input;
    }
    this.store.setState(patch);
  }
}
