// The one bridge the renderer sees.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('riskDesk', { platform: process.platform });
