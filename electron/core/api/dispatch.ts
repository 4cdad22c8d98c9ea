// The one way a call reaches the engine, whatever the transport (HTTP route, WebSocket, IPC):
// look the endpoint up, check the caller's role, validate the input with the contract's zod
// schema, run the handler, and turn any failure into the contract's error shape.
import type { z } from 'zod';
import { api, type CallContext, type DeskHandlers, type EndpointName, type ErrorBody } from '../../../shared/api';
import { ROLE_RANK } from '../../../shared/domain';
import { InputError } from '../book/types';

/** An error a handler throws to answer with a specific status and code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: { field: string; reason: string }[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export type DispatchResult = { ok: true; value: unknown } | { ok: false; status: number; body: ErrorBody };

export function isEndpointName(name: string): name is EndpointName {
  return Object.prototype.hasOwnProperty.call(api, name);
}

/** zod issues as (field, reason) pairs; the field is the dotted path into the input. */
export function zodIssues(error: z.ZodError): { field: string; reason: string }[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(body)', reason: i.message }));
}

function failure(status: number, code: string, message: string, issues?: { field: string; reason: string }[]): DispatchResult {
  return { ok: false, status, body: { error: { code, message, ...(issues ? { issues } : {}) } } };
}

export async function dispatch(handlers: DeskHandlers, name: string, rawInput: unknown, ctx: CallContext | null): Promise<DispatchResult> {
  if (!isEndpointName(name)) return failure(404, 'not_found', `unknown endpoint "${name}"`);
  const ep = api[name];
  if (ep.role !== null) {
    if (!ctx) return failure(401, 'unauthorized', 'a valid token is required');
    if (ROLE_RANK[ctx.role] < ROLE_RANK[ep.role]) return failure(403, 'forbidden', `${name} needs the ${ep.role} role; you are ${ctx.role}`);
  }
  const parsed = ep.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return failure(400, 'bad_request', `invalid input: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
  }
  try {
    const handler = handlers[name] as (args: unknown, ctx: CallContext) => unknown;
    const value = await handler(parsed.data, ctx ?? { actor: 'anonymous', role: 'viewer' });
    return { ok: true, value };
  } catch (err) {
    if (err instanceof ApiError) return failure(err.status, err.code, err.message, err.issues);
    if (err instanceof InputError) return failure(400, 'bad_request', err.message, err.field ? [{ field: err.field, reason: err.reason }] : undefined);
    return failure(500, 'internal', 'internal error');
  }
}
