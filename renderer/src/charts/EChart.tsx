// One ECharts instance per element, updated in place with setOption (merge by default), resized
// with its container, disposed with the component. Canvas where the browser has it, SVG
// otherwise (happy-dom in tests has no canvas).
//
// Updates are drawn one chart per animation frame: a live update reaches every chart of a view
// at once, and drawing them all in one task blocked the page for ~50 ms a second. Spread over
// frames, each costs a few milliseconds and the figures still show within a tenth of a second.
import { useEffect, useLayoutEffect, useRef } from 'react';
import { frameScheduler } from '../state/frame';
import { DESK_THEME, echarts } from './echarts';

type Option = Parameters<echarts.ECharts['setOption']>[0];

let canvasOk: boolean | null = null;
function canvasSupported(): boolean {
  if (canvasOk === null) {
    try {
      canvasOk = !!document.createElement('canvas').getContext('2d');
    } catch {
      canvasOk = false;
    }
  }
  return canvasOk;
}

interface PendingDraw {
  /** The option to merge first (when it changed), then `data`. */
  option: Option | null;
  replace: boolean;
  data: Option | null;
}

/** Charts waiting to draw, oldest first; a chart appears once, with its latest update. */
const pending = new Map<echarts.ECharts, PendingDraw>();
const schedule = frameScheduler();
let cancelDraw: (() => void) | null = null;

function drawNext(): void {
  cancelDraw = null;
  const next = pending.entries().next();
  if (next.done) return;
  const [chart, draw] = next.value;
  pending.delete(chart);
  try {
    if (!chart.isDisposed()) {
      // Merged lazily, then the data drawn at once: both in one ECharts update.
      if (draw.option) chart.setOption(draw.option, { notMerge: draw.replace, lazyUpdate: draw.data !== null });
      if (draw.data) chart.setOption(draw.data, { lazyUpdate: false });
    }
  } finally {
    // One chart's bad option must not stop the others drawing.
    if (pending.size) cancelDraw ??= schedule(drawNext);
  }
}

function queueDraw(chart: echarts.ECharts, update: PendingDraw): void {
  const queued = pending.get(chart);
  pending.set(chart, {
    option: update.option ?? queued?.option ?? null,
    replace: update.replace || (queued?.replace ?? false),
    data: update.data ?? queued?.data ?? null,
  });
  cancelDraw ??= schedule(drawNext);
}

export interface EChartProps {
  /** The chart's option; keep it stable (memoised): a new object is merged into the chart again. */
  option: Option;
  /**
   * Figures merged into `option` on their own (e.g. series by id with only their `data`): a live
   * update passes just this, so ECharts does not copy and re-merge the rest of the option.
   */
  data?: Option;
  /** Replace the whole option instead of merging (e.g. the set of series changed). */
  replace?: boolean;
  className?: string;
  label: string;
}

export function EChart({ option, data, replace = false, className = 'chart', label }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const shown = useRef<{ option: Option | null; replace: boolean }>({ option: null, replace: false });

  useLayoutEffect(() => {
    const node = el.current!;
    const sized = node.clientWidth > 0 && node.clientHeight > 0;
    const c = echarts.init(node, DESK_THEME, { renderer: canvasSupported() ? 'canvas' : 'svg', ...(sized ? {} : { width: 600, height: 240 }) });
    chart.current = c;
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => c.resize()) : null;
    ro?.observe(node);
    return () => {
      ro?.disconnect();
      pending.delete(c);
      c.dispose();
      chart.current = null;
      shown.current = { option: null, replace: false };
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const changed = shown.current.option !== option || shown.current.replace !== replace;
    shown.current = { option, replace };
    queueDraw(c, { option: changed ? option : null, replace: changed && replace, data: data ?? null });
  }, [option, data, replace]);

  return <div ref={el} className={className} role="img" aria-label={label} />;
}
