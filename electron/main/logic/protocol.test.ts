import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../core/testing';
import { CONTENT_SECURITY_POLICY, createAppHandler, isInAppNavigation, resolveAppRequest } from './protocol';

const root = path.resolve('/srv/app/renderer');
const file = (rel: string) => path.join(root, rel);

describe('resolveAppRequest', () => {
  it('serves files under the root with their type', () => {
    expect(resolveAppRequest(root, 'app://desk/assets/index-abc.js')).toEqual({ kind: 'file', file: file('assets/index-abc.js'), mime: 'text/javascript; charset=utf-8' });
    expect(resolveAppRequest(root, 'app://desk/assets/a%20b.css?v=1#x')).toMatchObject({ file: file('assets/a b.css'), mime: 'text/css; charset=utf-8' });
  });

  it('serves index.html for the root and for dashboard routes', () => {
    for (const url of ['app://desk/', 'app://desk', 'app://desk/index.html', 'app://desk/alerts/12'])
      expect(resolveAppRequest(root, url), url).toEqual({ kind: 'file', file: file('index.html'), mime: 'text/html; charset=utf-8' });
  });

  it('clamps plain dot segments to the root, as the URL parser resolves them first', () => {
    expect(resolveAppRequest(root, 'app://desk/../../etc/passwd.txt')).toMatchObject({ file: file('etc/passwd.txt') });
    expect(resolveAppRequest(root, 'app://desk/%2e%2e/%2e%2e/etc/passwd.txt')).toMatchObject({ file: file('etc/passwd.txt') });
  });

  it('blocks every way out of the root that survives URL parsing', () => {
    for (const url of [
      'app://desk/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'app://desk/assets/%2e%2e%2f%2e%2e%2f..%2fsecrets.json',
      'app://desk/..%5c..%5cwindows%5cwin.ini',
      'app://desk/a%00.js',
      'app://desk/%E0%A4%A',
      'app://other/index.html',
      'file:///etc/passwd',
      'https://desk/index.html',
    ])
      expect(resolveAppRequest(root, url).kind, url).toBe('forbidden');
  });

  it('never resolves outside the root (property over dotted segments)', () => {
    const segments = ['..', '.', '%2e%2e', '%2E.', 'a', 'assets', '%2f', ''];
    for (let i = 0; i < 2000; i++) {
      const parts = Array.from({ length: 1 + (i % 6) }, (_, k) => segments[(i * 7 + k * 3) % segments.length]);
      const r = resolveAppRequest(root, `app://desk/${parts.join('/')}/x.js`);
      if (r.kind === 'file') expect(r.file.startsWith(root + path.sep)).toBe(true);
    }
  });
});

describe('createAppHandler', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir();
    fs.mkdirSync(path.join(dir.dir, 'renderer', 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dir.dir, 'renderer', 'index.html'), '<!doctype html><title>desk</title>');
    fs.writeFileSync(path.join(dir.dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir.dir, 'secret.txt'), 'do not serve');
  });
  afterAll(() => dir.cleanup());

  it('answers files with the strict CSP', async () => {
    const handle = createAppHandler(path.join(dir.dir, 'renderer'));
    const r = await handle(new Request('app://desk/assets/app.js'));
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('console.log(1)');
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await (await handle(new Request('app://desk/alerts/3'))).text()).toContain('<title>desk</title>');
  });

  it('answers 403 outside the root, 404 for a missing file, 405 for writes', async () => {
    const handle = createAppHandler(path.join(dir.dir, 'renderer'));
    expect((await handle(new Request('app://desk/%2e%2e%2fsecret.txt'))).status).toBe(403);
    expect((await handle(new Request('app://desk/%2e%2e/secret.txt'))).status).toBe(404); // clamped to renderer/secret.txt
    expect((await handle(new Request('app://desk/assets/missing.js'))).status).toBe(404);
    expect((await handle(new Request('app://desk/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('the CSP allows no inline or remote script, no eval, no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});

describe('navigation', () => {
  it('stays within the app origins', () => {
    expect(isInAppNavigation('app://desk/index.html#/alerts', ['app://desk'])).toBe(true);
    expect(isInAppNavigation('https://evil.example/', ['app://desk'])).toBe(false);
    expect(isInAppNavigation('app://desk.evil/', ['app://desk'])).toBe(false);
    expect(isInAppNavigation('', ['app://desk'])).toBe(false);
  });
});
