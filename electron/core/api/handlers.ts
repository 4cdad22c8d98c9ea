// The engine's implementation of the API contract (shared/api.ts): one typed function per
// endpoint. Both hosts dispatch into this same map: the headless server for REST routes and
// the Electron shell for IPC. Handlers receive validated input and the caller; role checks,
// validation and error shaping happen once, in dispatch().
import type { DeskHandlers } from '../../../shared/api';
import type { Desk } from '../desk';
import { APP_VERSION } from '../version';
import { ApiError, badInput, notFound } from './dispatch';
import { BeforeIdCursor, decodeCursor, keysetPage } from './pagination';

const missing = (what: string): never => {
  throw notFound(what);
};

const DAY_MS = 86_400_000;
/** Feed states in which the figures are not live: health says 'degraded'. */
const DEGRADED_FEED_STATES = new Set(['reconnecting', 'stale', 'stopped']);

export function createHandlers(desk: Desk): DeskHandlers {
  const { store, alerts, notify, monitor } = desk;
  const portfolio = (id: string) => store.book.getPortfolio(id) ?? missing(`portfolio "${id}"`);
  return {
    health: () => {
      const feed = monitor.feedStatus();
      return {
        status: DEGRADED_FEED_STATES.has(feed.state) ? 'degraded' : 'ok',
        version: APP_VERSION,
        uptime_seconds: Math.round((desk.clock.now() - desk.startedAt) / 1000),
        feed,
        last_cycle_at: monitor.lastCycleAt(),
      };
    },

    'portfolios.list': () => {
      const held = new Map<string, number>();
      for (const p of store.book.listPositions()) held.set(p.portfolio_id, (held.get(p.portfolio_id) ?? 0) + 1);
      return store.book.listPortfolios().map((p) => ({ ...p, positions: held.get(p.id) ?? 0, stale: monitor.latest(p.id)?.stale ?? false }));
    },
    'portfolios.metrics': ({ id }) => {
      portfolio(id);
      return monitor.latest(id) ?? missing(`a risk snapshot of "${id}" (none computed yet: the first refresh cycle has not finished)`);
    },
    'portfolios.history': ({ id, metric, since, until }) => {
      portfolio(id);
      const untilMs = until ? Date.parse(until) : desk.clock.now() + 1;
      const sinceMs = since ? Date.parse(since) : untilMs - DAY_MS;
      if (sinceMs >= untilMs) throw badInput('since', 'must be before until');
      const points = monitor.history(id, metric, sinceMs, untilMs).map((p) => ({ ts: new Date(p.ts).toISOString(), value: p.value, stale: p.stale, resolution: p.resolution }));
      return { portfolio_id: id, metric, points };
    },
    'portfolios.detail': ({ id }) => {
      portfolio(id);
      return monitor.detail(id);
    },
    // From the monitor's in-memory cache, no database read: the dashboard's first load asks once
    // for every light instead of once per portfolio.
    'risk.latest': () => monitor.latestAll(),

    'feed.shock': (req) => {
      const feed = monitor.feedStatus();
      if (feed.kind !== 'simulated') throw new ApiError(409, 'conflict', `shocks need the simulated feed; this desk runs the ${feed.kind} feed`);
      if (feed.state === 'stopped') throw new ApiError(409, 'conflict', 'the simulated feed is not running');
      return monitor.shock(req);
    },

    'alerts.list': (q) => alerts.list(q),
    'alerts.stats': ({ since }) => alerts.stats({ since }),
    'alerts.get': ({ id }) => alerts.get(id),
    'alerts.timeline': ({ id }) => alerts.timeline(id),
    'alerts.acknowledge': ({ id, comment }, ctx) => alerts.acknowledge(id, ctx.actor, comment),
    'alerts.resolve': ({ id, reason }, ctx) => alerts.resolve(id, ctx.actor, reason),

    // Through the alert engine: it validates beyond the schema (portfolio exists, clear level on
    // the safe side), audits, and applies the change to the latest figures at once.
    'thresholds.list': () => alerts.listThresholds(),
    'thresholds.create': (args, ctx) => alerts.createThreshold(args, ctx.actor),
    'thresholds.update': ({ id, ...settings }, ctx) => alerts.updateThreshold(id, settings, ctx.actor),
    'thresholds.delete': ({ id }, ctx) => {
      alerts.deleteThreshold(id, ctx.actor);
      return { deleted: true as const };
    },
    'thresholds.preview': (args) => alerts.previewThreshold(args),

    'silences.list': ({ active }) => alerts.listSilences({ active }),
    'silences.create': (args, ctx) => alerts.createSilence(args, ctx.actor),
    'silences.update': ({ id, ...input }, ctx) => alerts.updateSilence(id, input, ctx.actor),
    'silences.delete': ({ id }, ctx) => {
      alerts.deleteSilence(id, ctx.actor);
      return { deleted: true as const };
    },

    'contacts.list': () => notify.listContacts(),
    'contacts.create': (args, ctx) => notify.createContact(args, ctx.actor),
    'contacts.update': ({ id, ...input }, ctx) => notify.updateContact(id, input, ctx.actor) ?? missing(`contact ${id}`),
    'contacts.delete': ({ id }, ctx) => (notify.deleteContact(id, ctx.actor) ? { deleted: true as const } : missing(`contact ${id}`)),

    'escalation.list': () => notify.listRules(),
    'escalation.get': ({ id }) => notify.getRule(id) ?? missing(`escalation rule ${id}`),
    'escalation.create': (args, ctx) => notify.createRule(args, ctx.actor),
    'escalation.update': ({ id, ...input }, ctx) => notify.updateRule(id, input, ctx.actor) ?? missing(`escalation rule ${id}`),
    'escalation.delete': ({ id }, ctx) => (notify.deleteRule(id, ctx.actor) ? { deleted: true as const } : missing(`escalation rule ${id}`)),

    'templates.list': () => notify.listTemplates(),
    'templates.get': ({ kind }) => notify.getTemplate(kind),
    'templates.update': ({ kind, ...input }, ctx) => notify.updateTemplate(kind, input, ctx.actor),
    'templates.preview': ({ kind, draft, sample }) => notify.previewTemplate(kind, draft, sample),

    'channels.get': () => notify.getChannelSettings(),
    'channels.update': (args, ctx) => notify.updateChannelSettings(args, ctx.actor),
    'channels.test': (args, ctx) => notify.sendTestMessage(args, ctx.actor),

    'notifications.list': (q) => notify.listNotifications(q),

    'audit.list': ({ entity, entity_id, limit, cursor }) => {
      const beforeId = cursor ? decodeCursor(cursor, BeforeIdCursor).before_id : undefined;
      return keysetPage(
        limit,
        (n) => store.audit.list({ entity, entityId: entity_id, beforeId, limit: n }),
        (last) => ({ before_id: last.id }),
      );
    },
  };
}
