// A stand-in for the 'electron' module in the adapters' tests (vi.mock('electron', ...)):
// Electron's runtime cannot run under Node, so each API the adapters touch is a small
// recording fake. Only adapters' tests use it; every decision is tested in ../logic without it.
import { EventEmitter } from 'node:events';

type Listener = (...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  static all: FakeWebContents[] = [];
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  mainFrame: { url: string };
  constructor(url = 'app://desk/index.html') {
    super();
    this.mainFrame = { url };
    FakeWebContents.all.push(this);
  }
  isDestroyed() {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
  destroy() {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

export const webContents = { getAllWebContents: () => FakeWebContents.all.filter((w) => !w.destroyed) };

class FakeApp extends EventEmitter {
  isPackaged = true;
  paths: Record<string, string> = { userData: '/tmp/risk-desk-fake/userData', appData: '/tmp/risk-desk-fake' };
  loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  quitCalls = 0;
  getPath(name: string) {
    return this.paths[name];
  }
  setPath(name: string, value: string) {
    this.paths[name] = value;
  }
  getAppPath() {
    return '/tmp/risk-desk-fake/app';
  }
  getLoginItemSettings() {
    return this.loginItem;
  }
  setLoginItemSettings(s: { openAtLogin: boolean }) {
    this.loginItem = { ...this.loginItem, openAtLogin: s.openAtLogin };
  }
  quit() {
    this.quitCalls++;
    const event = { defaultPrevented: false, preventDefault() {
      this.defaultPrevented = true;
    } };
    this.emit('before-quit', event);
  }
  exit() {}
  setAppUserModelId() {}
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
}
export const app = new FakeApp();

class FakeIpcMain extends EventEmitter {
  handlers = new Map<string, Listener>();
  handle(channel: string, fn: Listener) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}
export const ipcMain = new FakeIpcMain();

export class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  devicePermissionHandler: Listener | null = null;
  setPermissionRequestHandler(h: Listener) {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: Listener) {
    this.permissionCheckHandler = h;
  }
  setDevicePermissionHandler(h: Listener) {
    this.devicePermissionHandler = h;
  }
}
export const session = { defaultSession: new FakeSession() };

export const shell = { opened: [] as string[], openExternal: async (url: string) => void shell.opened.push(url) };

export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: unknown[]) {
    this.privileged.push(...schemes);
  },
  handle(scheme: string, fn: (request: Request) => Promise<Response>) {
    this.handlers.set(scheme, fn);
  },
};

export class FakeNativeImage {
  reps: { scaleFactor: number; buffer: Buffer }[] = [];
  addRepresentation(r: { scaleFactor: number; buffer: Buffer }) {
    this.reps.push(r);
  }
}
export const nativeImage = { createEmpty: () => new FakeNativeImage() };

export const Menu = { buildFromTemplate: (template: unknown[]) => ({ template }) };

export class Tray extends EventEmitter {
  static last: Tray | null = null;
  image: FakeNativeImage;
  tooltip = '';
  menu: { template: { label?: string; type?: string; checked?: boolean; click?: () => void }[] } | null = null;
  destroyed = false;
  setImageCalls = 0;
  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    Tray.last = this;
  }
  setImage(image: FakeNativeImage) {
    this.image = image;
    this.setImageCalls++;
  }
  setToolTip(t: string) {
    this.tooltip = t;
  }
  setContextMenu(m: Tray['menu']) {
    this.menu = m;
  }
  destroy() {
    this.destroyed = true;
  }
}

export class Notification extends EventEmitter {
  static supported = true;
  static shown: Notification[] = [];
  static isSupported() {
    return Notification.supported;
  }
  constructor(readonly options: Record<string, unknown>) {
    super();
  }
  show() {
    Notification.shown.push(this);
  }
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  visible = false;
  minimized = false;
  maximized = false;
  focused = false;
  destroyed = false;
  url = '';
  bounds: { x: number; y: number; width: number; height: number };
  constructor(readonly options: Record<string, unknown> & { width: number; height: number; x?: number; y?: number }) {
    super();
    this.webContents = new FakeWebContents('about:blank');
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width, height: options.height };
    BrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    this.url = url;
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return this.minimized;
  }
  isVisible() {
    return this.visible;
  }
  isMaximized() {
    return this.maximized;
  }
  maximize() {
    this.maximized = true;
  }
  restore() {
    this.minimized = false;
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused = true;
  }
  getNormalBounds() {
    return this.bounds;
  }
  /** What the user's close button does: 'close', then destroyed unless prevented. */
  close() {
    const event = { defaultPrevented: false, preventDefault() {
      this.defaultPrevented = true;
    } };
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroyed = true;
  }
}

export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }] };

export const dialog = { errors: [] as string[][], showErrorBox: (title: string, body: string) => void dialog.errors.push([title, body]) };

export const safeStorage = {
  isEncryptionAvailable: () => true,
  encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`),
  decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'hex').toString(),
  getSelectedStorageBackend: () => 'gnome_libsecret',
};

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown) {
    this.exposed.set(key, api);
  },
};

export const ipcRenderer = new (class extends EventEmitter {
  invoked: unknown[][] = [];
  sentMessages: unknown[][] = [];
  invoke(...args: unknown[]) {
    this.invoked.push(args);
    return Promise.resolve({ ok: true, value: null });
  }
  send(...args: unknown[]) {
    this.sentMessages.push(args);
  }
})();

/** Forgets everything recorded, between tests. */
export function resetFakes(): void {
  FakeWebContents.all = [];
  BrowserWindow.created = [];
  Notification.shown = [];
  Notification.supported = true;
  Tray.last = null;
  app.removeAllListeners();
  app.isPackaged = true;
  app.quitCalls = 0;
  ipcMain.removeAllListeners();
  ipcMain.handlers.clear();
  protocol.privileged = [];
  protocol.handlers.clear();
  shell.opened = [];
  dialog.errors = [];
  session.defaultSession = new FakeSession();
  contextBridge.exposed.clear();
}
