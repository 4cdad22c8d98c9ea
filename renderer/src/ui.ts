// What the user is looking at: the route (kept in the URL hash so a view survives a reload and
// can be linked), selections, the grid filter, the open dialog. Separate from the desk store:
// UI changes never rebuild the board.
import { createStore } from 'zustand/vanilla';

export type ViewName = 'desk' | 'portfolio' | 'alerts' | 'limits' | 'settings';
export const VIEWS: { name: ViewName; label: string; key: string }[] = [
  { name: 'desk', label: 'Desk', key: '1' },
  { name: 'portfolio', label: 'Portfolio', key: '2' },
  { name: 'alerts', label: 'Alerts', key: '3' },
  { name: 'limits', label: 'Limits', key: '4' },
  { name: 'settings', label: 'Settings', key: '5' },
];

export interface Route {
  view: ViewName;
  /** Portfolio id in the portfolio view; tab name in alerts and settings. */
  arg?: string;
}

export type Dialog = { kind: 'acknowledge' | 'resolve'; alertId: number } | null;

export interface UiState {
  route: Route;
  selectedPortfolio: string | null;
  selectedAlert: number | null;
  filter: string;
  helpOpen: boolean;
  dialog: Dialog;
}

export function parseHash(hash: string): Route {
  const [view, ...rest] = hash.replace(/^#\/?/, '').split('/');
  const known = VIEWS.some((v) => v.name === view);
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  return known ? { view: view as ViewName, ...(arg ? { arg } : {}) } : { view: 'desk' };
}

export function routeHash(r: Route): string {
  return `#/${r.view}${r.arg ? `/${encodeURIComponent(r.arg)}` : ''}`;
}

export function createUiStore(initialHash = typeof location !== 'undefined' ? location.hash : '') {
  const route = parseHash(initialHash);
  return createStore<UiState>(() => ({
    route,
    selectedPortfolio: route.view === 'portfolio' ? (route.arg ?? null) : null,
    selectedAlert: null,
    filter: '',
    helpOpen: false,
    dialog: null,
  }));
}
export type UiStore = ReturnType<typeof createUiStore>;

/** Goes to a view, updating the address bar so back/forward work. */
export function navigate(ui: UiStore, route: Route): void {
  const patch: Partial<UiState> = { route };
  if (route.view === 'portfolio' && route.arg) patch.selectedPortfolio = route.arg;
  ui.setState(patch);
  if (typeof location !== 'undefined' && location.hash !== routeHash(route)) history.pushState(null, '', routeHash(route));
}
