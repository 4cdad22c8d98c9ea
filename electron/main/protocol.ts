// app:// — the dashboard is served from a privileged standard scheme rather than file://, so
// it has a real origin (app://desk) that the CSP, the IPC sender check and navigation rules key on.
import { protocol } from 'electron';
import { APP_SCHEME } from './logic/channels';
import { createAppHandler } from './logic/protocol';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built dashboard (out/renderer) on app://desk/. */
export function serveDashboard(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, createAppHandler(rendererRoot));
}
