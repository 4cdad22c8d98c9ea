// What ran in a page's longest main-thread tasks, from a Chromium trace (categories
// devtools.timeline and disabled-by-default-devtools.timeline): for finding what a long task is
// before profiling it (e.g. an animation frame in the charts' chunk, or a WebSocket message).
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, µs. */
  tdur?: number;
  args?: { name?: string; data?: { functionName?: string; type?: string; url?: string } };
}

/** The renderer main thread's complete events. */
export function mainThreadEvents(events: TraceEvent[]): TraceEvent[] {
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
}

/** The `n` tasks with the most CPU time, each with the events inside it that took over `minMs` of CPU, as printable lines. */
export function describeLongestTasks(main: TraceEvent[], n: number, minMs = 1): string[] {
  const tasks = main.filter((e) => e.name === 'RunTask').sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0));
  const lines: string[] = [];
  for (const t of tasks.slice(0, n)) {
    const end = t.ts + (t.dur ?? 0);
    lines.push(`task ${((t.tdur ?? 0) / 1000).toFixed(1)} ms CPU (${((t.dur ?? 0) / 1000).toFixed(1)} ms wall)`);
    for (const e of main) {
      if (e === t || e.ts < t.ts || e.ts + (e.dur ?? 0) > end || (e.tdur ?? 0) < minMs * 1000) continue;
      const what = [e.args?.data?.functionName, e.args?.data?.type, e.args?.data?.url?.split('/').pop()].filter(Boolean).join(' ');
      lines.push(`  ${((e.tdur ?? 0) / 1000).toFixed(1).padStart(6)} ms  ${e.name}${what ? ` (${what})` : ''}`);
    }
  }
  return lines;
}
