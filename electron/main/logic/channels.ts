// Names main and preload agree on. Imports nothing, so the sandboxed preload bundle stays tiny.

/** IPC channels between the preload bridge and the main process. */
export const IPC = {
  invoke: 'desk:invoke',
  subscribe: 'desk:subscribe',
  event: 'desk:event',
  navigate: 'desk:navigate',
} as const;

/** The origin the packaged dashboard is served from (see protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** electron-builder's appId; on Windows also the AppUserModelId notifications are shown under. */
export const APP_ID = 'com.riskdesk.app';
