import { describe, expect, it } from 'vitest';
import type { CallContext, DeskHandlers } from '../../../shared/api';
import { ApiError } from '../../core/api/dispatch';
import { desktopContext, handleInvoke, isTrustedSender, originOf, parseSubscription, shouldForward, trustedOrigins } from './ipc';

const origins = trustedOrigins(undefined, true);
const admin: CallContext = { actor: 'ana', role: 'admin' };

// Only the endpoints these tests call; dispatch looks handlers up by name.
const handlers = {
  'thresholds.delete': ({ id }: { id: number }) => {
    if (id === 99) throw new ApiError(404, 'not_found', 'threshold 99 not found');
    return { deleted: true as const };
  },
  health: () => ({ status: 'ok', version: 't', uptime_seconds: 1, feed: null, last_cycle_at: null }),
} as unknown as DeskHandlers;

describe('sender check', () => {
  it('trusts only the main frame of app://desk', () => {
    expect(isTrustedSender({ url: 'app://desk/index.html', isMainFrame: true }, origins)).toBe(true);
    expect(isTrustedSender({ url: 'app://desk/index.html#/alerts/3', isMainFrame: true }, origins)).toBe(true);
    expect(isTrustedSender({ url: 'app://desk/index.html', isMainFrame: false }, origins)).toBe(false);
    expect(isTrustedSender({ url: 'app://evil/index.html', isMainFrame: true }, origins)).toBe(false);
    expect(isTrustedSender({ url: 'app://desk.evil/', isMainFrame: true }, origins)).toBe(false);
    expect(isTrustedSender({ url: 'https://desk/', isMainFrame: true }, origins)).toBe(false);
    expect(isTrustedSender({ url: 'file:///work/out/renderer/index.html', isMainFrame: true }, origins)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/', isMainFrame: true }, origins)).toBe(false);
    expect(isTrustedSender({ url: 'not a url', isMainFrame: true }, origins)).toBe(false);
    expect(isTrustedSender(null, origins)).toBe(false);
  });

  it('adds the local dev server only when not packaged', () => {
    expect(trustedOrigins('http://localhost:5173/', false)).toEqual(['app://desk', 'http://localhost:5173']);
    expect(trustedOrigins('http://localhost:5173/', true)).toEqual(['app://desk']);
    // A remote "dev server" is never trusted, even in development.
    expect(trustedOrigins('http://10.1.2.3:5173/', false)).toEqual(['app://desk']);
    expect(trustedOrigins('https://example.com/', false)).toEqual(['app://desk']);
  });

  it('rebuilds the origin of custom schemes, which WHATWG URL reports as "null"', () => {
    expect(new URL('app://desk/x').origin).toBe('null');
    expect(originOf('app://desk/x')).toBe('app://desk');
    expect(originOf('app:///x')).toBeNull();
  });
});

describe('handleInvoke', () => {
  it('answers with the handler value', async () => {
    expect(await handleInvoke(handlers, admin, 'thresholds.delete', { id: 3 })).toEqual({ ok: true, value: { deleted: true } });
  });

  it('validates with the contract schema, naming the field', async () => {
    const r = await handleInvoke(handlers, admin, 'thresholds.delete', { id: -1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_request', status: 400, issues: [{ field: 'id' }] } });
  });

  it('applies the role check', async () => {
    const r = await handleInvoke(handlers, { actor: 'v', role: 'viewer' }, 'thresholds.delete', { id: 3 });
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
  });

  it('passes handler errors through in the contract shape', async () => {
    expect(await handleInvoke(handlers, admin, 'thresholds.delete', { id: 99 })).toEqual({ ok: false, error: { code: 'not_found', message: 'threshold 99 not found', status: 404 } });
  });

  it('refuses unknown endpoints and names that are not strings', async () => {
    expect(await handleInvoke(handlers, admin, 'shell.exec', {})).toMatchObject({ ok: false, error: { code: 'not_found', status: 404 } });
    expect(await handleInvoke(handlers, admin, { toString: () => 'health' }, {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await handleInvoke(handlers, admin, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('desktop context', () => {
  it('is the OS user as admin unless RISK_DESK_ROLE narrows it', () => {
    expect(desktopContext('ana', undefined)).toEqual({ actor: 'ana', role: 'admin' });
    expect(desktopContext('ana', 'viewer')).toEqual({ actor: 'ana', role: 'viewer' });
    expect(desktopContext('', 'superuser')).toEqual({ actor: 'desktop', role: 'admin' });
  });
});

describe('subscriptions', () => {
  it('accepts a list of portfolio ids, deduplicated', () => {
    expect(parseSubscription(['p1', 'p2', 'p1'])).toEqual(['p1', 'p2']);
    expect(parseSubscription([])).toEqual([]);
  });

  it('rejects anything else', () => {
    expect(parseSubscription('p1')).toBeNull();
    expect(parseSubscription([1])).toBeNull();
    expect(parseSubscription([''])).toBeNull();
    expect(parseSubscription(['x'.repeat(129)])).toBeNull();
    expect(parseSubscription(Array.from({ length: 1001 }, (_, i) => `p${i}`))).toBeNull();
  });

  it('forwards metrics only for subscribed portfolios, everything else always', () => {
    const metrics = { type: 'risk_metrics_update', timestamp: '', portfolio_id: 'p2', metrics: {} } as never;
    expect(shouldForward(metrics, new Set(['p1']))).toBe(false);
    expect(shouldForward(metrics, new Set(['p2']))).toBe(true);
    expect(shouldForward(metrics, new Set(['*']))).toBe(true);
    expect(shouldForward({ type: 'system', timestamp: '', level: 'info', message: 'm' }, new Set())).toBe(true);
  });
});
