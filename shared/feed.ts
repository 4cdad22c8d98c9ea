// The market-data feed contract (docs/feeds.md): what a gateway may send over a WebSocket or a
// Redis channel. Gateway authors validate their output with these schemas; the engine decodes
// every message with decodeFeedMessage and counts what it drops by reason.
import { z } from 'zod';

/** Messages larger than this many bytes are dropped as `oversize` (the engine's default). */
export const MAX_FEED_MESSAGE_BYTES = 1 << 20;
/** A `ticks` batch may carry at most this many ticks. */
export const MAX_TICKS_PER_MESSAGE = 10_000;

const symbol = z.string().min(1).max(64);
/** A price is a finite number above 0 (zod numbers already exclude NaN and Infinity). */
const price = z.number().positive();
const ts = z.iso.datetime({ offset: true });

export const TickMessage = z.object({ type: z.literal('tick'), symbol, price, ts });
export type TickMessage = z.infer<typeof TickMessage>;

/** One tick inside a `ticks` batch: `type` may be omitted. */
export const TickItem = z.object({ type: z.literal('tick').optional(), symbol, price, ts });
export type TickItem = z.infer<typeof TickItem>;

export const TicksMessage = z.object({ type: z.literal('ticks'), ticks: z.array(TickItem).max(MAX_TICKS_PER_MESSAGE) });
export type TicksMessage = z.infer<typeof TicksMessage>;

export const PositionMessage = z.object({
  type: z.literal('position'),
  portfolio_id: z.string().min(1).max(128),
  symbol,
  /** Shares or contracts; negative = short, 0 removes the holding. */
  quantity: z.number(),
});
export type PositionMessage = z.infer<typeof PositionMessage>;

export const FeedMessage = z.discriminatedUnion('type', [TickMessage, TicksMessage, PositionMessage]);
export type FeedMessage = z.infer<typeof FeedMessage>;

/**
 * Why a message (or one tick of a batch) was dropped. The first two are decided here, the
 * rest by the engine against its book:
 * - oversize: larger than the byte limit
 * - malformed: not JSON, unknown `type`, a missing or mistyped field, a bad `ts`
 * - bad_price: `price` is not a finite number above 0
 * - bad_quantity: `quantity` is not a finite number
 * - unknown_symbol: the symbol is not in the book (no prices)
 * - unknown_portfolio: a position for a portfolio that does not exist
 * - out_of_order: a tick dated before the book's latest day
 * - rejected: the engine refused an otherwise well-formed message (the log says why)
 */
export const DROP_REASONS = ['oversize', 'malformed', 'bad_price', 'bad_quantity', 'unknown_symbol', 'unknown_portfolio', 'out_of_order', 'rejected'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** A decoded tick: epoch-millisecond time and the UTC date it belongs to. */
export interface DecodedTick {
  symbol: string;
  price: number;
  ts: number;
  /** YYYY-MM-DD (UTC) of ts: a date after the book's latest rolls a new day. */
  date: string;
}

export type DecodedItem =
  | { kind: 'tick'; tick: DecodedTick }
  | { kind: 'position'; position: { portfolio_id: string; symbol: string; quantity: number } }
  | { kind: 'dropped'; reason: DropReason; detail: string };

function describe(error: z.ZodError): { reason: DropReason; detail: string } {
  const issue = error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : 'message';
  const last = issue.path[issue.path.length - 1];
  const reason: DropReason = last === 'price' ? 'bad_price' : last === 'quantity' ? 'bad_quantity' : 'malformed';
  return { reason, detail: `${field}: ${issue.message}` };
}

function toTick(t: TickItem): DecodedTick {
  const ms = Date.parse(t.ts);
  return { symbol: t.symbol, price: t.price, ts: ms, date: new Date(ms).toISOString().slice(0, 10) };
}

const Envelope = z.object({ type: z.enum(['tick', 'ticks', 'position']) });
const TicksEnvelope = z.object({ type: z.literal('ticks'), ticks: z.array(z.unknown()).max(MAX_TICKS_PER_MESSAGE) });

/**
 * Decodes one message's text into ticks, a position, or the reason it is dropped. A `ticks`
 * batch is decoded tick by tick, so one bad tick drops only itself.
 */
export function decodeFeedMessage(text: string): DecodedItem[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return [{ kind: 'dropped', reason: 'malformed', detail: `not JSON (${(err as Error).message})` }];
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) return [{ kind: 'dropped', ...describe(envelope.error) }];
  switch (envelope.data.type) {
    case 'tick': {
      const r = TickMessage.safeParse(json);
      return [r.success ? { kind: 'tick', tick: toTick(r.data) } : { kind: 'dropped', ...describe(r.error) }];
    }
    case 'ticks': {
      const batch = TicksEnvelope.safeParse(json);
      if (!batch.success) return [{ kind: 'dropped', ...describe(batch.error) }];
      return batch.data.ticks.map((item, i): DecodedItem => {
        const r = TickItem.safeParse(item);
        if (r.success) return { kind: 'tick', tick: toTick(r.data) };
        const d = describe(r.error);
        return { kind: 'dropped', reason: d.reason, detail: `ticks[${i}].${d.detail}` };
      });
    }
    case 'position': {
      const r = PositionMessage.safeParse(json);
      if (!r.success) return [{ kind: 'dropped', ...describe(r.error) }];
      const { portfolio_id, symbol, quantity } = r.data;
      return [{ kind: 'position', position: { portfolio_id, symbol, quantity } }];
    }
  }
}
