// A drill: move prices at once through the simulated feed (feed.shock), to rehearse a breach
// end to end (lights, alerts, notifications, escalation). Only with the simulated feed.
import { useState } from 'react';
import { callErrors, PortfolioOptions } from '../../components/forms';
import { useCan, useDesk, useDeskContext } from '../../context';
import { formatPercent } from '../../format';

export function Drill() {
  const { model } = useDeskContext();
  const can = useCan('feed.shock');
  const feed = useDesk((s) => s.feed);
  const [portfolio, setPortfolio] = useState('');
  const [movePct, setMovePct] = useState('-10');
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const shock = async () => {
    const move = Number(movePct) / 100;
    if (!Number.isFinite(move) || move <= -1) return setResult({ ok: false, text: 'The move is a percentage above −100.' });
    try {
      const r = await model.client.call('feed.shock', { portfolio_id: portfolio || undefined, move });
      setResult({ ok: true, text: `Moved ${r.symbols.length} symbols by ${formatPercent(r.move, 1)}.` });
    } catch (err) {
      setResult({ ok: false, text: callErrors(err).message });
    }
  };
  if (!can) return <div className="empty">Drills need the risk manager role.</div>;
  return (
    <form
      aria-label="Drill"
      className="form"
      style={{ maxWidth: '44rem' }}
      onSubmit={(e) => {
        e.preventDefault();
        void shock();
      }}
    >
      <div style={{ gridColumn: '1 / -1' }} className="muted">
        Moves prices at once through the simulated feed{feed ? ` (running: ${feed.kind})` : ''}: every holding of the chosen portfolio, or every symbol. Real alerts and notifications follow.
      </div>
      <label htmlFor="drill-portfolio">Portfolio</label>
      <select id="drill-portfolio" value={portfolio} onChange={(e) => setPortfolio(e.target.value)}>
        <option value="">every symbol</option>
        <PortfolioOptions />
      </select>
      <label htmlFor="drill-move">Move (%)</label>
      <input id="drill-move" inputMode="decimal" value={movePct} onChange={(e) => setMovePct(e.target.value)} />
      <div className="actions">
        <button type="submit" className="danger">
          Shock prices
        </button>
      </div>
      {result && (
        <div role="status" className={result.ok ? 't-green' : 'error-text'} style={{ gridColumn: '1 / -1' }}>
          {result.text}
        </div>
      )}
    </form>
  );
}
