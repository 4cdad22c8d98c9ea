// The IPC policy: who may call, how a call reaches the engine, which events a window receives.
// The Electron adapter (../ipc.ts) only moves messages; every decision is here.
import type { CallContext, DeskHandlers } from '../../../shared/api';
import type { DeskBridge } from '../../../shared/client';
import type { Role } from '../../../shared/domain';
import type { DeskEvent } from '../../../shared/events';
import { dispatch } from '../../core/api/dispatch';
import { APP_ORIGIN } from './channels';


/**
 * scheme://host[:port] of a URL. WHATWG URL reports origin "null" for non-special schemes
 * such as app:, so it is rebuilt from its parts; null when the URL does not parse.
 */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (!u.host) return null;
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** The origins whose main frame may talk to the engine: app://desk, plus the dev server in development. */
export function trustedOrigins(devServerUrl: string | undefined, isPackaged: boolean): string[] {
  const origins = [APP_ORIGIN];
  if (!isPackaged && devServerUrl) {
    const dev = originOf(devServerUrl);
    if (dev && /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(dev)) origins.push(dev);
  }
  return origins;
}

export interface SenderFrame {
  url: string;
  /** True when the frame is the top-level frame of its page (no parent). */
  isMainFrame: boolean;
}

/** Every IPC message passes this: a main frame of one of our origins; iframes and other origins never. */
export function isTrustedSender(frame: SenderFrame | null | undefined, origins: readonly string[]): boolean {
  if (!frame || !frame.isMainFrame) return false;
  const origin = originOf(frame.url);
  return origin !== null && origins.includes(origin);
}

type BridgeResult = Awaited<ReturnType<DeskBridge['invoke']>>;

export const untrustedSender: BridgeResult = { ok: false, error: { code: 'forbidden', message: 'IPC from an untrusted frame', status: 403 } };

/** One invoke from the renderer: the same dispatch (role check, zod validation, error shape) as HTTP. */
export async function handleInvoke(handlers: DeskHandlers, ctx: CallContext, name: unknown, input: unknown): Promise<BridgeResult> {
  if (typeof name !== 'string') return { ok: false, error: { code: 'bad_request', message: 'endpoint name must be a string', status: 400 } };
  const r = await dispatch(handlers, name, input, ctx);
  if (r.ok) return { ok: true, value: r.value };
  return { ok: false, error: { ...r.body.error, status: r.status } };
}

/** Who the desktop user is. The desk's owner on their own workstation; RISK_DESK_ROLE narrows it. */
export function desktopContext(username: string, envRole: string | undefined): CallContext {
  const roles: Role[] = ['viewer', 'risk_manager', 'admin'];
  const role = roles.includes(envRole as Role) ? (envRole as Role) : 'admin';
  return { actor: username || 'desktop', role };
}

const MAX_SUBSCRIPTIONS = 1000;

/** A subscribe message's portfolio ids, or null when malformed (ignored, never thrown at the renderer). */
export function parseSubscription(input: unknown): string[] | null {
  if (!Array.isArray(input) || input.length > MAX_SUBSCRIPTIONS) return null;
  if (!input.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 128)) return null;
  return [...new Set(input as string[])];
}

/** Metrics arrive only for subscribed portfolios (['*'] = all); alerts, escalations and system events always. */
export function shouldForward(event: DeskEvent, subscription: ReadonlySet<string>): boolean {
  if (event.type !== 'risk_metrics_update') return true;
  return subscription.has('*') || subscription.has(event.portfolio_id);
}
