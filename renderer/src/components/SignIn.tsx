// Served without a token (or with a refused one): paste a token to continue.
import { useState } from 'react';

export function SignIn({ reason, onToken }: { reason: string | null; onToken: (token: string) => Promise<string | null> }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <div className="signin">
      <form
        aria-label="Sign in"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(await onToken(token.trim()));
          setBusy(false);
        }}
      >
        <h1>Risk Desk</h1>
        <p className="muted" style={{ margin: 0 }}>
          Paste an API token to open the dashboard. <code>risk-desk serve</code> prints a ready-to-open link with an admin token when it starts; ask your administrator for a personal one.
        </p>
        {reason && (
          <div className="error-text" role="alert">
            {reason}
          </div>
        )}
        <label htmlFor="token">Token</label>
        <textarea id="token" value={token} onChange={(e) => setToken(e.target.value)} placeholder="eyJhbGciOiJIUzI1NiIs…" aria-invalid={error ? true : undefined} autoFocus />
        {error && (
          <div className="error-text" role="alert">
            {error}
          </div>
        )}
        <button className="primary" type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
    </div>
  );
}
