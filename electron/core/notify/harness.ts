// A notifier on a real SQLite file with real SMTP and HTTP endpoints, stepped by a ManualClock
// (tests call the loops' passes themselves). Shared by the notifier's tests and its bench.
import { ContactInput, EscalationRuleInput } from '../../../shared/notify';
import type { Alert } from '../../../shared/domain';
import { openAlertValues } from '../alerts/open-alert';
import type { AlertTransition } from '../alerts/transitions';
import { DEMO_CONTACTS, DEMO_ESCALATION_RULES } from '../demo/seed';
import { EventBus, type EngineEvents } from '../events';
import { ManualClock, ManualTimers, MemorySecretStore, silentLogger, type DesktopNotification, type Logger } from '../ports';
import { Store } from '../store/store';
import { tempDir } from '../testing';
import type { RateLimits } from './ratelimit';
import type { RetryPolicy } from './sender';
import { NotifyService } from './service';
import { TestHttpEndpoint, TestSmtpServer, twilioReply } from './test-support';

/** Records a new open alert as the alert engine would (a CRITICAL VaR breach unless told otherwise). */
export function insertAlert(store: Store, fields: Partial<Alert> = {}): Alert {
  const at = fields.triggered_at ?? new Date(store.clock.now()).toISOString();
  const threshold = { id: null, metric_type: 'var_95', severity: 'CRITICAL', comparison_type: 'less_than', threshold_value: -0.05, description: 'One-day 95% VaR beyond 5% of NAV' } as const;
  const values = { ...openAlertValues({ portfolioId: 'global_macro', threshold, value: -0.0612, at }), ...fields };
  return store.alerts.insert(values, { actor: 'system', action: 'triggered' });
}

export interface HarnessOptions {
  rateLimits?: RateLimits;
  retry?: RetryPolicy;
  logger?: Logger;
  /** The system clock and real timers instead of a ManualClock (call service.start() to run the loops). */
  realTime?: boolean;
  smtpConnections?: number;
}

/** The system clock in a ManualClock's clothes, for real-time runs of the harness (benches). */
class WallClock extends ManualClock {
  override now(): number {
    return Date.now();
  }
}

export class NotifyHarness {
  readonly events: { name: string; payload: unknown }[] = [];
  readonly shown: DesktopNotification[] = [];
  /** Epoch ms of each desktop notification shown. */
  readonly shownAt: number[] = [];
  readonly secrets = new MemorySecretStore();
  service!: NotifyService;
  store!: Store;
  readonly bus: EventBus;
  readonly timers: ManualTimers;

  private constructor(
    readonly dir: { dir: string; cleanup(): void },
    readonly clock: ManualClock,
    readonly smtp: TestSmtpServer,
    readonly twilio: TestHttpEndpoint,
    private readonly opts: HarnessOptions,
  ) {
    this.bus = new EventBus();
    for (const name of ['escalation', 'system'] as const) this.bus.on(name, (payload: EngineEvents[typeof name]) => this.events.push({ name, payload }));
    this.timers = new ManualTimers(clock);
    let n = 0;
    twilio.respond = (r) => twilioReply(r, ++n);
  }

  static async open(opts: HarnessOptions = {}): Promise<NotifyHarness> {
    const clock = opts.realTime ? new WallClock() : new ManualClock(Date.parse('2026-01-02T14:02:00.000Z'));
    const h = new NotifyHarness(tempDir('risk-desk-notify-'), clock, await TestSmtpServer.open(), await TestHttpEndpoint.open(), opts);
    h.store = Store.open(`${h.dir.dir}/desk.db`, h.clock);
    h.store.transaction(() => {
      h.store.book.upsertPortfolio({ id: 'global_macro', name: 'Global Macro', nav: 5e7, currency: 'USD' });
      for (const c of DEMO_CONTACTS) h.store.contacts.create(ContactInput.parse(c), 'test');
      for (const r of DEMO_ESCALATION_RULES) h.store.escalation.createRule(EscalationRuleInput.parse(r), 'test');
    });
    h.start();
    return h;
  }

  /** (Re)creates the notifier on the current store, as a restarted process would. */
  start(): void {
    this.service = new NotifyService(
      { store: this.store, clock: this.clock, logger: this.opts.logger ?? silentLogger, events: this.bus },
      {
        env: {},
        flags: {
          smtpHost: '127.0.0.1',
          smtpPort: this.smtp.port,
          smtpSecurity: 'none',
          smtpFrom: 'Risk Desk <risk@desk.example>',
          twilioAccountSid: 'AC00000000000000000000000000000001',
          twilioAuthToken: 'twilio-secret-token',
          twilioFrom: '+15555550100',
        },
        endpoints: { twilioBaseUrl: this.twilio.url },
        secrets: this.secrets,
        desktop: { show: async (n) => void (this.shown.push(n), this.shownAt.push(Date.now())) },
        timers: this.opts.realTime ? undefined : this.timers,
        rateLimits: this.opts.rateLimits,
        sender: { random: () => 1, retry: this.opts.retry },
        smtpConnections: this.opts.smtpConnections,
      },
    );
  }

  /** Stops the notifier and closes the database (a clean shutdown), then opens both again. */
  async restart(): Promise<void> {
    await this.service.stop();
    this.store.close();
    this.store = Store.open(`${this.dir.dir}/desk.db`, this.clock);
    this.start();
  }

  iso(ms = this.clock.now()): string {
    return new Date(ms).toISOString();
  }

  /** Inserts an alert and runs the hook as the alert engine would, inside one transaction. */
  trigger(fields: Partial<Alert> = {}, notify = true): Alert {
    return this.store.transaction(() => {
      const alert = insertAlert(this.store, { triggered_at: this.iso(), updated_at: this.iso(), ...fields });
      this.service.transitionHook({ transition: 'triggered', alert, previous: null, at: this.iso(), actor: 'system', notify });
      return alert;
    });
  }

  /** Moves an alert through a transition (state written, then the hook) in one transaction. */
  transition(alert: Alert, transition: AlertTransition, fields: Partial<Alert>, actor = 'system'): Alert {
    return this.store.transaction(() => {
      const next = { ...alert, updated_at: this.iso(), ...fields };
      this.store.alerts.update(alert, next, { actor, action: transition });
      this.service.transitionHook({ transition, alert: next, previous: alert, at: this.iso(), actor, notify: true });
      return next;
    });
  }

  /** Deferred callbacks due now, one escalation pass, then one sender pass (deliveries awaited). */
  async step(): Promise<void> {
    this.timers.advance(0); // what the hook deferred until after its transaction
    this.service.escalation.pass();
    await this.service.sender.pass();
  }

  rows(alertId?: number) {
    return this.service.listNotifications({ alert_id: alertId, limit: 1000 }).items.reverse();
  }

  eventsNamed(name: string) {
    return this.events.filter((e) => e.name === name).map((e) => e.payload as Record<string, unknown>);
  }

  async close(): Promise<void> {
    await this.service.stop();
    this.store.close();
    await this.smtp.stop();
    await this.twilio.close();
    this.dir.cleanup();
  }
}
