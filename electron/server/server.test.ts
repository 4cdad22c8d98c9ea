// The REST side of `risk-desk serve`, over real HTTP (fetch) against a server on a free port.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Endpoint, ErrorBody } from '../../shared/api';
import { ROLE_RANK, ROLES, type Role } from '../../shared/domain';
import { ManualClock } from '../core/ports';
import { tempDir } from '../core/testing';
import { TokenAuthority } from './auth';
import { IMMUTABLE } from './dashboard';
import { RecordingLogger, sampleSnapshot, startTestDesk, TEST_SECRET, type TestDesk, TestSocket } from './testing';

const ENDPOINTS = Object.entries(api) as [string, Endpoint][];

const until = async (cond: () => boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A concrete URL for an endpoint's path pattern. */
function samplePath(ep: Endpoint): string {
  return ep.path.replace(':id', ep.path.startsWith('/api/portfolios/') ? 'tech_growth' : '1').replace(':kind', 'new_alert');
}

const THRESHOLD = { portfolio_id: 'tech_growth', metric_type: 'var_95', threshold_value: -0.04, comparison_type: 'less_than', severity: 'HIGH', description: 'test limit' };

const SILENCE = { portfolio_id: 'tech_growth', ends_at: '2099-01-01T00:00:00.000Z', reason: 'maintenance window' };
const CONTACT = { name: 'Ada Lovelace', role: 'risk_manager', email: 'ada@example.com' };
const RULE = { name: 'critical', severity: 'CRITICAL', steps: [{ level: 'on-call', delay_minutes: 0, recipients: [{ role: 'risk_manager' }], channels: ['email'] }] };
const TEMPLATE = { subject: '[{{ severity }}] {{ portfolio }}', body: '{{ metric }} is {{ current_value }}', sms: '{{ portfolio }} {{ metric }}' };
const BODIES: Record<string, unknown> = {
  'thresholds.create': THRESHOLD,
  'thresholds.update': THRESHOLD,
  'thresholds.preview': THRESHOLD,
  'silences.create': SILENCE,
  'silences.update': SILENCE,
  'alerts.resolve': { reason: 'checked by hand' },
  'contacts.create': CONTACT,
  'contacts.update': CONTACT,
  'escalation.create': RULE,
  'escalation.update': RULE,
  'templates.update': TEMPLATE,
  'templates.preview': { draft: TEMPLATE },
  'channels.update': { fallback_after_seconds: 120 },
  // A webhook nobody listens on: the test message fails fast and reaches no one.
  'channels.test': { channel: 'webhook', to: 'http://127.0.0.1:9/hook' },
  'feed.shock': { move: -0.01 },
};

/** A body that passes validation where the endpoint takes one. */
function sampleBody(name: string): unknown {
  return BODIES[name];
}

async function call(t: TestDesk, method: string, urlPath: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(t.url + urlPath, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> & { error?: { code: string; message: string; issues?: { field: string; reason: string }[] } } };
}

const logger = new RecordingLogger();
let t: TestDesk;
const tokens = {} as Record<Role, string>;
const renderer = tempDir('risk-desk-renderer-');
const bigScript = `console.log(${JSON.stringify('x'.repeat(4000))});`;

beforeAll(async () => {
  fs.writeFileSync(path.join(renderer.dir, 'index.html'), '<!doctype html><html><head><title>Risk Desk</title><script type="module" src="/assets/index-AbCd1234.js"></script></head><body><div id="root"></div></body></html>');
  fs.mkdirSync(path.join(renderer.dir, 'assets'));
  fs.writeFileSync(path.join(renderer.dir, 'assets', 'index-AbCd1234.js'), bigScript);
  fs.writeFileSync(path.join(renderer.dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  t = await startTestDesk({ logger, rendererDir: renderer.dir, allowOrigins: new Set(['https://dash.example.com']) });
  for (const role of ROLES) tokens[role] = await t.token(role, `${role}-user`);
});
afterAll(async () => {
  await t?.stop();
  renderer.cleanup();
});

describe('roles on every route (table-driven from the endpoint table)', () => {
  const cases = ENDPOINTS.filter(([, ep]) => ep.role !== null).flatMap(([name]) => ROLES.map((role) => [name, role] as const));

  it.each(cases)('%s as %s', async (name, role) => {
    const ep = api[name as keyof typeof api] as Endpoint;
    const r = await call(t, ep.method, samplePath(ep), { token: tokens[role], body: sampleBody(name) });
    if (ROLE_RANK[role] < ROLE_RANK[ep.role!]) {
      expect(r.status).toBe(403);
      expect(ErrorBody.parse(r.json).error.code).toBe('forbidden');
    } else {
      expect(r.status).not.toBe(403);
      expect(r.status).not.toBe(401);
      expect(r.status).toBeLessThan(500);
    }
  });

  it.each(ENDPOINTS.filter(([, ep]) => ep.role !== null).map(([name]) => name))('%s without a token: 401 before any data', async (name) => {
    const ep = api[name as keyof typeof api] as Endpoint;
    const r = await call(t, ep.method, samplePath(ep), { body: sampleBody(name) });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(r.json).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/token is required/) } });
  });

  it('health needs no token; a desk whose live loop is not running says degraded', async () => {
    const r = await call(t, 'GET', '/api/health');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'degraded', version: expect.any(String), feed: { kind: 'simulated', state: 'stopped' }, last_cycle_at: null });
  });
});

describe('bad tokens', () => {
  it.each([
    ['expired', async () => TokenAuthority.fromSecret(TEST_SECRET, new ManualClock(Date.now() - 7200_000)).sign({ sub: 'old', role: 'admin', expiresInSeconds: 3600 }), /expired/],
    ['forged', async () => TokenAuthority.fromSecret('some other secret, long enough to be realistic').sign({ sub: 'mallory', role: 'admin', expiresInSeconds: 3600 }), /signature/],
    ['garbage', async () => 'not-a-token', /not a valid HS256 JWT/],
  ])('%s: 401 with a reason and no data', async (_label, make, reason) => {
    const r = await call(t, 'GET', '/api/portfolios', { token: await make() });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(ErrorBody.parse(r.json).error.message).toMatch(reason);
    expect(r.text).not.toMatch(/tech_growth/);
  });

  it('a non-Bearer Authorization header counts as no token', async () => {
    const r = await call(t, 'GET', '/api/portfolios', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(r.status).toBe(401);
  });
});

describe('auth failures are rate limited per address', () => {
  let limited: TestDesk;
  beforeAll(async () => {
    limited = await startTestDesk({ authFailures: { max: 3, windowMs: 60_000 } });
  });
  afterAll(() => limited?.stop());

  it('answers 429 with Retry-After once an address has failed too often, on REST and on the WebSocket', async () => {
    const good = await limited.token('admin');
    for (let i = 0; i < 3; i++) expect((await call(limited, 'GET', '/api/portfolios', { token: 'bad.token.here' })).status).toBe(401);
    const r = await call(limited, 'GET', '/api/portfolios', { token: good });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(ErrorBody.parse(r.json).error.code).toBe('rate_limited');
    const ws = await TestSocket.refused(limited.wsUrl, good);
    expect(ws.status).toBe(429);
    expect(ErrorBody.parse(ws.body).error.code).toBe('rate_limited');
    // No token at all is not a guess: it does not count, and unauthenticated health stays open.
    expect((await call(limited, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('validation and the one error shape', () => {
  it('an invalid threshold gets 400 naming each field and its reason', async () => {
    const r = await call(t, 'POST', '/api/risk/thresholds', {
      token: tokens.risk_manager,
      body: { portfolio_id: 'p1', metric_type: 'var_96', threshold_value: 'lots', comparison_type: 'lt', severity: 'HIGH', colour: 'red' },
    });
    expect(r.status).toBe(400);
    const body = ErrorBody.parse(r.json);
    expect(body.error.code).toBe('bad_request');
    const fields = body.error.issues!.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['metric_type', 'threshold_value', 'comparison_type']));
    expect(body.error.issues!.every((i) => i.reason.length > 0)).toBe(true);
    expect(body.error.message).toMatch(/metric_type/);
    expect(body.error.issues!.some((i) => /colour/.test(i.reason))).toBe(true);
  });

  it.each([
    ['malformed JSON', '{"portfolio_id": ', 'application/json', 400, 'bad_request'],
    ['a JSON array', '[1,2]', 'application/json', 400, 'bad_request'],
    ['a non-JSON content type', 'portfolio_id=p1', 'text/plain', 415, 'unsupported_media_type'],
    ['a body over the limit', JSON.stringify({ description: 'x'.repeat(2 << 20) }), 'application/json', 413, 'payload_too_large'],
  ])('%s gets its status in the ErrorBody shape', async (_label, body, type, status, code) => {
    const r = await call(t, 'POST', '/api/risk/thresholds', { token: tokens.risk_manager, body, headers: { 'content-type': type } });
    expect(r.status).toBe(status);
    expect(ErrorBody.parse(r.json).error.code).toBe(code);
  });

  it('a query value of the wrong type is a 400 naming the parameter', async () => {
    const r = await call(t, 'GET', '/api/audit?limit=lots', { token: tokens.viewer });
    expect(r.status).toBe(400);
    expect(ErrorBody.parse(r.json).error.issues).toEqual([{ field: 'limit', reason: expect.any(String) }]);
  });

  it('unknown API paths are 404 and wrong methods 405 with Allow, both as ErrorBody', async () => {
    const nf = await call(t, 'GET', '/api/nothing/here', { token: tokens.admin });
    expect(nf.status).toBe(404);
    expect(ErrorBody.parse(nf.json).error.code).toBe('not_found');
    const na = await call(t, 'PATCH', '/api/risk/thresholds/1', { token: tokens.admin, body: {} });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('PUT, DELETE');
    expect(ErrorBody.parse(na.json).error.code).toBe('method_not_allowed');
    const missing = await call(t, 'PUT', '/api/risk/thresholds/999999', { token: tokens.admin, body: THRESHOLD });
    expect(missing.status).toBe(404);
    expect(ErrorBody.parse(missing.json).error.message).toMatch(/threshold 999999 not found/);
  });

  it('a failing handler is a logged 500 with no detail sent', async () => {
    const broken = await startTestDesk({ logger });
    const token = await broken.token('viewer');
    broken.desk.store.close();
    const r = await call(broken, 'GET', '/api/portfolios', { token });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(logger.lines.some((l) => l.level === 'error' && l.fields.endpoint === 'portfolios.list' && l.fields.err instanceof Error)).toBe(true);
    await broken.stop();
  });
});

describe('thresholds through the API', () => {
  it('create, update, delete: each change lands in the audit trail under the caller', async () => {
    const created = await call(t, 'POST', '/api/risk/thresholds', { token: tokens.risk_manager, body: THRESHOLD });
    expect(created.status).toBe(200);
    const id = created.json.id as number;
    expect(created.json).toMatchObject({ ...THRESHOLD, enabled: true, pending_seconds: 0 });
    const updated = await call(t, 'PUT', `/api/risk/thresholds/${id}`, { token: tokens.risk_manager, body: { ...THRESHOLD, threshold_value: -0.05 } });
    expect(updated.json).toMatchObject({ id, threshold_value: -0.05 });
    const listed = await call(t, 'GET', '/api/risk/thresholds', { token: tokens.viewer });
    expect((listed.json as unknown as { id: number; threshold_value: number }[]).find((x) => x.id === id)?.threshold_value).toBe(-0.05);
    expect((await call(t, 'DELETE', `/api/risk/thresholds/${id}`, { token: tokens.risk_manager })).json).toEqual({ deleted: true });
    expect((await call(t, 'DELETE', `/api/risk/thresholds/${id}`, { token: tokens.risk_manager })).status).toBe(404);
    const audit = await call(t, 'GET', `/api/audit?entity=threshold&entity_id=${id}`, { token: tokens.viewer });
    const items = audit.json.items as { action: string; actor: string }[];
    expect(items.map((i) => i.action)).toEqual(['delete', 'update', 'create']);
    expect(new Set(items.map((i) => i.actor))).toEqual(new Set(['risk_manager-user']));
  });

  it('the path id wins over an id in the body', async () => {
    const created = await call(t, 'POST', '/api/risk/thresholds', { token: tokens.risk_manager, body: THRESHOLD });
    const id = created.json.id as number;
    const r = await call(t, 'PUT', `/api/risk/thresholds/${id}`, { token: tokens.risk_manager, body: { ...THRESHOLD, id: 1, description: 'moved' } });
    expect(r.json).toMatchObject({ id, description: 'moved' });
  });
});

describe('alerts through the API', () => {
  it('a breach seen by the engine is listed, acknowledged once (409 after), timed, counted and resolved with a reason; WebSocket clients see each step', async () => {
    // Its own limit: the role tests above may have replaced or deleted the demo thresholds.
    const limit = { ...THRESHOLD, portfolio_id: 'fin_value', threshold_value: -0.03, description: '1-day VaR beyond 3%' };
    expect((await call(t, 'POST', '/api/risk/thresholds', { token: tokens.risk_manager, body: limit })).status).toBe(200);
    const s = await TestSocket.open(t.wsUrl, tokens.viewer);
    t.desk.events.emit('metrics', { snapshot: sampleSnapshot('fin_value', new Date().toISOString(), 1, { var_95: -0.045 }) });
    const pushed = await s.next((m) => m.type === 'new_alert');
    const alert = pushed.alert as { id: number; portfolio_id: string; metric_type: string; severity: string; status: string; current_value: number; threshold_value: number; description: string };
    expect(alert).toMatchObject({ portfolio_id: 'fin_value', metric_type: 'var_95', severity: 'HIGH', status: 'TRIGGERED', current_value: -0.045, threshold_value: -0.03 });
    expect(alert.description).toBe('1-day VaR beyond 3%');

    const listed = await call(t, 'GET', '/api/risk/alerts?status=TRIGGERED&portfolio_id=fin_value', { token: tokens.viewer });
    expect((listed.json.items as { id: number }[]).map((a) => a.id)).toContain(alert.id);
    expect((await call(t, 'GET', `/api/risk/alerts/${alert.id}`, { token: tokens.viewer })).json).toMatchObject({ id: alert.id, status: 'TRIGGERED' });
    expect((await call(t, 'GET', '/api/risk/alerts/999999', { token: tokens.viewer })).status).toBe(404);

    const ack = await call(t, 'POST', `/api/risk/alerts/${alert.id}/acknowledge`, { token: tokens.risk_manager, body: { comment: 'looking' } });
    expect(ack.json).toMatchObject({ status: 'ACKNOWLEDGED', acknowledged_by: 'risk_manager-user' });
    expect(await s.next((m) => m.type === 'alert_updated')).toMatchObject({ alert: { id: alert.id, status: 'ACKNOWLEDGED' } });
    const again = await call(t, 'POST', `/api/risk/alerts/${alert.id}/acknowledge`, { token: tokens.admin, body: {} });
    expect(again.status).toBe(409);
    expect(ErrorBody.parse(again.json).error.code).toBe('conflict');

    const noReason = await call(t, 'POST', `/api/risk/alerts/${alert.id}/resolve`, { token: tokens.risk_manager, body: {} });
    expect(noReason.status).toBe(400);
    expect(ErrorBody.parse(noReason.json).error.issues![0].field).toBe('reason');
    const resolved = await call(t, 'POST', `/api/risk/alerts/${alert.id}/resolve`, { token: tokens.risk_manager, body: { reason: 'hedged' } });
    expect(resolved.json).toMatchObject({ status: 'RESOLVED', resolved_by: 'risk_manager-user' });

    const timeline = (await call(t, 'GET', `/api/risk/alerts/${alert.id}/timeline`, { token: tokens.viewer })).json as unknown as { kind: string; actor: string }[];
    expect(timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['triggered', 'acknowledged', 'resolved']));
    const stats = await call(t, 'GET', '/api/risk/alerts/stats', { token: tokens.viewer });
    expect(stats.json).toMatchObject({ total: expect.any(Number), by_severity: { HIGH: expect.any(Number) } });
    expect((stats.json.total as number) >= 1).toBe(true);
    await s.close();
  });

  it('previews a threshold against the latest figures without saving it', async () => {
    t.desk.events.emit('metrics', { snapshot: sampleSnapshot('tech_growth') });
    const before = (await call(t, 'GET', '/api/risk/thresholds', { token: tokens.viewer })).json as unknown as unknown[];
    const r = await call(t, 'POST', '/api/risk/thresholds/preview', { token: tokens.viewer, body: { ...THRESHOLD, threshold_value: -0.01 } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ comparison_type: 'less_than', threshold_value: -0.01, summary: { portfolios: 1, red: 1 } });
    expect((await call(t, 'GET', '/api/risk/thresholds', { token: tokens.viewer })).json).toHaveLength(before.length);
  });

  it('silences: create, list active, replace, end', async () => {
    const created = await call(t, 'POST', '/api/risk/silences', { token: tokens.risk_manager, body: SILENCE });
    expect(created.json).toMatchObject({ portfolio_id: 'tech_growth', reason: 'maintenance window', author: 'risk_manager-user' });
    const id = created.json.id as number;
    const active = await call(t, 'GET', '/api/risk/silences?active=true', { token: tokens.viewer });
    expect((active.json as unknown as { id: number }[]).map((x) => x.id)).toContain(id);
    const replaced = await call(t, 'PUT', `/api/risk/silences/${id}`, { token: tokens.risk_manager, body: { ...SILENCE, reason: 'longer window' } });
    expect(replaced.json).toMatchObject({ id, reason: 'longer window' });
    const bad = await call(t, 'POST', '/api/risk/silences', { token: tokens.risk_manager, body: { ends_at: '2099-01-01T00:00:00Z', reason: 'matches nothing' } });
    expect(bad.status).toBe(400);
    expect(ErrorBody.parse(bad.json).error.issues![0].field).toBe('portfolio_id');
    expect((await call(t, 'DELETE', `/api/risk/silences/${id}`, { token: tokens.risk_manager })).json).toEqual({ deleted: true });
    expect((await call(t, 'DELETE', `/api/risk/silences/${id}`, { token: tokens.risk_manager })).status).toBe(404);
  });
});

describe('the live desk through the API', () => {
  let live: TestDesk;
  let viewerToken: string;
  beforeAll(async () => {
    // The simulated feed without its random ticks: figures move only when the test shocks them.
    live = await startTestDesk({ live: true, feed: { ticksPerSecond: 0 } });
    viewerToken = await live.token('viewer');
  });
  afterAll(() => live?.stop());

  it('health reports the feed and the last cycle', async () => {
    const r = await call(live, 'GET', '/api/health');
    expect(r.json).toMatchObject({ status: 'ok', feed: { kind: 'simulated', state: expect.stringMatching(/live|connecting/) }, last_cycle_at: expect.any(String) });
  });

  it("serves a portfolio's latest snapshot, its detail and its stored history; unknown portfolios are 404", async () => {
    const m = await call(live, 'GET', '/api/portfolios/tech_growth/metrics', { token: viewerToken });
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ portfolio_id: 'tech_growth', var_95: expect.any(Number), concentration_risk: { hhi: expect.any(Number) } });
    const d = await call(live, 'GET', '/api/portfolios/tech_growth/detail', { token: viewerToken });
    expect(d.status).toBe(200);
    const detail = d.json as unknown as { positions: { symbol: string }[]; correlation: { symbols: string[] } };
    expect(detail.positions.length).toBeGreaterThan(0);
    expect(detail.correlation.symbols).toEqual(detail.positions.map((p) => p.symbol));
    for (const p of ['metrics', 'detail', 'history?metric=var_95']) {
      const r = await call(live, 'GET', `/api/portfolios/nope/${p}`, { token: viewerToken });
      expect(r.status).toBe(404);
      expect(ErrorBody.parse(r.json).error.message).toMatch(/portfolio "nope" not found/);
    }

    live.desk.monitor.refresh(); // a stored cycle
    await until(() => live.desk.store.snapshots.history('tech_growth', 'var_95', 0, Date.now() + 1).length > 0);
    const h = await call(live, 'GET', '/api/portfolios/tech_growth/history?metric=var_95', { token: viewerToken });
    expect(h.status).toBe(200);
    const points = h.json.points as { ts: string; value: number; stale: boolean; resolution: string }[];
    expect(points.length).toBeGreaterThan(0);
    expect(points.at(-1)).toMatchObject({ ts: expect.stringMatching(/Z$/), value: expect.any(Number), resolution: 'raw' });
    const future = await call(live, 'GET', '/api/portfolios/tech_growth/history?metric=var_95&since=2099-01-01T00:00:00Z&until=2098-01-01T00:00:00Z', { token: viewerToken });
    expect(ErrorBody.parse(future.json).error.issues).toEqual([{ field: 'since', reason: 'must be before until' }]);
    const badMetric = await call(live, 'GET', '/api/portfolios/tech_growth/history?metric=var_96', { token: viewerToken });
    expect(ErrorBody.parse(badMetric.json).error.issues![0].field).toBe('metric');
  });

  it("serves every portfolio's latest snapshot in one response, from the monitor's cache, valid against the contract and the OpenAPI document", async () => {
    expect((await call(live, 'GET', '/api/risk/latest')).status).toBe(401);
    const before = live.desk.monitor.latestAll();
    const r = await call(live, 'GET', '/api/risk/latest', { token: viewerToken });
    const after = live.desk.monitor.latestAll();
    expect(r.status).toBe(200);
    const snapshots = api['risk.latest'].output.parse(r.json);
    const portfolios = (await call(live, 'GET', '/api/portfolios', { token: viewerToken })).json as unknown as { id: string }[];
    expect(portfolios.length).toBeGreaterThan(1);
    expect(snapshots.map((s) => s.portfolio_id).sort()).toEqual(portfolios.map((p) => p.id).sort());
    // Each is the cached snapshot as it was just before or just after the request (a cycle may land in between).
    const asJson = (s: unknown) => JSON.parse(JSON.stringify(s)) as unknown;
    for (const s of snapshots) {
      const cached = [before, after].map((all) => asJson(all.find((c) => c.portfolio_id === s.portfolio_id)));
      expect(cached, s.portfolio_id).toContainEqual(asJson(s));
    }

    const doc = (await call(live, 'GET', '/api/openapi.json')).json as unknown as { components: { schemas: Record<string, object> }; paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: object }> }> } }> };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'components', $defs: doc.components.schemas });
    const schema = JSON.parse(JSON.stringify(doc.paths['/api/risk/latest'].get.responses['200'].content['application/json'].schema).replaceAll('#/components/schemas/', 'components#/$defs/')) as object;
    const validate = ajv.compile(schema);
    expect(validate(r.json), JSON.stringify(validate.errors)).toBe(true);
  });

  it("a risk manager's shock moves the holdings' prices and subscribers see the new figures", async () => {
    const before = (await call(live, 'GET', '/api/portfolios/tech_growth/metrics', { token: viewerToken })).json as { net_exposure: number };
    const s = await TestSocket.open(live.wsUrl, viewerToken);
    await s.request({ type: 'subscribe', portfolio_ids: ['tech_growth'], id: 'sub' });
    const manager = await live.token('risk_manager');
    expect((await call(live, 'POST', '/api/feed/shock', { token: viewerToken, body: { portfolio_id: 'tech_growth', move: -0.1 } })).status).toBe(403);
    const bad = await call(live, 'POST', '/api/feed/shock', { token: manager, body: { portfolio_id: 'tech_growth', move: -1.5 } });
    expect(ErrorBody.parse(bad.json).error.issues![0].field).toBe('move');
    const shocked = await call(live, 'POST', '/api/feed/shock', { token: manager, body: { portfolio_id: 'tech_growth', move: -0.1 } });
    expect(shocked.status).toBe(200);
    expect(shocked.json).toMatchObject({ move: -0.1, symbols: expect.arrayContaining([expect.any(String)]) });
    const update = await s.next((m) => m.type === 'risk_metrics_update' && m.portfolio_id === 'tech_growth', 10_000);
    expect((update.metrics as { net_exposure: number }).net_exposure).toBeLessThan(before.net_exposure);
    await s.close();
  });
});

describe('cursor pagination', () => {
  it('walks the audit trail page by page: every row once, newest first', async () => {
    const all = (await call(t, 'GET', '/api/audit?limit=1000', { token: tokens.viewer })).json.items as { id: number }[];
    expect(all.length).toBeGreaterThan(5);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await call(t, 'GET', `/api/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: tokens.viewer });
      expect(r.status).toBe(200);
      const items = r.json.items as { id: number }[];
      expect(items.length).toBeLessThanOrEqual(3);
      seen.push(...items.map((i) => i.id));
      cursor = r.json.next_cursor as string | null;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toEqual(all.map((i) => i.id));
    expect(pages).toBe(Math.ceil(all.length / 3));
  });

  it('a cursor the server did not issue is a 400 naming cursor', async () => {
    for (const bad of ['garbage!', Buffer.from('{"before_id":"x"}').toString('base64url')]) {
      const r = await call(t, 'GET', `/api/audit?cursor=${bad}`, { token: tokens.viewer });
      expect(r.status).toBe(400);
      expect(ErrorBody.parse(r.json).error.issues?.[0].field).toBe('cursor');
    }
  });
});

describe('the dashboard', () => {
  it('serves index.html with a strict CSP, revalidation and security headers', async () => {
    const r = await call(t, 'GET', '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toContain(`connect-src 'self' ${t.url.replace('http', 'ws')}`);
    expect(r.headers.get('cache-control')).toBe('no-cache');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('x-frame-options')).toBe('DENY');
  });

  it('falls back to index.html for app routes, but not for missing files', async () => {
    const deep = await call(t, 'GET', '/alerts/42?token=abc');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('<div id="root">');
    const missing = await call(t, 'GET', '/assets/gone-AbCd1234.js');
    expect(missing.status).toBe(404);
    expect(ErrorBody.parse(missing.json).error.code).toBe('not_found');
  });

  it('caches hashed assets for a year, gzips them, and answers 304 to a matching ETag', async () => {
    const r = await fetch(`${t.url}/assets/index-AbCd1234.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(r.headers.get('content-encoding')).toBe('gzip');
    expect(r.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await r.text()).toBe(bigScript);
    const again = await fetch(`${t.url}/assets/index-AbCd1234.js`, { headers: { 'if-none-match': r.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const icon = await fetch(`${t.url}/favicon.svg`);
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('never serves a file outside the build', async () => {
    const raw = (p: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(`${t.url}${p}`, { method: 'GET' }, (res) => {
          let body = '';
          res.on('data', (b) => (body += b));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    for (const p of ['/../../package.json', '/..%2f..%2fpackage.json', '/assets/../../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const r = await raw(p);
      expect(r.body).not.toMatch(/"name": "risk-desk"|root:x:0/);
    }
  });
});

describe('browser origins', () => {
  it('refuses a foreign Origin with 403, allows the same origin and the allow-list (with CORS)', async () => {
    const evil = await call(t, 'GET', '/api/portfolios', { token: tokens.viewer, headers: { origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    expect(ErrorBody.parse(evil.json).error.code).toBe('forbidden_origin');
    const same = await call(t, 'GET', '/api/portfolios', { token: tokens.viewer, headers: { origin: t.url } });
    expect(same.status).toBe(200);
    expect(same.headers.get('access-control-allow-origin')).toBeNull();
    const listed = await call(t, 'GET', '/api/portfolios', { token: tokens.viewer, headers: { origin: 'https://dash.example.com' } });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://dash.example.com');
    const preflight = await call(t, 'OPTIONS', '/api/risk/thresholds', {
      headers: { origin: 'https://dash.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const evilPreflight = await call(t, 'OPTIONS', '/api/risk/thresholds', { headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(evilPreflight.status).toBe(403);
  });
});

describe('OpenAPI document', () => {
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; security: unknown[]; 'x-required-role': string | null; parameters?: { name: string; in: string; schema: object }[]; responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
    components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, object> };
  };
  beforeAll(async () => {
    const r = await call(t, 'GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    doc = r.json as unknown as typeof doc;
  });

  it('is OpenAPI 3.1 with a bearer JWT scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it.each(ENDPOINTS.map(([name]) => name))('documents %s with its method, role, parameters and schemas', (name) => {
    const ep = api[name as keyof typeof api] as Endpoint;
    const p = ep.path.replace(/:(\w+)/g, '{$1}');
    const op = doc.paths[p]?.[ep.method.toLowerCase()];
    expect(op, `${ep.method} ${p}`).toBeDefined();
    expect(op.operationId).toBe(name);
    expect(op['x-required-role']).toBe(ep.role);
    expect(op.security).toEqual(ep.role === null ? [] : [{ bearerAuth: [] }]);
    for (const m of ep.path.matchAll(/:(\w+)/g)) expect(op.parameters).toContainEqual(expect.objectContaining({ name: m[1], in: 'path' }));
    expect(op.responses['200'].content!['application/json'].schema).toBeTypeOf('object');
    if (ep.role !== null) expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('every schema compiles as JSON Schema 2020-12, and real responses validate against them', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'components', $defs: doc.components.schemas });
    const rewrite = (s: object) => JSON.parse(JSON.stringify(s).replaceAll('#/components/schemas/', 'components#/$defs/'));
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const op of Object.values(ops) as (typeof ops)[string][]) {
        for (const res of Object.values(op.responses)) for (const c of Object.values(res.content ?? {})) expect(() => ajv.compile(rewrite(c.schema)), p).not.toThrow();
        for (const param of op.parameters ?? []) expect(() => ajv.compile(param.schema), `${p} parameter`).not.toThrow();
        const body = (op as { requestBody?: { content: Record<string, { schema: object }> } }).requestBody;
        if (body) expect(() => ajv.compile(body.content['application/json'].schema), `${p} body`).not.toThrow();
      }
    }
    const check = async (urlPath: string, docPath: string, status = '200') => {
      const r = await call(t, 'GET', urlPath, { token: tokens.viewer });
      const validate = ajv.compile(rewrite(doc.paths[docPath].get.responses[status].content!['application/json'].schema));
      expect(validate(r.json), JSON.stringify(validate.errors)).toBe(true);
    };
    await check('/api/health', '/api/health');
    await check('/api/portfolios', '/api/portfolios');
    await check('/api/risk/thresholds', '/api/risk/thresholds');
    await check('/api/audit?limit=5', '/api/audit');
    await check('/api/audit?limit=0', '/api/audit', '400');
  });
});

describe('/metrics', () => {
  it('needs a token and serves the Prometheus text format', async () => {
    expect((await call(t, 'GET', '/metrics')).status).toBe(401);
    t.desk.events.emit('cycle', { at: new Date().toISOString(), durationMs: 42, portfolios: 8 });
    const r = await call(t, 'GET', '/metrics', { token: tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    const lines = r.text.trim().split('\n');
    for (const line of lines) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{(\w+="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.e+-]+|NaN|[+-]Inf))$/);
    expect(r.text).toMatch(/^risk_desk_ws_clients \d+$/m);
    expect(r.text).toMatch(/^risk_desk_feed_ticks_total \d+$/m);
    expect(r.text).toMatch(/^risk_desk_feed_state\{kind="simulated",state="stopped"\} 1$/m);
    expect(r.text).toMatch(/^risk_desk_alerts_open\{severity="CRITICAL"\} \d+$/m);
    expect(r.text).toMatch(/^risk_desk_notify_outbox_depth \d+$/m);
    expect(r.text).toMatch(/^risk_desk_cycle_duration_seconds_count 1$/m);
    expect(r.text).toMatch(/^risk_desk_cycle_duration_seconds_bucket\{le="0.05"\} 1$/m);
    expect(r.text).toMatch(/^risk_desk_http_requests_total\{method="GET",route="\/api\/portfolios",status="200"\} \d+$/m);
    expect(r.text).toMatch(/^risk_desk_auth_failures_total\{reason="missing"\} \d+$/m);
  });
});

describe('notifications through the API', () => {
  it('contacts, escalation rules and templates: viewers read, admins edit (audited), bad input names the field', async () => {
    const contact = await call(t, 'POST', '/api/notify/contacts', { token: tokens.admin, body: CONTACT });
    expect(contact.json).toMatchObject({ ...CONTACT, phone: null, enabled: true });
    const badPhone = await call(t, 'POST', '/api/notify/contacts', { token: tokens.admin, body: { ...CONTACT, phone: '555-0100' } });
    expect(ErrorBody.parse(badPhone.json).error.issues).toEqual([{ field: 'phone', reason: 'E.164, e.g. +14155550100' }]);
    expect((await call(t, 'GET', '/api/notify/contacts', { token: tokens.viewer })).json).toContainEqual(expect.objectContaining({ id: contact.json.id }));

    const rule = await call(t, 'POST', '/api/notify/escalation-rules', {
      token: tokens.admin,
      body: { ...RULE, steps: [{ level: 'on-call', delay_minutes: 0, recipients: [{ contact_id: contact.json.id }], channels: ['email'] }] },
    });
    expect(rule.status).toBe(200);
    const ghost = await call(t, 'POST', '/api/notify/escalation-rules', { token: tokens.admin, body: { ...RULE, steps: [{ ...RULE.steps[0], recipients: [{ contact_id: 999999 }] }] } });
    expect(ghost.status).toBe(400);
    expect(ErrorBody.parse(ghost.json).error.issues).toEqual([{ field: 'steps.0.recipients.0.contact_id', reason: 'no contact 999999' }]);
    expect((await call(t, 'GET', `/api/notify/escalation-rules/${rule.json.id}`, { token: tokens.viewer })).json).toMatchObject({ name: 'critical' });
    expect((await call(t, 'GET', '/api/notify/escalation-rules/999999', { token: tokens.viewer })).status).toBe(404);

    const preview = await call(t, 'POST', '/api/notify/templates/new_alert/preview', { token: tokens.admin, body: { draft: TEMPLATE, sample: { portfolio_id: 'tech_growth' } } });
    expect(preview.json).toMatchObject({ subject: expect.stringContaining('tech_growth'), sms_truncated: false });
    const broken = await call(t, 'PUT', '/api/notify/templates/new_alert', { token: tokens.admin, body: { ...TEMPLATE, body: 'line one\n{% if %}' } });
    expect(broken.status).toBe(400);
    expect(ErrorBody.parse(broken.json).error).toMatchObject({ message: expect.stringMatching(/new_alert template, body, line 2/), issues: [{ field: 'body', reason: expect.any(String) }] });
    const unknownKind = await call(t, 'GET', '/api/notify/templates/sms_blast', { token: tokens.viewer });
    expect(ErrorBody.parse(unknownKind.json).error.issues![0].field).toBe('kind');

    const audit = (await call(t, 'GET', '/api/audit?limit=1000', { token: tokens.viewer })).json.items as { entity: string; actor: string }[];
    expect(audit.filter((e) => e.actor === 'admin-user').map((e) => e.entity)).toEqual(expect.arrayContaining(['contact', 'escalation_rule']));
  });

  it('channel settings are admin only; secrets are write-only: never in responses, the audit trail or the logs', async () => {
    const SMTP = 'smtp-password-8c1f0e';
    const TWILIO = 'twilio-token-b7d2a4';
    expect((await call(t, 'GET', '/api/notify/channels', { token: tokens.risk_manager })).status).toBe(403);
    const saved = await call(t, 'PUT', '/api/notify/channels', {
      token: tokens.admin,
      body: {
        email: { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'desk', password: SMTP, from: 'risk@example.com' },
        sms: { provider: 'twilio', twilio_account_sid: 'AC0123', twilio_auth_token: TWILIO, twilio_from: '+14155550100' },
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ email: { host: 'smtp.example.com', password_set: true }, sms: { twilio_auth_token_set: true } });
    const read = await call(t, 'GET', '/api/notify/channels', { token: tokens.admin });
    const audit = await call(t, 'GET', '/api/audit?limit=1000', { token: tokens.admin });
    const log = await call(t, 'GET', '/api/notify/log?limit=1000', { token: tokens.admin });
    for (const text of [saved.text, read.text, audit.text, log.text, logger.text()]) {
      expect(text).not.toContain(SMTP);
      expect(text).not.toContain(TWILIO);
    }
    // Absent keeps, null clears.
    const kept = await call(t, 'PUT', '/api/notify/channels', { token: tokens.admin, body: { email: { port: 2525 } } });
    expect(kept.json).toMatchObject({ email: { port: 2525, password_set: true } });
    const cleared = await call(t, 'PUT', '/api/notify/channels', { token: tokens.admin, body: { email: { password: null } } });
    expect(cleared.json).toMatchObject({ email: { password_set: false } });
  });

  it('the notification log pages with a cursor and filters', async () => {
    await call(t, 'POST', '/api/notify/channels/test', { token: tokens.admin, body: { channel: 'webhook', to: 'http://127.0.0.1:9/a' } });
    await call(t, 'POST', '/api/notify/channels/test', { token: tokens.admin, body: { channel: 'webhook', to: 'http://127.0.0.1:9/b' } });
    const first = await call(t, 'GET', '/api/notify/log?limit=1&channel=webhook', { token: tokens.viewer });
    expect(first.status).toBe(200);
    expect((first.json.items as unknown[]).length).toBe(1);
    expect(first.json.next_cursor).toEqual(expect.any(String));
    const second = await call(t, 'GET', `/api/notify/log?limit=1&channel=webhook&cursor=${first.json.next_cursor}`, { token: tokens.viewer });
    const ids = [...(first.json.items as { id: number }[]), ...(second.json.items as { id: number }[])].map((i) => i.id);
    expect(ids[0]).toBeGreaterThan(ids[1]);
    const bad = await call(t, 'GET', '/api/notify/log?channel=pigeon', { token: tokens.viewer });
    expect(ErrorBody.parse(bad.json).error.issues![0].field).toBe('channel');
  });
});

describe('secrets', () => {
  it('never appear in responses or logs, and tokens from URLs are not logged', async () => {
    const s = await TestSocket.open(t.wsUrl, tokens.admin);
    await s.request({ type: 'ping', id: 'p' });
    await s.close();
    await call(t, 'GET', `/alerts?token=${tokens.admin}`);
    const bodies = await Promise.all(
      ['/api/health', '/api/openapi.json', '/api/portfolios', '/api/risk/thresholds', '/api/audit?limit=1000', '/metrics'].map((p) => call(t, 'GET', p, { token: tokens.admin })),
    );
    for (const b of bodies) expect(b.text).not.toContain(TEST_SECRET);
    const logs = logger.text();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(TEST_SECRET);
    for (const token of Object.values(tokens)) expect(logs).not.toContain(token);
  });
});
