// One ECharts instance per element, updated in place with setOption (merge by default), resized
// with its container, disposed with the component. Canvas where the browser has it, SVG
// otherwise (happy-dom in tests has no canvas).
import { useEffect, useLayoutEffect, useRef } from 'react';
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

export interface EChartProps {
  option: Option;
  /** Replace the whole option instead of merging (e.g. the set of series changed). */
  replace?: boolean;
  className?: string;
  label: string;
}

export function EChart({ option, replace = false, className = 'chart', label }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useLayoutEffect(() => {
    const node = el.current!;
    const sized = node.clientWidth > 0 && node.clientHeight > 0;
    const c = echarts.init(node, DESK_THEME, { renderer: canvasSupported() ? 'canvas' : 'svg', ...(sized ? {} : { width: 600, height: 240 }) });
    chart.current = c;
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => c.resize()) : null;
    ro?.observe(node);
    return () => {
      ro?.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: replace, lazyUpdate: true });
  }, [option, replace]);

  return <div ref={el} className={className} role="img" aria-label={label} />;
}
