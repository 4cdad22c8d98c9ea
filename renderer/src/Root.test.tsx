import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeskBridge, DeskNavigation } from '../../shared/client';
import type { DeskEvent } from '../../shared/events';
import { TOKEN_KEY } from './client/token';
import { Root } from './Root';
import { deskHandlers } from './testing/render';

afterEach(cleanup);

function memoryStorage() {
  const m = new Map<string, string>();
  return { setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

function jwt(payload: object): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '');
  return `${b64({ alg: 'HS256' })}.${b64(payload)}.sig`;
}

/** A bridge answering from the fake handlers, the way the Electron preload answers from the engine. */
function bridge(): DeskBridge & { subscribed: string[][]; navigate(t: DeskNavigation): void } {
  const handlers = deskHandlers() as Record<string, (a: unknown) => unknown>;
  const listeners = new Set<(e: DeskEvent) => void>();
  const subscribed: string[][] = [];
  const navListeners = new Set<(t: DeskNavigation) => void>();
  return {
    subscribed,
    navigate: (t) => navListeners.forEach((l) => l(t)),
    onNavigate: (l) => (navListeners.add(l), () => navListeners.delete(l)),
    invoke: async (name, input) => {
      const h = handlers[name];
      return h ? { ok: true, value: await h(input) } : { ok: false, error: { code: 'not_found', message: `no ${name}`, status: 404 } };
    },
    subscribe: (ids) => void subscribed.push(ids),
    onEvent: (l) => (listeners.add(l), () => listeners.delete(l)),
  };
}

describe('Root', () => {
  it('uses the Electron bridge when there is one, with no sign-in', async () => {
    const b = bridge();
    render(<Root bridge={b} initialToken={null} storage={memoryStorage()} />);
    await waitFor(() => expect(document.querySelectorAll('[data-portfolio]')).toHaveLength(3));
    expect(b.subscribed).toEqual([['*']]);
    expect(screen.queryByRole('form', { name: 'Sign in' })).toBeNull();
  });

  it('opens the alert a desktop notification was about when the shell asks', async () => {
    const b = bridge();
    render(<Root bridge={b} initialToken={null} storage={memoryStorage()} />);
    await waitFor(() => expect(document.querySelectorAll('[data-portfolio]')).toHaveLength(3));
    act(() => b.navigate({ view: 'alert', alert_id: 77 }));
    expect(await screen.findByLabelText('Alert 77')).toBeTruthy();
    expect(location.hash).toBe('#/alerts/live');
  });

  it('asks for a token when served without one, and refuses one the server refuses', async () => {
    const storage = memoryStorage();
    const fetchStub: typeof fetch = async () => new Response('{"error":{"code":"unauthorized","message":"no"}}', { status: 401 });
    render(<Root bridge={null} initialToken={null} storage={storage} fetch={fetchStub} />);
    const form = screen.getByRole('form', { name: 'Sign in' });
    fireEvent.change(screen.getByLabelText('Token'), { target: { value: 'wrong' } });
    fireEvent.submit(form);
    expect((await screen.findByRole('alert')).textContent).toBe('The server refused that token.');
    expect(storage.m.has(TOKEN_KEY)).toBe(false);
  });

  it('says an expired token has expired instead of trying it', () => {
    render(<Root bridge={null} initialToken={jwt({ sub: 'ana', role: 'viewer', exp: 1 })} storage={memoryStorage()} />);
    expect(screen.getByRole('alert').textContent).toContain('expired');
  });
});
