import { describe, expect, it } from 'vitest';
import { decodeFeedMessage, FeedMessage } from './feed';

const reasons = (text: string) => decodeFeedMessage(text).map((i) => (i.kind === 'dropped' ? i.reason : i.kind));

describe('decodeFeedMessage', () => {
  it('decodes a tick with its epoch time and UTC date', () => {
    expect(decodeFeedMessage('{"type":"tick","symbol":"AAPL","price":189.31,"ts":"2026-11-26T14:30:00.123Z"}')).toEqual([
      { kind: 'tick', tick: { symbol: 'AAPL', price: 189.31, ts: Date.parse('2026-11-26T14:30:00.123Z'), date: '2026-11-26' } },
    ]);
  });

  it('dates a tick by its UTC day, whatever offset it was sent with', () => {
    const [item] = decodeFeedMessage('{"type":"tick","symbol":"AAPL","price":1,"ts":"2026-11-27T01:00:00+09:00"}');
    expect(item).toMatchObject({ kind: 'tick', tick: { date: '2026-11-26' } });
  });

  it('decodes a batch tick by tick: one bad tick drops only itself', () => {
    const text = JSON.stringify({
      type: 'ticks',
      ticks: [
        { symbol: 'A', price: 1, ts: '2026-01-02T10:00:00Z' },
        { type: 'tick', symbol: 'B', price: -3, ts: '2026-01-02T10:00:00Z' },
        { symbol: 'C', price: 2 },
      ],
    });
    const items = decodeFeedMessage(text);
    expect(items.map((i) => (i.kind === 'dropped' ? i.reason : i.kind))).toEqual(['tick', 'bad_price', 'malformed']);
    expect(items[1]).toMatchObject({ detail: expect.stringMatching(/^ticks\[1\]\.price/) });
    expect(items[2]).toMatchObject({ detail: expect.stringMatching(/^ticks\[2\]\.ts/) });
  });

  it.each([
    ['not json', 'malformed'],
    ['[1,2]', 'malformed'],
    ['{"type":"quote","symbol":"A"}', 'malformed'],
    ['{"type":"tick","symbol":"A","price":1,"ts":"yesterday"}', 'malformed'],
    ['{"type":"tick","symbol":"","price":1,"ts":"2026-01-02T10:00:00Z"}', 'malformed'],
    ['{"type":"tick","symbol":"A","price":0,"ts":"2026-01-02T10:00:00Z"}', 'bad_price'],
    ['{"type":"tick","symbol":"A","price":-1.5,"ts":"2026-01-02T10:00:00Z"}', 'bad_price'],
    ['{"type":"tick","symbol":"A","price":"12.5","ts":"2026-01-02T10:00:00Z"}', 'bad_price'],
    ['{"type":"tick","symbol":"A","price":1e999,"ts":"2026-01-02T10:00:00Z"}', 'bad_price'],
    ['{"type":"tick","symbol":"A","price":null,"ts":"2026-01-02T10:00:00Z"}', 'bad_price'],
    ['{"type":"ticks","ticks":"A"}', 'malformed'],
    ['{"type":"position","portfolio_id":"p1","symbol":"A","quantity":"lots"}', 'bad_quantity'],
    ['{"type":"position","portfolio_id":"p1","symbol":"A","quantity":-1e999}', 'bad_quantity'],
    ['{"type":"position","symbol":"A","quantity":5}', 'malformed'],
  ])('%s -> %s', (text, reason) => {
    expect(reasons(text)).toEqual([reason]);
  });

  it('decodes a position (0 and negative quantities are valid)', () => {
    expect(decodeFeedMessage('{"type":"position","portfolio_id":"p1","symbol":"A","quantity":-250}')).toEqual([
      { kind: 'position', position: { portfolio_id: 'p1', symbol: 'A', quantity: -250 } },
    ]);
    expect(reasons('{"type":"position","portfolio_id":"p1","symbol":"A","quantity":0}')).toEqual(['position']);
  });

  it('the published schema accepts exactly the documented examples', () => {
    for (const m of [
      { type: 'tick', symbol: 'AAPL', price: 189.31, ts: '2026-11-26T14:30:00.123Z' },
      { type: 'ticks', ticks: [{ type: 'tick', symbol: 'AAPL', price: 189.31, ts: '2026-11-26T14:30:00.123Z' }] },
      { type: 'position', portfolio_id: 'p1', symbol: 'AAPL', quantity: 1000 },
    ]) {
      expect(FeedMessage.safeParse(m).success).toBe(true);
    }
    expect(FeedMessage.safeParse({ type: 'tick', symbol: 'AAPL', price: 0, ts: '2026-11-26T14:30:00Z' }).success).toBe(false);
  });
});
