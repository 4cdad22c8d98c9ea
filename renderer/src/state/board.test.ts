import { describe, expect, it } from 'vitest';
import { alert, portfolio, snapshot, threshold } from '../testing/fixtures';
import { buildBoard, buildRow, type BoardInput, displayOrder, RESORT_EVERY_MS } from './board';
import { metricLight } from './limits';

describe('metricLight', () => {
  const varLimit = threshold({ metric_type: 'var_95', threshold_value: -0.05, comparison_type: 'less_than', warn_utilisation_pct: 80 });

  it('is green below the warning level, amber from it, red on a breach', () => {
    expect(metricLight(-0.03, [varLimit], false)).toMatchObject({ light: 'green', breached: false });
    expect(metricLight(-0.03, [varLimit], false).utilisation).toBeCloseTo(60);
    expect(metricLight(-0.04, [varLimit], false)).toMatchObject({ light: 'amber' });
    expect(metricLight(-0.051, [varLimit], false)).toMatchObject({ light: 'red', breached: true });
  });

  it('is grey when the figure is stale or missing, whatever its value', () => {
    expect(metricLight(-0.09, [varLimit], true).light).toBe('grey');
    expect(metricLight(null, [varLimit], false).light).toBe('grey');
  });

  it('lets a portfolio’s own threshold override the desk-wide one of the same metric, side and severity', () => {
    const desk = threshold({ portfolio_id: '*', threshold_value: -0.03, severity: 'HIGH' });
    const own = threshold({ portfolio_id: 'lev', threshold_value: -0.06, severity: 'HIGH' });
    const row = buildRow(portfolio('lev'), snapshot('lev', { var_95: -0.04 }), [desk, own], [], true);
    expect(row.cells.var_95.threshold).toBe(own);
    expect(row.cells.var_95.light).toBe('green');
    expect(buildRow(portfolio('other'), snapshot('other', { var_95: -0.04 }), [desk, own], [], true).cells.var_95.light).toBe('red');
  });

  it('is none when no threshold watches the figure', () => {
    expect(metricLight(-0.09, [], false).light).toBe('none');
  });

  it('takes the binding threshold: a breach beats a higher utilisation elsewhere', () => {
    const tight = threshold({ threshold_value: -0.03, severity: 'MEDIUM' });
    const wide = threshold({ threshold_value: -0.06, severity: 'CRITICAL' });
    const ml = metricLight(-0.035, [wide, tight], false);
    expect(ml.threshold).toBe(tight);
    expect(ml.light).toBe('red');
  });
});

describe('buildBoard', () => {
  const thresholds = [
    threshold({ portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05 }),
    threshold({ portfolio_id: 'lev', metric_type: 'leverage_ratio', threshold_value: 3, comparison_type: 'greater_than' }),
  ];
  const input = (over: Partial<BoardInput> = {}): BoardInput => ({
    portfolios: { a: portfolio('a', { name: 'Alpha' }), b: portfolio('b', { name: 'Beta' }), lev: portfolio('lev', { name: 'Levered' }), s: portfolio('s', { name: 'Stale' }) },
    snapshots: {
      a: snapshot('a', { var_95: -0.02 }),
      b: snapshot('b', { var_95: -0.045 }),
      lev: snapshot('lev', { var_95: -0.01, leverage_ratio: 3.5 }),
      s: snapshot('s', { var_95: -0.06, stale: true }),
    },
    thresholds,
    alerts: {},
    live: true,
    ...over,
  });

  it('orders worst first and scores each portfolio by its highest utilisation', () => {
    const board = buildBoard(input(), null, null);
    expect(board.order).toEqual(['lev', 'b', 's', 'a']);
    expect(board.rows.lev.light).toBe('red');
    expect(board.rows.lev.score).toBeCloseTo(350 / 3);
    expect(board.rows.b.light).toBe('amber');
    expect(board.rows.b.score).toBeCloseTo(90);
    expect(board.rows.s.light).toBe('grey');
    expect(board.rows.a.light).toBe('green');
    // Stale figures still count: the last known breach is not an all-clear.
    expect(board.rows.s.score).toBeCloseTo(120);
    expect(board.summary.score).toBeCloseTo(120);
    expect(board.summary.counts).toEqual({ red: 1, amber: 1, grey: 1, green: 1, none: 0 });
  });

  it('greys everything while disconnected', () => {
    const board = buildBoard(input({ live: false }), null, null);
    expect(Object.values(board.rows).every((r) => r.light === 'grey' && r.cells.var_95.light === 'grey')).toBe(true);
  });

  it('counts open alerts per portfolio with the worst severity', () => {
    const alerts = { 1: alert({ id: 1, portfolio_id: 'b', severity: 'MEDIUM' }), 2: alert({ id: 2, portfolio_id: 'b', severity: 'CRITICAL', status: 'ACKNOWLEDGED' }), 3: alert({ id: 3, portfolio_id: 'b', status: 'RESOLVED' }) };
    const board = buildBoard(input({ alerts }), null, null);
    expect(board.rows.b).toMatchObject({ openAlerts: 2, worstSeverity: 'CRITICAL' });
    expect(board.summary).toMatchObject({ openAlerts: 2, unacknowledged: 1 });
  });

  it('reuses the rows whose inputs did not change', () => {
    const first = input();
    const b1 = buildBoard(first, null, null);
    const second = { ...first, snapshots: { ...first.snapshots, a: snapshot('a', { var_95: -0.03 }) } };
    const b2 = buildBoard(second, b1, first);
    expect(b2.rows.b).toBe(b1.rows.b);
    expect(b2.rows.a).not.toBe(b1.rows.a);
  });

  it('shows a portfolio with no figures yet as grey, with no score', () => {
    const row = buildRow(portfolio('n'), null, thresholds, [], true);
    expect(row).toMatchObject({ light: 'grey', score: null, stale: true });
  });
});

describe('displayOrder', () => {
  const thresholds = [threshold({ portfolio_id: '*', metric_type: 'var_95', threshold_value: -0.05 })];
  const boardWith = (vars: Record<string, number>) =>
    buildBoard(
      {
        portfolios: Object.fromEntries(Object.keys(vars).map((id) => [id, portfolio(id, { name: id })])),
        snapshots: Object.fromEntries(Object.entries(vars).map(([id, v]) => [id, snapshot(id, { var_95: v })])),
        thresholds,
        alerts: {},
        live: true,
      },
      null,
      null,
    );

  it('holds a score-only reordering until the re-sort interval has passed', () => {
    const first = displayOrder(null, boardWith({ a: -0.046, b: -0.044 }), 0);
    expect(first.order).toEqual(['a', 'b']);
    const swapped = boardWith({ a: -0.044, b: -0.046 });
    expect(displayOrder(first, swapped, RESORT_EVERY_MS - 1).order).toEqual(['a', 'b']);
    expect(displayOrder(first, swapped, RESORT_EVERY_MS).order).toEqual(['b', 'a']);
  });

  it('reorders at once when a row turns red or the book changes, otherwise waits', () => {
    const first = displayOrder(null, boardWith({ a: -0.046, b: -0.01 }), 0);
    expect(first.order).toEqual(['a', 'b']);
    expect(displayOrder(first, boardWith({ a: -0.046, b: -0.06 }), 1).order).toEqual(['b', 'a']);
    // b turns amber, above a's green: a colour change, but not a breach, so it waits.
    const calm = displayOrder(null, boardWith({ a: -0.02, b: -0.01 }), 0);
    expect(displayOrder(calm, boardWith({ a: -0.02, b: -0.045 }), 1).order).toEqual(calm.order);
    expect(displayOrder(first, boardWith({ a: -0.046, b: -0.01, c: -0.02 }), 1).order).toHaveLength(3);
  });
});
