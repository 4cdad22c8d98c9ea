import { describe, expect, it } from 'vitest';
import { isExpired, readClaims, takeToken, TOKEN_KEY } from './token';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

function jwt(payload: object): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}.sig`;
}

describe('takeToken', () => {
  it('moves ?token= into session storage and removes it from the address bar, keeping the rest', () => {
    const storage = memoryStorage();
    const replaced: string[] = [];
    const token = takeToken({ href: 'http://127.0.0.1:8000/?view=x&token=abc.def.ghi#/alerts' }, { state: null, replaceState: (_s, _t, url) => void replaced.push(String(url)) }, storage);
    expect(token).toBe('abc.def.ghi');
    expect(storage.m.get(TOKEN_KEY)).toBe('abc.def.ghi');
    expect(replaced).toEqual(['/?view=x#/alerts']);
  });

  it('reads the stored token on a later load', () => {
    const storage = memoryStorage();
    storage.setItem(TOKEN_KEY, 'stored');
    const replaced: string[] = [];
    expect(takeToken({ href: 'http://h/' }, { state: null, replaceState: (_s, _t, url) => void replaced.push(String(url)) }, storage)).toBe('stored');
    expect(replaced).toEqual([]);
  });

  it('is null with neither', () => {
    expect(takeToken({ href: 'http://h/' }, { state: null, replaceState: () => {} }, memoryStorage())).toBeNull();
  });
});

describe('readClaims', () => {
  it('reads sub, role and exp of a JWT', () => {
    expect(readClaims(jwt({ sub: 'ana', role: 'risk_manager', exp: 2_000_000_000 }))).toEqual({ sub: 'ana', role: 'risk_manager', exp: 2_000_000_000 });
  });

  it('ignores an unknown role and rejects what is not a JWT', () => {
    expect(readClaims(jwt({ sub: 'x', role: 'god' }))?.role).toBeNull();
    expect(readClaims('not-a-jwt')).toBeNull();
    expect(readClaims('a.!!!.c')).toBeNull();
  });

  it('knows when a token has expired', () => {
    expect(isExpired({ sub: null, role: null, exp: 100 }, 100_000)).toBe(true);
    expect(isExpired({ sub: null, role: null, exp: 101 }, 100_000)).toBe(false);
    expect(isExpired({ sub: null, role: null, exp: null }, 100_000)).toBe(false);
  });
});
