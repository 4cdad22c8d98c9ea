// The desk: every portfolio against its limits, worst first, with the live alerts beside it.
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { METRIC_INFO } from '../../../shared/metrics';
import { AlertPanel } from '../components/AlertPanel';
import { Glyph, LightLabel } from '../components/Light';
import { useDesk, useDeskContext, useUi } from '../context';
import { formatAmount, formatMetric, formatTime, formatUtilisation } from '../format';
import { type BoardRow, displayOrder, KEY_METRICS, type KeyMetric } from '../state/board';
import { useShortcuts } from '../shortcuts';
import { navigate } from '../ui';

const SHORT_LABEL: Record<KeyMetric, string> = {
  var_95: 'VaR 95',
  var_99: 'VaR 99',
  cvar_95: 'CVaR 95',
  max_drawdown: 'Drawdown',
  volatility: 'Vol',
  leverage_ratio: 'Leverage',
  'concentration_risk.max_position': 'Max pos',
  sharpe_ratio: 'Sharpe',
};

const COL_WIDTHS_REM = [9.6, 12, 5.8, ...KEY_METRICS.map(() => 9.2), 4.4, 5.6];
const COLS = COL_WIDTHS_REM.map((w) => `${w}rem`).join(' ');
// An explicit width: 'max-content' would make the browser measure every cell on every update.
const GRID_WIDTH = `${COL_WIDTHS_REM.reduce((a, b) => a + b, 0)}rem`;

export type ShowFilter = 'all' | 'attention' | 'breach' | 'stale';

export function matchesFilter(row: BoardRow, text: string, show: ShowFilter): boolean {
  if (show === 'attention' && row.light !== 'red' && row.light !== 'amber') return false;
  if (show === 'breach' && row.light !== 'red') return false;
  if (show === 'stale' && !row.stale) return false;
  if (!text) return true;
  const t = text.toLowerCase();
  return row.name.toLowerCase().includes(t) || row.id.toLowerCase().includes(t);
}

function cellTitle(row: BoardRow, m: KeyMetric): string {
  const c = row.cells[m];
  const label = METRIC_INFO[m].label;
  const value = formatMetric(m, c.value, row.currency);
  if (c.value === null) return `${label}: no figure${row.snapshot?.null_reasons[m] ? ` (${row.snapshot.null_reasons[m]})` : ''}`;
  if (!c.threshold) return `${label}: ${value} (no limit set)`;
  const t = c.threshold;
  return `${label}: ${value} · limit ${t.comparison_type.replace(/_/g, ' ')} ${formatMetric(m, t.threshold_value, row.currency)} (${t.severity}) · utilisation ${formatUtilisation(c.utilisation)}${row.stale ? ' · STALE' : ''}`;
}

const Row = memo(function Row({ row, selected, top, height, onSelect, onOpen }: { row: BoardRow; selected: boolean; top: number; height: number; onSelect: (id: string) => void; onOpen: (id: string) => void }) {
  // Kept lean: this renders for every visible row on every update. Tooltips are built on hover
  // (see describeCell) and each cell's shape comes from CSS on data-light.
  return (
    <div role="row" aria-selected={selected} data-portfolio={row.id} data-light={row.light} className={`grid-row${row.stale ? ' is-stale' : ''}`} style={{ transform: `translateY(${top}px)`, height }} onClick={() => onSelect(row.id)} onDoubleClick={() => onOpen(row.id)}>
      <div role="gridcell" className="cell status-cell" data-tip="score">
        <LightLabel light={row.light} />
        <span className="v num">{formatUtilisation(row.score)}</span>
      </div>
      <div role="gridcell" className="pname" data-tip="name">
        {row.name}
      </div>
      <div role="gridcell" className="num">
        {formatAmount(row.nav, row.currency)}
      </div>
      {KEY_METRICS.map((m) => {
        const c = row.cells[m];
        const v = formatMetric(m, c.value, row.currency);
        return (
          <div role="gridcell" key={m} className={`cell ${c.light}`} data-metric={m} data-light={c.light}>
            <span className="v">{v}</span>
            <span className="u">{c.threshold ? formatUtilisation(c.utilisation) : ''}</span>
          </div>
        );
      })}
      <div role="gridcell" className="num" data-tip="alerts">
        {row.openAlerts ? <span className={`sev ${row.worstSeverity}`}>{row.openAlerts}</span> : <span className="dim">0</span>}
      </div>
      <div role="gridcell" className="num muted">
        {formatTime(row.snapshot?.timestamp)}
      </div>
    </div>
  );
});

/** The tooltip of a grid cell, built when the pointer reaches it rather than on every render. */
export function describeCell(row: BoardRow, cell: HTMLElement): string {
  const m = cell.getAttribute('data-metric') as KeyMetric | null;
  if (m) return cellTitle(row, m);
  switch (cell.getAttribute('data-tip')) {
    case 'score':
      return `Risk score: highest limit utilisation ${formatUtilisation(row.score)}${row.breaches ? ` · ${row.breaches} limit(s) breached` : ''}`;
    case 'name':
      return `${row.name} (${row.id})`;
    case 'alerts':
      return row.worstSeverity ? `${row.openAlerts} open, worst ${row.worstSeverity}` : 'no open alerts';
    default:
      return '';
  }
}

// happy-dom and a hidden container measure 0 x 0; fall back to a screenful so rows still render.
const FALLBACK_RECT = { width: 1600, height: 900 };
const observeRect: typeof observeElementRect = (instance, cb) => observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT));

function rowHeightPx(): number {
  const rem = typeof getComputedStyle === 'function' ? parseFloat(getComputedStyle(document.documentElement).fontSize) : NaN;
  return Math.round((Number.isFinite(rem) && rem > 0 ? rem : 13) * 1.9);
}

const FREEZE_AFTER_KEY_MS = 4000;

const SHOW_OPTIONS = [
  ['all', 'All'],
  ['attention', 'Amber + red'],
  ['breach', 'Breaches'],
  ['stale', 'Stale'],
] as const;

/** Its own component: it must not re-render (and touch the input) on every figure update. */
const DeskToolbar = memo(function DeskToolbar({ filterRef, show, setShow, frozen, onEnter }: { filterRef: React.RefObject<HTMLInputElement | null>; show: ShowFilter; setShow: (s: ShowFilter) => void; frozen: boolean; onEnter: () => void }) {
  const { ui } = useDeskContext();
  const filter = useUi((s) => s.filter);
  return (
    <div className="toolbar">
      <h2>Desk</h2>
      <input
        ref={filterRef}
        className="filter"
        type="search"
        placeholder="Filter portfolios  /"
        aria-label="Filter portfolios"
        value={filter}
        onChange={(e) => ui.setState({ filter: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            ui.setState({ filter: '' });
            e.currentTarget.blur();
          }
          if (e.key === 'Enter' || e.key === 'ArrowDown') {
            e.currentTarget.blur();
            onEnter();
          }
        }}
      />
      <div className="segmented" role="group" aria-label="Show">
        {SHOW_OPTIONS.map(([v, label]) => (
          <button key={v} type="button" aria-pressed={show === v} onClick={() => setShow(v)}>
            {label}
          </button>
        ))}
      </div>
      <span className="muted" style={{ marginLeft: 'auto' }}>
        {frozen ? 'order held while you look' : 'worst first · new breaches at once, re-sorted every 5 s'}
      </span>
    </div>
  );
});

export function DeskView() {
  const { ui, model } = useDeskContext();
  // The grid renders from a deferred copy of the board: React re-renders the rows in the
  // background in small slices, so a burst of 200 updates never blocks input for long.
  const board = useDeferredValue(useDesk((s) => s.board));
  const loaded = useDesk((s) => s.loaded);
  const filter = useUi((s) => s.filter);
  const selected = useUi((s) => s.selectedPortfolio);
  const blocked = useUi((s) => s.dialog !== null || s.helpOpen);
  const [show, setShow] = useState<ShowFilter>('all');
  const [rowHeight, setRowHeight] = useState(rowHeightPx);
  const filterRef = useRef<HTMLInputElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Worst first, but calm: a new breach reorders at once, anything else every few seconds
  // (displayOrder), and nothing moves while the pointer is over the grid or just after a keyboard
  // move: a row must not jump away from under the user's hand or eye.
  const shown = useRef<{ order: string[]; at: number } | null>(null);
  const [hovering, setHovering] = useState(false);
  const [keyFreezeUntil, setKeyFreezeUntil] = useState(0);
  const frozen = hovering || keyFreezeUntil > 0;
  if (!frozen || !shown.current) shown.current = displayOrder(shown.current, board, Date.now());
  const baseOrder = shown.current.order;
  useEffect(() => {
    if (!keyFreezeUntil) return;
    const t = setTimeout(() => setKeyFreezeUntil(0), Math.max(0, keyFreezeUntil - Date.now()));
    return () => clearTimeout(t);
  }, [keyFreezeUntil]);

  const order = useMemo(() => {
    const known = new Set(baseOrder);
    const all = baseOrder.filter((id) => board.rows[id]).concat(board.order.filter((id) => !known.has(id)));
    return all.filter((id) => matchesFilter(board.rows[id], filter, show));
  }, [board, baseOrder, filter, show]);

  useEffect(() => {
    const onResize = () => setRowHeight(rowHeightPx());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);

  const virtualizer: Virtualizer<HTMLDivElement, Element> = useVirtualizer({
    count: order.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 5,
    initialRect: FALLBACK_RECT,
    observeElementRect: observeRect,
    getItemKey: (i) => order[i],
  });
  useEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

  const select = useCallback((id: string) => ui.setState({ selectedPortfolio: id }), [ui]);
  const orderRef = useRef(order);
  orderRef.current = order;
  const selectFirst = useCallback(() => orderRef.current.length && select(orderRef.current[0]), [select]);
  const open = useCallback((id: string) => navigate(ui, { view: 'portfolio', arg: id }), [ui]);

  const move = (delta: number) => {
    if (order.length === 0) return;
    const i = selected ? order.indexOf(selected) : -1;
    const next = i < 0 ? (delta > 0 ? 0 : order.length - 1) : Math.max(0, Math.min(order.length - 1, i + delta));
    setKeyFreezeUntil(Date.now() + FREEZE_AFTER_KEY_MS);
    select(order[next]);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  useShortcuts(
    {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      Enter: () => selected && open(selected),
      '/': () => filterRef.current?.focus(),
    },
    () => blocked,
  );

  // Rows are positioned absolutely, so their DOM order is free: keeping it stable (by id) means a
  // re-sort moves no DOM nodes, it only changes each row's offset.
  const items = [...virtualizer.getVirtualItems()].sort((a, b) => (order[a.index] < order[b.index] ? -1 : 1));
  return (
    <div className="desk">
      <section className="grid-wrap" aria-label="Portfolios against their limits">
        <DeskToolbar filterRef={filterRef} show={show} setShow={setShow} frozen={frozen} onEnter={selectFirst} />
        <div className="grid-scroll" ref={scrollRef} role="grid" aria-rowcount={order.length + 1} aria-label="Traffic lights" style={{ ['--cols' as string]: COLS }}>
          <div className="grid-row grid-head" role="row" style={{ width: GRID_WIDTH }}>
            <div role="columnheader">Status · score</div>
            <div role="columnheader">Portfolio</div>
            <div role="columnheader" className="num">
              NAV
            </div>
            {KEY_METRICS.map((m) => (
              <div role="columnheader" key={m} className="num" title={METRIC_INFO[m].label}>
                {SHORT_LABEL[m]}
              </div>
            ))}
            <div role="columnheader" className="num">
              Alerts
            </div>
            <div role="columnheader" className="num">
              Updated
            </div>
          </div>
          <div
            className="grid-body"
            style={{ height: virtualizer.getTotalSize(), position: 'relative', width: GRID_WIDTH }}
            onMouseEnter={() => setHovering(true)}
            onMouseLeave={() => setHovering(false)}
            onMouseOver={(e) => {
              const cell = (e.target as HTMLElement).closest<HTMLElement>('[role="gridcell"]');
              const id = cell?.parentElement?.getAttribute('data-portfolio');
              const row = id ? board.rows[id] : undefined;
              if (cell && row) cell.title = describeCell(row, cell);
            }}
          >
            {items.map((item) => {
              const id = order[item.index];
              return <Row key={id} row={board.rows[id]} selected={id === selected} top={item.start} height={rowHeight} onSelect={select} onOpen={open} />;
            })}
          </div>
          {loaded && order.length === 0 && <div className="empty">{board.order.length ? 'No portfolio matches the filter.' : 'No portfolios in the book.'}</div>}
          {!loaded && <div className="empty">Loading the book…</div>}
        </div>
        <div className="grid-foot">
          <span>
            {order.length} of {board.order.length} portfolios
          </span>
          <span>
            <Glyph light="red" /> {board.summary.counts.red} breach
          </span>
          <span>
            <Glyph light="amber" /> {board.summary.counts.amber} warn
          </span>
          <span>
            <Glyph light="green" /> {board.summary.counts.green} ok
          </span>
          <span>
            <Glyph light="grey" /> {board.summary.counts.grey} stale
          </span>
          <span className="dim" style={{ marginLeft: 'auto' }}>
            score = highest limit utilisation · Enter opens · double-click opens
          </span>
        </div>
      </section>
      <AlertPanel model={model} />
    </div>
  );
}
