import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../core/testing';
import { captureWindowState, DEFAULT_WINDOW_STATE, fitToDisplays, parseWindowState, WindowStateFile } from './window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const external = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('window state', () => {
  it('falls back to the default for a missing, corrupt or out-of-range file', () => {
    expect(parseWindowState(null)).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState('{not json')).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState('{"width":-5,"height":800,"maximized":false}')).toEqual(DEFAULT_WINDOW_STATE);
    expect(parseWindowState('{"x":10,"y":20,"width":1200,"height":800,"maximized":true}')).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: true });
  });

  it('keeps a position that is still on a display', () => {
    expect(fitToDisplays({ x: 1600, y: 100, width: 1800, height: 1000, maximized: false }, [laptop, external])).toEqual({ x: 1600, y: 100, width: 1800, height: 1000, maximized: false });
  });

  it('drops a position left on a display that is gone, and caps the size to what is there', () => {
    expect(fitToDisplays({ x: 1600, y: 100, width: 1800, height: 1000, maximized: true }, [laptop])).toEqual({ width: 1440, height: 875, maximized: true });
  });

  it('drops a position whose title bar is mostly off screen', () => {
    expect(fitToDisplays({ x: 1000, y: -30, width: 1000, height: 700, maximized: false }, [laptop])).not.toHaveProperty('x');
    expect(fitToDisplays({ x: 1000, y: 0, width: 1000, height: 700, maximized: false }, [laptop])).not.toHaveProperty('x');
    expect(fitToDisplays({ x: 400, y: 0, width: 1000, height: 700, maximized: false }, [laptop])).toMatchObject({ x: 400, y: 0 });
  });

  it('enforces the minimum size', () => {
    expect(fitToDisplays({ width: 200, height: 200, maximized: false }, [laptop])).toEqual({ width: 900, height: 600, maximized: false });
  });

  it('captures the normal bounds rounded', () => {
    expect(captureWindowState({ x: 10.4, y: 20.6, width: 1000.2, height: 700.5 }, true)).toEqual({ x: 10, y: 21, width: 1000, height: 701, maximized: true });
  });
});

describe('WindowStateFile', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.cleanup());

  it('round-trips through window-state.json and survives a corrupt file', () => {
    dir = tempDir();
    const store = WindowStateFile.in(path.join(dir.dir, 'new-folder'));
    expect(store.load()).toEqual(DEFAULT_WINDOW_STATE);
    store.save({ x: 5, y: 6, width: 1300, height: 900, maximized: true });
    expect(store.load()).toEqual({ x: 5, y: 6, width: 1300, height: 900, maximized: true });
    fs.writeFileSync(path.join(dir.dir, 'new-folder', 'window-state.json'), '{"x":');
    expect(store.load()).toEqual(DEFAULT_WINDOW_STATE);
  });
});
