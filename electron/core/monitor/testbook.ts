// A small, hand-checkable book for the monitor's tests: three symbols, three portfolios, 40 days.
import type { Portfolio, Position } from '../../../shared/domain';
import { mulberry32 } from '../demo/generator';
import type { Clock } from '../ports';
import { FeedBase, type FeedDeps, type FeedKind, type FeedSink } from './feed';

export const TEST_SYMBOLS = ['AAA', 'BBB', 'CCC'] as const;
export const TEST_LAST_DATE = '2026-01-02';
export const TEST_PORTFOLIOS: Portfolio[] = [
  { id: 'p1', name: 'One', nav: 1_000_000, currency: 'USD' },
  { id: 'p2', name: 'Two', nav: null, currency: 'USD' },
  { id: 'p3', name: 'Three', nav: 500_000, currency: 'USD' },
];
/** p1 holds AAA and BBB, p2 BBB and (short) CCC, p3 only CCC. */
export const TEST_POSITIONS: Position[] = [
  { portfolio_id: 'p1', symbol: 'AAA', quantity: 1000 },
  { portfolio_id: 'p1', symbol: 'BBB', quantity: 500 },
  { portfolio_id: 'p2', symbol: 'BBB', quantity: 2000 },
  { portfolio_id: 'p2', symbol: 'CCC', quantity: -300 },
  { portfolio_id: 'p3', symbol: 'CCC', quantity: 800 },
];

/** 40 weekdays of closes ending TEST_LAST_DATE, a seeded walk per symbol. */
export function testPrices(): { symbol: string; date: string; close: number }[] {
  const rnd = mulberry32(42);
  const dates: string[] = [];
  const d = new Date(`${TEST_LAST_DATE}T00:00:00Z`);
  while (dates.length < 40) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) dates.unshift(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() - 1);
  }
  const rows: { symbol: string; date: string; close: number }[] = [];
  TEST_SYMBOLS.forEach((symbol, i) => {
    let p = 50 * (i + 1);
    for (const date of dates) {
      p = Math.round(p * (1 + (rnd() - 0.5) * 0.04) * 100) / 100;
      rows.push({ symbol, date, close: p });
    }
  });
  return rows;
}

/** A feed the test pushes raw messages into: the real decoding and drop counting, no transport. */
export class PushFeed extends FeedBase {
  constructor(deps: FeedDeps & { clock: Clock }, kind: FeedKind = 'websocket') {
    super(kind, 'test://push', deps);
  }

  start(sink: FeedSink): void {
    this.sink = sink;
    this.setState('live');
  }

  async stop(): Promise<void> {
    this.setState('stopped');
  }

  push(message: object | string): void {
    this.receive(typeof message === 'string' ? message : JSON.stringify(message));
  }
}
