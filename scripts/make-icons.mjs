// Draws the tray and app icons as PNGs with nothing but node:zlib (no image library), so the
// committed files in resources/ and build/ can be regenerated anywhere: `node scripts/make-icons.mjs`.
//
// Tray: a disc in the state's colour. For readers who can't tell the colours apart, each state
// also differs in shape: red carries a white "!", grey is a hollow ring.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGBA PNG from a shader (x, y in pixel units, centre-sampled) returning [r, g, b, a] in 0..255. */
export function png(width, height, shade, samples = 4) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      // Supersampling: average premultiplied colour over samples² points for smooth edges.
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const [pr, pg, pb, pa] = shade(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples);
          r += pr * pa; g += pg * pa; b += pb * pa; a += pa;
        }
      const o = y * (width * 4 + 1) + 1 + x * 4;
      raw[o + 3] = Math.round(a / (samples * samples));
      if (a > 0) {
        raw[o] = Math.round(r / a); raw[o + 1] = Math.round(g / a); raw[o + 2] = Math.round(b / a);
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export const TRAY_COLOURS = { green: [46, 204, 113], amber: [245, 166, 35], red: [229, 57, 53], grey: [138, 147, 155] };
const darker = (c) => c.map((v) => Math.round(v * 0.6));
const WHITE = [255, 255, 255];
const CLEAR = [0, 0, 0, 0];

function trayShader(level, size) {
  const c = TRAY_COLOURS[level];
  const cx = size / 2, cy = size / 2;
  const R = size * 0.44;
  const edge = Math.max(1, size / 16); // outline width: 1 px at 16 px
  return (x, y) => {
    const d = Math.hypot(x - cx, y - cy);
    if (d > R) return CLEAR;
    if (d > R - edge) return [...darker(c), 255];
    if (level === 'grey' && d < R - edge * 2.5) return CLEAR; // hollow ring: no data to trust
    if (level === 'red') {
      // "!": a bar from 25% to 58% of the height and a dot at 72%.
      const bw = size * 0.065;
      if (Math.abs(x - cx) < bw && y > size * 0.24 && y < size * 0.58) return [...WHITE, 255];
      if (Math.hypot(x - cx, y - size * 0.72) < bw * 1.15) return [...WHITE, 255];
    }
    return [...c, 255];
  };
}

function appIconShader(size) {
  const bg = [15, 20, 25];
  const r = size * 0.18; // corner radius
  const inset = size * 0.06;
  const bars = [
    { colour: TRAY_COLOURS.green, x0: 0.22, h: 0.3 },
    { colour: TRAY_COLOURS.amber, x0: 0.42, h: 0.48 },
    { colour: TRAY_COLOURS.red, x0: 0.62, h: 0.66 },
  ];
  return (x, y) => {
    const lo = inset, hi = size - inset;
    const qx = Math.max(lo + r - x, 0, x - (hi - r));
    const qy = Math.max(lo + r - y, 0, y - (hi - r));
    if (x < lo || x > hi || y < lo || y > hi || Math.hypot(qx, qy) > r) return CLEAR;
    for (const b of bars) {
      const left = size * b.x0, right = left + size * 0.16, bottom = size * 0.8, top = bottom - size * b.h;
      if (x >= left && x <= right && y >= top && y <= bottom) return [...b.colour, 255];
    }
    return [...bg, 255];
  };
}

export function writeIcons() {
  const trayDir = path.join(root, 'resources', 'tray');
  fs.mkdirSync(trayDir, { recursive: true });
  const written = [];
  for (const level of Object.keys(TRAY_COLOURS))
    for (const size of [16, 24, 32])
      for (const [suffix, scale] of [['', 1], ['@2x', 2]]) {
        const file = path.join(trayDir, `tray-${level}-${size}${suffix}.png`);
        fs.writeFileSync(file, png(size * scale, size * scale, trayShader(level, size * scale)));
        written.push(file);
      }
  const appIcons = [
    [path.join(root, 'resources', 'icon.png'), 256],
    [path.join(root, 'build', 'icon.png'), 1024],
  ];
  for (const [file, size] of appIcons) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, png(size, size, appIconShader(size), size > 512 ? 2 : 4));
    written.push(file);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = writeIcons();
  console.log(`wrote ${files.length} icons under resources/ and build/`);
}
