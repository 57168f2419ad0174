// Draws the toolbar icon (a white signpost on NHS blue) as PNGs at the sizes browsers ask for.
// Run `tsx scripts/make-icons.ts` after changing the drawing; the PNGs are committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE = [0, 94, 184];
const WHITE = [255, 255, 255];

/** Coverage of the icon at a point in a 0..1 square: which colour, or transparent. */
function colourAt(x: number, y: number): number[] | null {
  const radius = 0.18;
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  if ((x - cx) ** 2 + (y - cy) ** 2 > radius ** 2) return null;
  const post = x > 0.44 && x < 0.56 && y > 0.18 && y < 0.86;
  // A sign board pointing right: a rectangle with a triangular tip.
  const board = y > 0.26 && y < 0.48 && x > 0.22 && (x < 0.66 || x < 0.66 + (0.11 - Math.abs(y - 0.37)));
  const base = y > 0.8 && y < 0.86 && x > 0.32 && x < 0.68;
  return post || board || base ? WHITE : BLUE;
}

function png(size: number): Buffer {
  const samples = 4;
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          sum[0]! += colour[0]!;
          sum[1]! += colour[1]!;
          sum[2]! += colour[2]!;
          sum[3]! += 255;
        }
      }
      const covered = sum[3]! / 255;
      const offset = 1 + px * 4;
      for (let channel = 0; channel < 3; channel++) row[offset + channel] = covered ? Math.round(sum[channel]! / covered) : 0;
      row[offset + 3] = Math.round(sum[3]! / (samples * samples));
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(data: Buffer): number {
  let crc = ~0;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

mkdirSync(new URL('../public/icon/', import.meta.url), { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(new URL(`../public/icon/${size}.png`, import.meta.url), png(size));
