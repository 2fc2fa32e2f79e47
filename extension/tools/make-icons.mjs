// Draws the extension icons (PNG) without dependencies: a rounded teal
// square with a white price tag. Run: node tools/make-icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { crc32 } from './crc32.mjs';

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5, size);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// Signed distance helpers in a unit square (0..1).
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};

function pixel(px, py, size) {
  const x = px / size;
  const y = py / size;
  const aa = 1 / size;
  const bg = roundedBox(x, y, 0.5, 0.5, 0.46, 0.46, 0.18);
  if (bg > aa) return [0, 0, 0, 0];
  const edge = Math.min(1, Math.max(0, (aa - bg) / (2 * aa)));
  // A tag: rotated rounded rectangle with a pointed end and a hole.
  const c = Math.cos(-Math.PI / 4);
  const s = Math.sin(-Math.PI / 4);
  const rx = (x - 0.5) * c - (y - 0.5) * s + 0.5;
  const ry = (x - 0.5) * s + (y - 0.5) * c + 0.5;
  let tag = roundedBox(rx, ry, 0.56, 0.5, 0.2, 0.14, 0.04);
  const point = Math.max(Math.abs(ry - 0.5) - (rx - 0.22) * 0.9, 0.36 - rx, rx - 0.4);
  tag = Math.min(tag, point);
  const hole = Math.hypot(rx - 0.38, ry - 0.5) - 0.045;
  const inTag = tag < 0 && hole > 0;
  const teal = [10, 92, 138];
  const col = inTag ? [255, 255, 255] : teal;
  return [...col, Math.round(255 * edge)];
}

const out = join(import.meta.dirname, '..', 'src', 'icons');
mkdirSync(out, { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(join(out, `icon-${size}.png`), png(size, pixel));
console.log('icons written to', out);
