// /ws/risk over real WebSocket connections (`ws` clients and hand-written raw peers) against a
// server on a free port. Events enter through the desk's real EventBus, as the engine emits them.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../shared/api';
import { ROLE_RANK, ROLES } from '../../shared/domain';
import { DeskEvent } from '../../shared/events';
import { WS_CLOSE, WsReply } from '../../shared/ws';
import { ManualClock } from '../core/ports';
import { TokenAuthority } from './auth';
import { WS_ACTION_ROLE } from './hub';
import { RawWsPeer, sampleAlert, sampleSnapshot, startTestDesk, TEST_SECRET, type TestDesk, TestSocket } from './testing';

const until = async (cond: () => boolean, timeoutMs = 10_000, what = 'condition') => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

let t: TestDesk;
let viewer: string;
beforeAll(async () => {
  t = await startTestDesk({ hub: { maxPayload: 4096, maxMalformed: 5 }, allowOrigins: new Set(['https://dash.example.com']) });
  viewer = await t.token('viewer', 'alice');
});
afterAll(() => t?.stop());

describe('the upgrade', () => {
  it('refuses a missing, expired or forged token with 401 and no data', async () => {
    const expired = await TokenAuthority.fromSecret(TEST_SECRET, new ManualClock(Date.now() - 7200_000)).sign({ sub: 'a', role: 'admin', expiresInSeconds: 60 });
    const forged = await TokenAuthority.fromSecret('not the server secret, but long enough').sign({ sub: 'a', role: 'admin', expiresInSeconds: 60 });
    for (const [token, reason] of [
      [undefined, /token is required/],
      [expired, /expired/],
      [forged, /signature/],
    ] as const) {
      const r = await TestSocket.refused(t.wsUrl, token);
      expect(r.status).toBe(401);
      expect(ErrorBody.parse(r.body).error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(reason) });
    }
  });

  it('accepts the token in the Authorization header too', async () => {
    const s = await TestSocket.open(t.wsUrl, undefined, { authorization: `Bearer ${viewer}` });
    expect(await s.request({ type: 'ping', id: 'h' })).toMatchObject({ type: 'pong', id: 'h' });
    await s.close();
  });

  it('checks the browser Origin: same origin and the allow-list pass, others get 403', async () => {
    expect((await TestSocket.refused(t.wsUrl, viewer, { origin: 'http://evil.example' })).status).toBe(403);
    for (const origin of [t.url, 'https://dash.example.com']) {
      const s = await TestSocket.open(t.wsUrl, viewer, { origin });
      await s.close();
    }
  });

  it('answers a broken handshake with 400 in the ErrorBody shape', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${t.url}/ws/risk?token=${viewer}`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13' } });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('response', (r) => {
        let body = '';
        r.on('data', (b) => (body += b));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(res.status).toBe(400);
    expect(ErrorBody.parse(JSON.parse(res.body)).error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/not a WebSocket handshake/) });
  });

  it('answers 404 for another path', async () => {
    const r = await TestSocket.refused(`${t.url.replace('http', 'ws')}/ws/other`, viewer);
    expect(r.status).toBe(404);
  });
});

/** A REST call with a bearer token, as another program on the desk makes it. */
async function rest(method: string, urlPath: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(t.url + urlPath, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('config_changed', () => {
  it('a threshold one client creates, edits and deletes over REST reaches the other client, naming the id and who did it', async () => {
    const manager = await t.token('risk_manager', 'rita');
    const editor = await TestSocket.open(t.wsUrl, manager);
    const other = await TestSocket.open(t.wsUrl, viewer);
    const limit = { portfolio_id: 'tech_growth', metric_type: 'var_95', threshold_value: -0.04, comparison_type: 'less_than', severity: 'HIGH', description: 'set elsewhere' };
    const created = await rest('POST', '/api/risk/thresholds', manager, limit);
    expect(created.status).toBe(200);
    const id = created.json.id as number;
    const heard = DeskEvent.parse(await other.next((m) => m.type === 'config_changed'));
    expect(heard).toEqual({ type: 'config_changed', timestamp: expect.any(String), kind: 'thresholds', ids: [id], actor: 'rita' });
    expect(new Date(heard.timestamp).toISOString()).toBe(heard.timestamp);
    // The editor's own connection hears it too (its other windows reload the same way).
    expect(await editor.next((m) => m.type === 'config_changed')).toMatchObject({ kind: 'thresholds', ids: [id] });

    expect((await rest('PUT', `/api/risk/thresholds/${id}`, manager, { ...limit, threshold_value: -0.05 })).status).toBe(200);
    expect(await other.next((m) => m.type === 'config_changed')).toMatchObject({ kind: 'thresholds', ids: [id], actor: 'rita' });
    expect((await rest('DELETE', `/api/risk/thresholds/${id}`, manager)).status).toBe(200);
    expect(await other.next((m) => m.type === 'config_changed')).toMatchObject({ kind: 'thresholds', ids: [id], actor: 'rita' });

    // A refused change (400) changes nothing and announces nothing.
    expect((await rest('POST', '/api/risk/thresholds', manager, { ...limit, threshold_value: 'lots' })).status).toBe(400);
    expect(await other.request({ type: 'ping', id: 'after-400' })).toMatchObject({ type: 'pong' });
    expect(other.received.filter((m) => m.type === 'config_changed')).toEqual([]);
    await Promise.all([editor.close(), other.close()]);
  });

  it('a channel settings change names the channel and never carries a secret', async () => {
    const admin = await t.token('admin', 'ada');
    const other = await TestSocket.open(t.wsUrl, viewer);
    const frames: string[] = [];
    other.ws.on('message', (data) => frames.push(String(data)));
    const saved = await rest('PUT', '/api/notify/channels', admin, { email: { host: 'smtp.example.com', username: 'desk', password: 'hunter2-smtp-secret' }, sms: { twilio_auth_token: 'twilio-secret-token' } });
    expect(saved.status).toBe(200);
    const heard = DeskEvent.parse(await other.next((m) => m.type === 'config_changed'));
    expect(heard).toMatchObject({ kind: 'channels', ids: ['email', 'sms'], actor: 'ada' });
    expect(frames.join('\n')).toContain('config_changed');
    expect(frames.join('\n')).not.toMatch(/hunter2|twilio-secret|smtp\.example\.com/);
    await other.close();
  });
});

describe('subscriptions', () => {
  it('filters risk_metrics_update by subscription; alerts, escalations and system events reach everyone', async () => {
    const one = await TestSocket.open(t.wsUrl, viewer);
    const all = await TestSocket.open(t.wsUrl, viewer);
    const none = await TestSocket.open(t.wsUrl, viewer);
    expect(await one.request({ type: 'subscribe', portfolio_ids: ['tech_growth', 'no_such_book'], id: 's1' })).toMatchObject({
      type: 'subscribed',
      portfolio_ids: ['no_such_book', 'tech_growth'],
      unknown_portfolio_ids: ['no_such_book'],
    });
    expect(await all.request({ type: 'subscribe', portfolio_ids: ['*'], id: 's2' })).toMatchObject({ portfolio_ids: ['*'] });

    const at = new Date().toISOString();
    t.desk.events.emit('metrics', { snapshot: sampleSnapshot('tech_growth', at) });
    t.desk.events.emit('metrics', { snapshot: sampleSnapshot('fin_value', at) });
    t.desk.events.emit('new_alert', { alert: sampleAlert(1) });
    t.desk.events.emit('alert_updated', { alert: { ...sampleAlert(1), status: 'ACKNOWLEDGED' } });
    t.desk.events.emit('escalation', { alertId: 1, portfolioId: 'tech_growth', step: 1, level: 'L1', channel: 'email', recipients: ['desk@example.com'], at });
    t.desk.events.emit('system', { level: 'warning', message: 'feed stale', at });

    const types = (msgs: Record<string, unknown>[]) => msgs.map((m) => `${m.type}${m.portfolio_id && m.type === 'risk_metrics_update' ? `:${m.portfolio_id}` : ''}`);
    const collect = async (s: TestSocket, n: number) => {
      const got = [];
      for (let i = 0; i < n; i++) got.push(await s.next());
      return got;
    };
    const gotAll = await collect(all, 6);
    expect(types(gotAll)).toEqual(['risk_metrics_update:tech_growth', 'risk_metrics_update:fin_value', 'new_alert', 'alert_updated', 'escalation', 'system']);
    const gotOne = await collect(one, 5);
    expect(types(gotOne)).toEqual(['risk_metrics_update:tech_growth', 'new_alert', 'alert_updated', 'escalation', 'system']);
    const gotNone = await collect(none, 4);
    expect(types(gotNone)).toEqual(['new_alert', 'alert_updated', 'escalation', 'system']);
    // Nothing else was queued for the unsubscribed client: its next message is the pong.
    expect(await none.request({ type: 'ping', id: 'after' })).toMatchObject({ type: 'pong', id: 'after' });

    for (const m of [...gotAll, ...gotOne, ...gotNone]) {
      const e = DeskEvent.parse(m);
      expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
    }
    const alert = gotAll.find((m) => m.type === 'new_alert')!.alert as Record<string, unknown>;
    for (const k of ['id', 'portfolio_id', 'metric_type', 'severity', 'status', 'current_value', 'threshold_value', 'description']) expect(alert).toHaveProperty(k);

    expect(await one.request({ type: 'unsubscribe', portfolio_ids: ['tech_growth'], id: 'u1' })).toMatchObject({ type: 'unsubscribed', portfolio_ids: ['no_such_book'] });
    t.desk.events.emit('metrics', { snapshot: sampleSnapshot('tech_growth') });
    await all.next((m) => m.type === 'risk_metrics_update');
    expect(await one.request({ type: 'ping', id: 'p2' })).toMatchObject({ type: 'pong' });
    expect(one.received.filter((m) => m.type === 'risk_metrics_update')).toEqual([]);
    await Promise.all([one.close(), all.close(), none.close()]);
  });

  it('every role may use every action (each action is checked against its least role)', async () => {
    for (const role of ROLES) {
      const s = await TestSocket.open(t.wsUrl, await t.token(role));
      for (const [action, need] of Object.entries(WS_ACTION_ROLE)) {
        const reply = await s.request({ type: action, id: `${role}-${action}`, ...(action === 'ping' ? {} : { portfolio_ids: ['*'] }) });
        expect(ROLE_RANK[role] >= ROLE_RANK[need]).toBe(true);
        expect(WsReply.parse(reply).type).not.toBe('error');
      }
      await s.close();
    }
  });
});

describe('framing', () => {
  it.each([0, 125, 126, 65_535, 65_536, 200_000])('delivers a %i-character event intact (7, 16 and 64-bit frame lengths)', async (size) => {
    const s = await TestSocket.open(t.wsUrl, viewer);
    const message = 'x'.repeat(size);
    t.desk.events.emit('system', { level: 'info', message, at: new Date().toISOString() });
    const got = await s.next((m) => m.type === 'system' && typeof m.message === 'string' && m.message.length === size);
    expect(got.message).toBe(message);
    await s.close();
  });
});

describe('bad client messages', () => {
  it('answers each with an error, counts it, and keeps the connection and the server alive', async () => {
    const s = await TestSocket.open(t.wsUrl, viewer);
    const before = t.server.hub.counters.malformed_total;
    const bad: [unknown, RegExp][] = [
      ['not json', /not valid JSON/],
      ['[1,2,3]', /invalid message/],
      [{ type: 'launch', id: 'x1' }, /type/],
      [{ type: 'subscribe', portfolio_ids: 'tech_growth', id: 'x2' }, /portfolio_ids/],
    ];
    for (const [msg, reason] of bad) {
      s.send(msg);
      const reply = WsReply.parse(await s.next((m) => m.type === 'error'));
      expect(reply).toMatchObject({ type: 'error', code: 'bad_request', message: expect.stringMatching(reason) });
    }
    s.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await s.next((m) => m.type === 'error')).toMatchObject({ message: expect.stringMatching(/binary/) });
    expect(t.server.hub.counters.malformed_total - before).toBe(5);
    expect(await s.request({ type: 'ping', id: 'still-here' })).toMatchObject({ type: 'pong' });
    // Past the limit (5 in this server) the connection is closed as a policy violation.
    s.send('again');
    expect(await s.closed).toEqual({ code: WS_CLOSE.policyViolation, reason: 'more than 5 malformed messages' });
    const other = await TestSocket.open(t.wsUrl, viewer);
    expect(await other.request({ type: 'ping', id: 'ok' })).toMatchObject({ type: 'pong' });
    await other.close();
  });

  it('closes a connection that sends a frame over the size limit with 1009 and a reason', async () => {
    const s = await TestSocket.open(t.wsUrl, viewer);
    s.send({ type: 'subscribe', portfolio_ids: Array.from({ length: 1000 }, (_, i) => `p${i}`) });
    expect(await s.closed).toEqual({ code: 1009, reason: 'message too big: the limit is 4096 bytes' });
    await until(() => t.server.hub.counters.dropped_clients.too_big === 1, 5000, 'the too_big count');
    const other = await TestSocket.open(t.wsUrl, viewer);
    expect(await other.request({ type: 'ping', id: 'ok' })).toMatchObject({ type: 'pong' });
    await other.close();
  });
});

describe('reconnect', () => {
  it('a client cut off abruptly is cleaned up, and reconnects and resubscribes', async () => {
    const base = t.server.hub.clientCount;
    const s = await TestSocket.open(t.wsUrl, viewer);
    await s.request({ type: 'subscribe', portfolio_ids: ['tech_growth'], id: 'a' });
    expect(t.server.hub.clientCount).toBe(base + 1);
    s.ws.terminate();
    await until(() => t.server.hub.clientCount === base, 5000, 'the server to notice the dropped connection');
    const again = await TestSocket.open(t.wsUrl, viewer);
    await again.request({ type: 'subscribe', portfolio_ids: ['tech_growth'], id: 'b' });
    t.desk.events.emit('metrics', { snapshot: sampleSnapshot('tech_growth') });
    expect(await again.next((m) => m.type === 'risk_metrics_update')).toMatchObject({ portfolio_id: 'tech_growth' });
    await again.close();
  });

  it('tells clients the server is going away when it shuts down', async () => {
    const own = await startTestDesk();
    const s = await TestSocket.open(own.wsUrl, await own.token('viewer'));
    await own.stop();
    expect(await s.closed).toEqual({ code: WS_CLOSE.goingAway, reason: 'server shutting down' });
  });
});

describe('token expiry while connected', () => {
  it('closes the connection with 4001 once the token has expired', async () => {
    const clock = new ManualClock(Date.now());
    const own = await startTestDesk({ clock });
    const s = await TestSocket.open(own.wsUrl, await own.token('viewer', 'bob', 60));
    expect(await s.request({ type: 'ping', id: '1' })).toMatchObject({ type: 'pong' });
    clock.advance(61_000);
    s.send({ type: 'ping', id: '2' });
    expect(await s.closed).toEqual({ code: WS_CLOSE.tokenExpired, reason: 'token expired: reconnect with a fresh token' });
    await own.stop();
  });
});

describe('heartbeats', () => {
  it('terminate a peer that stops answering pings; healthy clients stay', async () => {
    const own = await startTestDesk({ hub: { heartbeatMs: 50 } });
    const token = await own.token('viewer');
    const healthy = await TestSocket.open(own.wsUrl, token);
    const silent = await RawWsPeer.connect(own.wsUrl, token);
    await until(() => own.server.hub.counters.dropped_clients.dead_peer === 1, 5000, 'the silent peer to be dropped');
    await until(() => silent.closed, 5000, 'the silent socket to close');
    // Several heartbeats later the healthy client (which answers pings) is still connected.
    const beatsLater = own.server.hub.counters.dropped_clients.dead_peer;
    await new Promise((r) => setTimeout(r, 300));
    expect(own.server.hub.counters.dropped_clients.dead_peer).toBe(beatsLater);
    expect(await healthy.request({ type: 'ping', id: 'alive' })).toMatchObject({ type: 'pong' });
    silent.destroy();
    await healthy.close();
    await own.stop();
  });
});

describe('backpressure', () => {
  it('coalesces metric updates for a client that stops reading, then drops it past the limit, while a healthy client keeps receiving', async () => {
    const own = await startTestDesk({ hub: { softBufferBytes: 16 * 1024, hardBufferBytes: 512 * 1024, heartbeatMs: 60_000 } });
    const token = await own.token('viewer');
    const healthy = await TestSocket.open(own.wsUrl, token);
    await healthy.request({ type: 'subscribe', portfolio_ids: ['*'], id: 'h' });
    const slow = await RawWsPeer.connect(own.wsUrl, token);
    slow.sendText(JSON.stringify({ type: 'subscribe', portfolio_ids: ['*'] }));
    await until(() => own.server.hub.clientCount === 2, 5000, 'both clients');
    slow.stopReading();

    // Keep the engine busy: snapshots for 50 portfolios and a stream of alert events, until the
    // slow peer has filled its kernel buffers and the server's limit (bounded in time).
    let round = 0;
    let lastAlertId = 0;
    let lastAt = '';
    const deadline = Date.now() + 30_000;
    while (own.server.hub.counters.dropped_clients.slow === 0 && Date.now() < deadline) {
      round++;
      lastAt = new Date(Date.parse('2026-01-01T00:00:00Z') + round * 1000).toISOString();
      for (let p = 0; p < 50; p++) own.desk.events.emit('metrics', { snapshot: sampleSnapshot(`p${p}`, lastAt, round) });
      for (let i = 0; i < 20; i++) own.desk.events.emit('new_alert', { alert: sampleAlert(++lastAlertId) });
      await new Promise((r) => setTimeout(r, 5));
    }
    const c = own.server.hub.counters;
    expect(c.dropped_clients.slow).toBe(1);
    expect(c.coalesced_total).toBeGreaterThan(0);
    await until(() => slow.closed || own.server.hub.clientCount === 1, 5000, 'the slow client to be cut');
    expect(own.server.hub.clientCount).toBe(1);

    // The healthy client got every alert, in order, and every snapshot up to the last round.
    await healthy.next((m) => m.type === 'new_alert' && (m.alert as { id: number }).id === lastAlertId, 20_000);
    const alertIds = healthy.received.filter((m) => m.type === 'new_alert').map((m) => (m.alert as { id: number }).id);
    expect(alertIds).toEqual(Array.from({ length: lastAlertId - 1 }, (_, i) => i + 1));
    // Snapshots of one portfolio within one flush interval coalesce for everyone, so the healthy
    // client is owed the latest snapshot of each portfolio, not every intermediate one.
    for (let p = 0; p < 50; p++) await healthy.next((m) => m.type === 'risk_metrics_update' && m.portfolio_id === `p${p}` && m.timestamp === lastAt);
    await healthy.close();
    await own.stop();
    slow.destroy();
  }, 60_000);
});
