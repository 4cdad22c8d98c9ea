// The one bridge the renderer sees: window.riskDesk (shared/client.ts DeskBridge). Runs sandboxed
// with context isolation, so the page gets copies of these functions and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('riskDesk', createBridge(ipcRenderer));
