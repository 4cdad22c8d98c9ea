// How components reach the desk: one context holding the model (desk store + client), the UI
// store and the session. Components select narrow slices so a change re-renders only what shows it.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { api, type EndpointName } from '../../shared/api';
import { ROLE_RANK, type Role } from '../../shared/domain';
import type { ConfigKind } from '../../shared/events';
import type { DeskModel, DeskState } from './state/store';
import type { UiState, UiStore } from './ui';

export interface Session {
  /** Who is signed in, when the token says. */
  user: string | null;
  /** The token's role; null when unknown (Electron: the engine decides). */
  role: Role | null;
  /** Served only: forget the token and show the sign-in screen. */
  signOut?: () => void;
  /** Served only: reconnect now rather than after the backoff. */
  retryNow?: () => void;
}

export interface DeskContextValue {
  model: DeskModel;
  ui: UiStore;
  session: Session;
}

export const DeskContext = createContext<DeskContextValue | null>(null);

export function useDeskContext(): DeskContextValue {
  const ctx = useContext(DeskContext);
  if (!ctx) throw new Error('DeskContext missing: render inside <DeskProvider>');
  return ctx;
}

export function useDesk<T>(selector: (s: DeskState) => T): T {
  return useStore(useDeskContext().model.store, selector);
}

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(useDeskContext().ui, selector);
}

/** Moves whenever the server announces a change to this kind of configuration: a view loading that kind lists it as a dependency. */
export function useConfigVersion(kind: ConfigKind): number {
  return useDesk((s) => s.configVersions[kind]);
}

/** Whether the signed-in role may call an endpoint (hides what the server would refuse). */
export function useCan(name: EndpointName): boolean {
  const { role } = useDeskContext().session;
  const need = api[name].role;
  return need === null || role === null || ROLE_RANK[role] >= ROLE_RANK[need];
}
