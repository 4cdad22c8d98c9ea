// The window's size, position and maximised state, remembered between runs. A saved position
// that no longer lands on a connected display (a laptop off its dock) is dropped, not obeyed.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const WindowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1600, height: 1000, maximized: false };
export const MIN_WINDOW = { width: 900, height: 600 };

/** The saved state, or the default when missing or unreadable. */
export function parseWindowState(text: string | null): WindowState {
  if (text === null) return DEFAULT_WINDOW_STATE;
  try {
    const r = WindowStateSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : DEFAULT_WINDOW_STATE;
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * The bounds to open with: the saved size capped to the largest work area, and the saved
 * position only if its title bar strip (top 40 px) is at least half on some display;
 * otherwise no position (the OS centres the window).
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const maxW = Math.max(MIN_WINDOW.width, ...workAreas.map((a) => a.width));
  const maxH = Math.max(MIN_WINDOW.height, ...workAreas.map((a) => a.height));
  const width = Math.min(Math.max(state.width, MIN_WINDOW.width), maxW);
  const height = Math.min(Math.max(state.height, MIN_WINDOW.height), maxH);
  const fitted: WindowState = { width, height, maximized: state.maximized };
  if (state.x === undefined || state.y === undefined) return fitted;
  const titleBar: Rect = { x: state.x, y: state.y, width, height: 40 };
  const visible = workAreas.some((a) => overlap(titleBar, a) >= (titleBar.width * titleBar.height) / 2);
  return visible ? { ...fitted, x: state.x, y: state.y } : fitted;
}

/** What to remember: the normal (un-maximised) bounds, so un-maximising later restores them. */
export function captureWindowState(normalBounds: Rect, maximized: boolean): WindowState {
  return {
    x: Math.round(normalBounds.x),
    y: Math.round(normalBounds.y),
    width: Math.round(normalBounds.width),
    height: Math.round(normalBounds.height),
    maximized,
  };
}

/** window-state.json in the user data folder; written whole through a temporary file so a crash never leaves half a file. */
export class WindowStateFile {
  constructor(private readonly file: string) {}

  static in(dir: string): WindowStateFile {
    return new WindowStateFile(path.join(dir, 'window-state.json'));
  }

  load(): WindowState {
    let text: string | null = null;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      text = null;
    }
    return parseWindowState(text);
  }

  save(state: WindowState): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, this.file);
  }
}
