/**
 * Draws the app icon (a white "Q" on a blue rounded square) and writes resources/icon.png (1024 px),
 * resources/icon.ico (Windows) and resources/icon.icns (macOS). There is no image tooling on the build
 * machines, so shapes are drawn as signed distance fields and encoded as PNG with node:zlib; ICO and
 * ICNS both embed PNG data. Run `npm run icons` after changing the drawing and commit the results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

/** The drawing's own coordinate space: every shape is given in units of a 1024 px canvas. */
const UNITS = 1024;
const BACKGROUND = [0x1f, 0x4e, 0x79] as const;
const MARK = [0xff, 0xff, 0xff] as const;

export const PNG_SIZE = 1024;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** ICNS entry types that hold PNG data, with the pixel size each one must have. */
export const ICNS_ENTRIES = [
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
] as const;

function roundedSquare(x: number, y: number): number {
  // macOS icon grid: an 824-unit body centred on the canvas, corner radius 185.
  const half = 412 - 185;
  const qx = Math.abs(x - 512) - half;
  const qy = Math.abs(y - 512) - half;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - 185;
}

function ring(x: number, y: number): number {
  return Math.abs(Math.hypot(x - 512, y - 490) - 220) - 38;
}

function tail(x: number, y: number): number {
  // A capsule from inside the ring's lower right towards the corner.
  const [ax, ay, bx, by] = [600, 590, 735, 725];
  const t = Math.min(
    Math.max(((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2), 0),
    1,
  );
  return Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) - 40;
}

/** RGBA pixels of the icon at `size` × `size`, row by row, antialiased over one pixel. */
export function renderIcon(size: number): Buffer {
  const scale = UNITS / size;
  const pixels = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const x = (col + 0.5) * scale;
      const y = (row + 0.5) * scale;
      const coverage = (distance: number) => Math.min(Math.max(0.5 - distance / scale, 0), 1);
      const body = coverage(roundedSquare(x, y));
      const mark = coverage(Math.min(ring(x, y), tail(x, y))) * body;
      const at = (row * size + col) * 4;
      for (let channel = 0; channel < 3; channel++) {
        pixels[at + channel] = Math.round(BACKGROUND[channel]! * (1 - mark) + MARK[channel]! * mark);
      }
      pixels[at + 3] = Math.round(body * 255);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG file of RGBA `pixels` (8 bits per channel, no filtering: the flat shapes deflate well). */
export function encodePng(size: number, pixels: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter, no interlace
  const stride = size * 4;
  const rows = Buffer.alloc((stride + 1) * size);
  for (let row = 0; row < size; row++)
    pixels.copy(rows, row * (stride + 1) + 1, row * stride, (row + 1) * stride);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An ICO file whose images are the given PNGs (Windows Vista and later read PNG entries). */
export function encodeIco(images: ReadonlyArray<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(1, 2); // type 1: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.png)]);
}

/** An ICNS file: a big-endian length-prefixed list of (type, PNG) entries. */
export function encodeIcns(entries: ReadonlyArray<{ type: string; png: Buffer }>): Buffer {
  const parts = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + parts.reduce((sum, part) => sum + part.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

/** The three icon files, by name, as electron-builder's config names them in resources/. */
export function makeIcons(): Map<string, Buffer> {
  const pngs = new Map<number, Buffer>();
  const png = (size: number) => {
    let file = pngs.get(size);
    if (!file) pngs.set(size, (file = encodePng(size, renderIcon(size))));
    return file;
  };
  return new Map([
    ['icon.png', png(PNG_SIZE)],
    ['icon.ico', encodeIco(ICO_SIZES.map((size) => ({ size, png: png(size) })))],
    ['icon.icns', encodeIcns(ICNS_ENTRIES.map(([type, size]) => ({ type, png: png(size) })))],
  ]);
}

if (import.meta.main) {
  const dir = join(import.meta.dirname, '..', 'resources');
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of makeIcons()) {
    writeFileSync(join(dir, name), data);
    process.stdout.write(`resources/${name}: ${data.length} bytes\n`);
  }
}
