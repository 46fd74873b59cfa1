/**
 * Just enough PNG decoding to look at a screenshot: 8-bit greyscale, RGB or RGBA (with or without alpha),
 * non-interlaced, as Chromium writes them. Returns RGBA pixels.
 */
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, row by row. */
  pixels: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function decodePng(png: Buffer): Image {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      if (body[8] !== 8 || body[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs');
      colorType = body[9] as number;
    } else if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const channels = CHANNELS[colorType];
  if (channels === undefined) throw new Error(`PNG colour type ${colorType} not handled`);
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const rows = unfilter(raw, stride, height, channels);
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const grey = channels <= 2;
    pixels[i * 4] = rows[s] as number;
    pixels[i * 4 + 1] = rows[grey ? s : s + 1] as number;
    pixels[i * 4 + 2] = rows[grey ? s : s + 2] as number;
    pixels[i * 4 + 3] = channels === 4 ? (rows[s + 3] as number) : channels === 2 ? (rows[s + 1] as number) : 255;
  }
  return { width, height, pixels };
}

/** Undoes PNG's per-row filters (None, Sub, Up, Average, Paeth). */
function unfilter(raw: Buffer, stride: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? (out[y * stride + x - bpp] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] as number) : 0;
      const c = x >= bpp && y > 0 ? (out[(y - 1) * stride + x - bpp] as number) : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      if (predictor === undefined) throw new Error(`PNG filter ${filter} unknown`);
      out[y * stride + x] = ((line[x] as number) + predictor) & 0xff;
    }
  }
  return out;
}

/** The share of pixels that are not (near) white: 0 for a blank page. */
export function inkedShare(image: Image): number {
  let inked = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    const [r, g, b] = [image.pixels[i * 4], image.pixels[i * 4 + 1], image.pixels[i * 4 + 2]] as number[];
    if ((r as number) < 230 || (g as number) < 230 || (b as number) < 230) inked += 1;
  }
  return inked / (image.width * image.height);
}
