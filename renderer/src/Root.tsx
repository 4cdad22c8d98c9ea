// Chooses the transport and keeps the session: IPC inside Electron; served, a token from the
// link or session storage, else the sign-in screen (also shown when the server refuses the token).
import { useEffect, useMemo, useState } from 'react';
import type { DeskBridge } from '../../shared/client';
import { App } from './App';
import { HttpWsClient, type SocketFactory } from './client/http-ws-client';
import { IpcClient } from './client/ipc-client';
import { isExpired, readClaims, TOKEN_KEY } from './client/token';
import { SignIn } from './components/SignIn';
import type { DeskContextValue } from './context';
import { DeskModel } from './state/store';
import { createUiStore, navigate } from './ui';

export interface RootProps {
  bridge: DeskBridge | null;
  /** The token found at load (URL or session storage). */
  initialToken: string | null;
  storage: Pick<Storage, 'setItem' | 'removeItem'>;
  baseUrl?: string;
  fetch?: typeof fetch;
  socket?: SocketFactory;
}

function useDesk(make: () => DeskContextValue | null, deps: unknown[]): DeskContextValue | null {
  // Rebuilt only when the transport or the token changes.
  const value = useMemo(make, deps);
  useEffect(() => {
    if (!value) return;
    value.model.start();
    return () => {
      value.model.stop();
      value.model.client.close();
    };
  }, [value]);
  return value;
}

export function Root(props: RootProps) {
  const { bridge, storage } = props;
  const [token, setToken] = useState<string | null>(() => (props.initialToken && !isExpired(readClaims(props.initialToken), Date.now()) ? props.initialToken : null));
  const [reason, setReason] = useState<string | null>(() => (props.initialToken && isExpired(readClaims(props.initialToken), Date.now()) ? 'Your token has expired: paste a new one.' : null));

  const value = useDesk(() => {
    if (bridge) return { model: new DeskModel(new IpcClient(bridge)), ui: createUiStore(), session: { user: null, role: null } };
    if (!token) return null;
    const claims = readClaims(token);
    const client = new HttpWsClient({ baseUrl: props.baseUrl ?? '', token, fetch: props.fetch, socket: props.socket });
    const signOut = () => {
      storage.removeItem(TOKEN_KEY);
      setReason(null);
      setToken(null);
    };
    return { model: new DeskModel(client), ui: createUiStore(), session: { user: claims?.sub ?? null, role: claims?.role ?? null, signOut, retryNow: () => client.retryNow() } };
  }, [bridge, token]);

  // Electron: a click on a desktop notification brings its alert up.
  useEffect(() => {
    if (!value || !bridge?.onNavigate) return;
    return bridge.onNavigate((target) => {
      navigate(value.ui, { view: 'alerts', arg: 'live' });
      if (target.view === 'alert') value.ui.setState({ selectedAlert: target.alert_id });
    });
  }, [value, bridge]);

  useEffect(() => {
    if (!value || bridge) return;
    return value.model.client.onConnection((s) => {
      if (s !== 'unauthorized') return;
      storage.removeItem(TOKEN_KEY);
      setReason('The server refused the token (invalid or expired). Paste a valid one.');
      setToken(null);
    });
  }, [value, bridge, storage]);

  if (value) return <App value={value} />;
  return (
    <SignIn
      reason={reason}
      onToken={async (t) => {
        if (!t) return 'Paste a token.';
        if (isExpired(readClaims(t), Date.now())) return 'That token has expired.';
        try {
          const res = await (props.fetch ?? fetch)(`${props.baseUrl ?? ''}/api/portfolios`, { headers: { Authorization: `Bearer ${t}` } });
          if (res.status === 401) return 'The server refused that token.';
          if (!res.ok) return `The server answered ${res.status}; try again.`;
        } catch {
          return 'The server did not answer; is risk-desk serve running?';
        }
        storage.setItem(TOKEN_KEY, t);
        setReason(null);
        setToken(t);
        return null;
      }}
    />
  );
}
