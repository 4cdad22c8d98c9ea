// The one way a call reaches the engine, whatever the transport (HTTP route, WebSocket, IPC):
// look the endpoint up, check the caller's role, validate the input with the contract's zod
// schema, run the handler, check the result against the contract's output schema, and turn any
// failure into the contract's error shape.
import type { z } from 'zod';
import { api, type CallContext, type DeskHandlers, type EndpointName, type ErrorBody } from '../../../shared/api';
import { ROLE_RANK } from '../../../shared/domain';
import { InputError } from '../book/types';
import { type Logger, silentLogger } from '../ports';

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

/** A 400 naming one offending field. */
export const badInput = (field: string, reason: string) => new ApiError(400, 'bad_request', `invalid input: ${field}: ${reason}`, [{ field, reason }]);

export type DispatchResult = { ok: true; value: unknown } | { ok: false; status: number; body: ErrorBody };

export function isEndpointName(name: string): name is EndpointName {
  return Object.prototype.hasOwnProperty.call(api, name);
}

/** zod issues as (field, reason) pairs; the field is the dotted path into the input. */
export function zodIssues(error: z.ZodError): { field: string; reason: string }[] {
  return error.issues.map((i) => ({ field: i.path.length ? i.path.join('.') : '(body)', reason: i.message }));
}

/** The one error body every transport sends. */
export function errorBody(code: string, message: string, issues?: { field: string; reason: string }[]): ErrorBody {
  return { error: { code, message, ...(issues ? { issues } : {}) } };
}

function failure(status: number, code: string, message: string, issues?: { field: string; reason: string }[]): DispatchResult {
  return { ok: false, status, body: errorBody(code, message, issues) };
}

/** True when `role` may call `name` (null role = no token needed). */
export function allowed(name: EndpointName, role: CallContext['role'] | null): boolean {
  const need = api[name].role;
  if (need === null) return true;
  return role !== null && ROLE_RANK[role] >= ROLE_RANK[need];
}

export async function dispatch(
  handlers: DeskHandlers,
  name: string,
  rawInput: unknown,
  ctx: CallContext | null,
  logger: Logger = silentLogger,
): Promise<DispatchResult> {
  if (!isEndpointName(name)) return failure(404, 'not_found', `unknown endpoint "${name}"`);
  const ep = api[name];
  if (ep.role !== null) {
    if (!ctx) return failure(401, 'unauthorized', 'a valid token is required');
    if (!allowed(name, ctx.role)) return failure(403, 'forbidden', `${name} needs the ${ep.role} role; you are ${ctx.role}`);
  }
  const parsed = ep.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return failure(400, 'bad_request', `invalid input: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`, issues);
  }
  let value: unknown;
  try {
    const handler = handlers[name] as (args: unknown, ctx: CallContext) => unknown;
    value = await handler(parsed.data, ctx ?? { actor: 'anonymous', role: 'viewer' });
  } catch (err) {
    if (err instanceof ApiError) return failure(err.status, err.code, err.message, err.issues);
    if (err instanceof InputError) return failure(400, 'bad_request', err.message, err.field ? [{ field: err.field, reason: err.reason }] : undefined);
    logger.error({ endpoint: name, actor: ctx?.actor, err }, 'handler failed');
    return failure(500, 'internal', 'internal error');
  }
  // The output schema is the contract: parsing strips any field it does not name (so an internal
  // field such as a stored secret can never reach a client), and a result that breaks the
  // contract is a bug reported as a 500, never sent half-right.
  const out = ep.output.safeParse(value);
  if (!out.success) {
    logger.error({ endpoint: name, issues: zodIssues(out.error).slice(0, 10) }, 'handler result breaks the output contract');
    return failure(500, 'internal', 'internal error');
  }
  return { ok: true, value: out.data };
}
