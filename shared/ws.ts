// The WebSocket protocol of /ws/risk beyond the push events of events.ts: what a client may
// send, and the server's direct replies to it (docs/api.md).
import { z } from 'zod';

/** Ids a client may name in one subscribe/unsubscribe ('*' = every portfolio). */
const portfolioIds = z.array(z.string().min(1).max(128)).min(1).max(10_000);
/** Echoed back in the reply so a client can match replies to requests. */
const requestId = z.union([z.string().max(128), z.number()]).optional();

export const WsClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), portfolio_ids: portfolioIds, id: requestId }).strict(),
  z.object({ type: z.literal('unsubscribe'), portfolio_ids: portfolioIds, id: requestId }).strict(),
  z.object({ type: z.literal('ping'), id: requestId }).strict(),
]);
export type WsClientMessage = z.infer<typeof WsClientMessage>;
export type WsAction = WsClientMessage['type'];

const timestamp = z.string();

export const WsReply = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribed'),
    timestamp,
    id: requestId,
    /** Everything the connection is now subscribed to ('*' alone when subscribed to all). */
    portfolio_ids: z.array(z.string()),
    /** Ids in the request that name no portfolio (kept: a portfolio imported later will flow). */
    unknown_portfolio_ids: z.array(z.string()),
  }),
  z.object({ type: z.literal('unsubscribed'), timestamp, id: requestId, portfolio_ids: z.array(z.string()) }),
  z.object({ type: z.literal('pong'), timestamp, id: requestId }),
  z.object({
    type: z.literal('error'),
    timestamp,
    id: requestId,
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  }),
]);
export type WsReply = z.infer<typeof WsReply>;

/** Close codes the server uses (4000-4999 are application codes). */
export const WS_CLOSE = {
  /** The frame was larger than the server accepts. */
  messageTooBig: 1009,
  /** The server is shutting down. */
  goingAway: 1001,
  /** Too many malformed messages. */
  policyViolation: 1008,
  /** The token expired while connected: reconnect with a fresh one. */
  tokenExpired: 4001,
  /** The client read too slowly and its send buffer passed the limit. */
  tooSlow: 4008,
} as const;
