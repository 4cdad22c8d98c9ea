// dispatch(): the one path every transport (HTTP, WebSocket, IPC) takes into the handlers.
import { describe, expect, it } from 'vitest';
import type { DeskHandlers } from '../../../shared/api';
import { InputError } from '../book/types';
import { RecordingLogger } from '../testing';
import { ApiError, dispatch } from './dispatch';

const contact = { id: 1, name: 'Ada', role: 'risk_manager', email: 'ada@example.com', phone: null, webhook_url: null, enabled: true };

/** A handler map with only the endpoints a test calls (dispatch looks handlers up by name). */
function handlers(partial: Partial<Record<keyof DeskHandlers, (args: never) => unknown>>): DeskHandlers {
  return partial as unknown as DeskHandlers;
}

describe('dispatch', () => {
  it('checks the role before validating or running anything', async () => {
    let ran = false;
    const h = handlers({ 'contacts.create': () => ((ran = true), contact) });
    expect(await dispatch(h, 'contacts.create', { nonsense: 1 }, null)).toMatchObject({ ok: false, status: 401 });
    expect(await dispatch(h, 'contacts.create', { nonsense: 1 }, { actor: 'v', role: 'risk_manager' })).toMatchObject({
      ok: false,
      status: 403,
      body: { error: { code: 'forbidden', message: 'contacts.create needs the admin role; you are risk_manager' } },
    });
    expect(ran).toBe(false);
    expect(await dispatch(h, 'no.such', {}, { actor: 'a', role: 'admin' })).toMatchObject({ ok: false, status: 404 });
  });

  it('answers invalid input with 400 naming each field', async () => {
    const r = await dispatch(handlers({}), 'contacts.create', { name: '', role: 'x', email: 'not-an-email' }, { actor: 'a', role: 'admin' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.body.error.issues?.map((i) => i.field).sort()).toEqual(['email', 'name']);
  });

  it('sends only what the output contract names: a field the contract lacks never leaves', async () => {
    const h = handlers({ 'contacts.list': () => [{ ...contact, password_hash: 'do-not-send' }] });
    const r = await dispatch(h, 'contacts.list', {}, { actor: 'v', role: 'viewer' });
    expect(r).toEqual({ ok: true, value: [contact] });
  });

  it('turns a result that breaks the contract into a logged 500, never a half-right answer', async () => {
    const logger = new RecordingLogger();
    const h = handlers({ 'contacts.list': () => [{ ...contact, email: 42 }] });
    const r = await dispatch(h, 'contacts.list', {}, { actor: 'v', role: 'viewer' }, logger);
    expect(r).toEqual({ ok: false, status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', msg: 'handler result breaks the output contract', fields: expect.objectContaining({ endpoint: 'contacts.list' }) }));
  });

  it('maps ApiError and InputError to their status with the field; anything else is a 500 logged with the error', async () => {
    const logger = new RecordingLogger();
    const ctx = { actor: 'a', role: 'admin' as const };
    const conflict = await dispatch(handlers({ 'contacts.list': () => { throw new ApiError(409, 'conflict', 'busy'); } }), 'contacts.list', {}, ctx, logger);
    expect(conflict).toMatchObject({ ok: false, status: 409, body: { error: { code: 'conflict', message: 'busy' } } });
    const input = await dispatch(handlers({ 'contacts.list': () => { throw new InputError('rule', null, 'steps.0.level', 'too long'); } }), 'contacts.list', {}, ctx, logger);
    expect(input).toMatchObject({ ok: false, status: 400, body: { error: { issues: [{ field: 'steps.0.level', reason: 'too long' }] } } });
    const boom = new Error('disk on fire');
    const crash = await dispatch(handlers({ 'contacts.list': () => { throw boom; } }), 'contacts.list', {}, ctx, logger);
    expect(crash).toEqual({ ok: false, status: 500, body: { error: { code: 'internal', message: 'internal error' } } });
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', fields: expect.objectContaining({ endpoint: 'contacts.list', err: boom }) }));
  });
});
