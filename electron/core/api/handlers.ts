// The engine's implementation of the API contract (shared/api.ts): one typed function per
// endpoint. Both hosts dispatch into this same map: the headless server for REST routes and
// the Electron shell for IPC. Handlers receive validated input and the caller; role checks,
// validation and error shaping happen once, in dispatch().
import type { DeskHandlers } from '../../../shared/api';
import type { Desk } from '../desk';
import { APP_VERSION } from '../version';
import { notFound } from './dispatch';
import { BeforeIdCursor, decodeCursor, keysetPage } from './pagination';

export function createHandlers(desk: Desk): DeskHandlers {
  const { store } = desk;
  return {
    health: () => ({
      status: 'ok',
      version: APP_VERSION,
      uptime_seconds: Math.round((desk.clock.now() - desk.startedAt) / 1000),
      feed: null,
      last_cycle_at: null,
    }),

    'portfolios.list': () => {
      const held = new Map<string, number>();
      for (const p of store.book.listPositions()) held.set(p.portfolio_id, (held.get(p.portfolio_id) ?? 0) + 1);
      return store.book.listPortfolios().map((p) => ({ ...p, positions: held.get(p.id) ?? 0, stale: false }));
    },

    'thresholds.list': () => store.thresholds.list(),
    'thresholds.create': (args, ctx) => store.thresholds.create(args, ctx.actor),
    'thresholds.update': ({ id, ...settings }, ctx) => {
      const updated = store.thresholds.update(id, settings, ctx.actor);
      if (!updated) throw notFound(`threshold ${id}`);
      return updated;
    },
    'thresholds.delete': ({ id }, ctx) => {
      if (!store.thresholds.delete(id, ctx.actor)) throw notFound(`threshold ${id}`);
      return { deleted: true as const };
    },

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
