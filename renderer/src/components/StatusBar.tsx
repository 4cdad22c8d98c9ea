// The bottom line: connection, feed, last cycle, throughput, who is signed in.
import { useEffect, useRef, useState } from 'react';
import type { ConnectionState } from '../../../shared/client';
import { useDesk, useDeskContext } from '../context';
import { formatDuration, formatNumber, formatTime } from '../format';
import { Glyph } from './Light';
import type { Light } from '../state/limits';

export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

const CONNECTION: Record<ConnectionState, { light: Light; text: string }> = {
  open: { light: 'green', text: 'Connected' },
  connecting: { light: 'grey', text: 'Connecting…' },
  reconnecting: { light: 'amber', text: 'Reconnecting…' },
  closed: { light: 'red', text: 'Disconnected' },
  unauthorized: { light: 'red', text: 'Token refused' },
};

const FEED_LIGHT: Record<string, Light> = { live: 'green', connecting: 'grey', reconnecting: 'amber', stale: 'amber', stopped: 'red' };

function useRate(count: number, now: number): number | null {
  const last = useRef<{ at: number; count: number } | null>(null);
  const [rate, setRate] = useState<number | null>(null);
  useEffect(() => {
    const prev = last.current;
    if (prev && now > prev.at) setRate(((count - prev.count) * 1000) / (now - prev.at));
    last.current = { at: now, count };
    // Sampled once per tick of `now`, not on every count change.
  }, [now]);
  return rate;
}

export function StatusBar() {
  const { session } = useDeskContext();
  const connection = useDesk((s) => s.connection);
  const feed = useDesk((s) => s.feed);
  const cycle = useDesk((s) => s.lastCycle);
  const health = useDesk((s) => s.health);
  const count = useDesk((s) => s.eventsApplied);
  const portfolios = useDesk((s) => s.board.order.length);
  const now = useNow(1000);
  const rate = useRate(count, now);
  const conn = CONNECTION[connection];
  const dropped = feed ? Object.values(feed.dropped).reduce((a, b) => a + b, 0) : 0;
  const cycleAge = cycle ? now - Date.parse(cycle.at) : null;
  return (
    <footer className="statusbar" aria-label="Status">
      <span className="item" data-testid="connection" data-state={connection}>
        <Glyph light={conn.light} />
        <span className="value">{conn.text}</span>
        {connection === 'reconnecting' && session.retryNow && (
          <button type="button" className="link" onClick={session.retryNow}>
            retry now
          </button>
        )}
      </span>
      <span className="item" data-testid="feed" title={feed ? `${feed.kind}: ${feed.source}; last message ${formatTime(feed.last_message_at)}` : 'no feed status yet'}>
        Feed
        {feed ? (
          <>
            <Glyph light={FEED_LIGHT[feed.state] ?? 'grey'} />
            <span className="value">{feed.state}</span>
            <span>({feed.kind})</span>
            <span className="num">{formatNumber(feed.ticks_total, 0)} ticks</span>
            {dropped > 0 && <span className="num t-amber">{formatNumber(dropped, 0)} dropped</span>}
          </>
        ) : (
          <span className="value">—</span>
        )}
      </span>
      <span className="item" data-testid="cycle" title={cycle && Number.isFinite(cycle.duration_ms) ? `took ${cycle.duration_ms.toFixed(0)} ms for ${cycle.portfolios} portfolios` : undefined}>
        Last cycle <span className="value num">{formatTime(cycle?.at)}</span>
        {cycleAge !== null && <span className="num">({formatDuration(Math.max(0, cycleAge))} ago)</span>}
      </span>
      <span className="item">
        <span className="value num">{portfolios}</span> portfolios
      </span>
      <span className="item" title="pushed updates applied per second" data-testid="events-applied" data-count={count}>
        <span className="value num">{rate === null ? '—' : rate.toFixed(0)}</span> upd/s
      </span>
      <span style={{ flex: 1 }} />
      {session.user && (
        <span className="item">
          <span className="value">{session.user}</span>
          {session.role && <span>({session.role.replace('_', ' ')})</span>}
        </span>
      )}
      {session.signOut && (
        <button type="button" className="link" onClick={session.signOut}>
          sign out
        </button>
      )}
      {health && <span className="item">v{health.version}</span>}
      <span className="item">
        <kbd>?</kbd> shortcuts
      </span>
    </footer>
  );
}
