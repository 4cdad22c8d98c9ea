import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../core/ports';
import { createShutdown } from './shutdown';

describe('createShutdown', () => {
  it('runs every step once, in order, even when called again', async () => {
    const order: string[] = [];
    const s = createShutdown(
      [
        { name: 'a', run: () => void order.push('a') },
        { name: 'b', run: async () => void order.push('b') },
      ],
      silentLogger,
    );
    expect(s.started).toBe(false);
    const p1 = s.run('quit');
    const p2 = s.run('again');
    expect(p1).toBe(p2);
    await p1;
    expect(order).toEqual(['a', 'b']);
  });

  it('goes on past a failing or stuck step, logging each', async () => {
    const warned: string[] = [];
    const logger = { ...silentLogger, warn: (_f: object, m: string) => void warned.push(m), error: (_f: object, m: string) => void warned.push(m) };
    let closed = false;
    const s = createShutdown(
      [
        {
          name: 'throws',
          run: () => {
            throw new Error('boom');
          },
        },
        { name: 'hangs', run: () => new Promise<void>(() => undefined) },
        { name: 'slow but within its own deadline', run: () => new Promise<void>((r) => setTimeout(r, 40)), timeoutMs: 1000 },
        { name: 'close db', run: () => void (closed = true) },
      ],
      logger,
      20,
    );
    await s.run('quit');
    expect(closed).toBe(true);
    expect(warned).toEqual(['shutdown step failed; continuing', 'shutdown step timed out; continuing']);
  });
});
