// The app-wide guards of Electron's security checklist: no navigation away from the app, no
// new windows, no <webview>, no permission ever granted, external links only if allow-listed.
import { app, type Session, shell } from 'electron';
import type { Logger } from '../core/ports';
import { type AllowedLink, isAllowedExternalUrl } from './logic/external';
import { isInAppNavigation } from './logic/protocol';

export function denyAllPermissions(ses: Session, logger: Logger): void {
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    logger.warn({ permission }, 'permission request denied');
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

export function guardWebContents(origins: readonly string[], allowList: readonly AllowedLink[], logger: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    const blockNavigation = (event: { preventDefault(): void; url: string }) => {
      if (isInAppNavigation(event.url, origins)) return;
      event.preventDefault();
      logger.warn({ url: event.url }, 'navigation blocked');
    };
    contents.on('will-navigate', blockNavigation);
    contents.on('will-redirect', blockNavigation);
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      logger.warn({}, '<webview> blocked');
    });
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url, allowList)) void shell.openExternal(url);
      else logger.warn({ url }, 'window.open / external link blocked');
      return { action: 'deny' };
    });
  });
}
