/**
 * Rasterising PDFs with poppler's pdftoppm and comparing grey images by their ink. Used by the
 * golden-image tests and by the script that regenerates their Chromium references.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';

/** An 8-bit grey image, row-major, 0 black to 255 white. */
export interface Gray {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Renders every page of a PDF to grey images at `dpi`. */
export function rasterize(pdf: Uint8Array, dpi: number): Gray[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sampark-raster-'));
  try {
    writeFileSync(path.join(dir, 'in.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-png', path.join(dir, 'in.pdf'), path.join(dir, 'page')], { timeout: 60_000 });
    return readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .map((f) => fromPng(readFileSync(path.join(dir, f))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text pdftotext extracts from a PDF (reading order, UTF-8). */
export function pdfToText(pdf: Uint8Array, layout = false): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sampark-text-'));
  try {
    writeFileSync(path.join(dir, 'in.pdf'), pdf);
    return execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', path.join(dir, 'in.pdf'), '-'], { timeout: 60_000 }).toString('utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function fromPng(buf: Buffer): Gray {
  const png = PNG.sync.read(buf);
  const data = new Uint8Array(png.width * png.height);
  for (let i = 0; i < data.length; i++) data[i] = png.data[i * 4]!;
  return { width: png.width, height: png.height, data };
}

export function toPng(img: Gray): Buffer {
  const png = new PNG({ width: img.width, height: img.height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(img.data);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** The smallest box holding every pixel darker than `threshold`, or null on a blank image. */
export function inkBox(img: Gray, threshold = 250): { x: number; y: number; width: number; height: number } | null {
  let x0 = img.width;
  let y0 = img.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x]! < threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The ink of an image, cropped to its ink box. */
export function cropToInk(img: Gray): Gray {
  const box = inkBox(img);
  if (!box) return { width: 0, height: 0, data: new Uint8Array() };
  const data = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) data.set(img.data.subarray((box.y + y) * img.width + box.x, (box.y + y) * img.width + box.x + box.width), y * box.width);
  return { width: box.width, height: box.height, data };
}

/** A 3×3 box blur: half a pixel of sub-pixel phase between two renderers then stays within tolerance. */
function blur(img: Gray): Gray {
  const { width: w, height: h } = img;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          sum += img.data[yy * w + xx]!;
          n++;
        }
      }
      out[y * w + x] = Math.round(sum / n);
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * How two inked images differ: the size difference in pixels, and the share of ink pixels whose grey
 * differs by more than `tolerance` after blurring both and trying whole-pixel offsets of up to one pixel.
 * The same glyphs at the same positions score near 0; a glyph out of place scores far higher.
 */
export function compareInk(a: Gray, b: Gray, tolerance = 64): { sizeDelta: number; differing: number } {
  const A = blur(a);
  const B = blur(b);
  const w = Math.max(A.width, B.width);
  const h = Math.max(A.height, B.height);
  const at = (img: Gray, x: number, y: number) => (x >= 0 && y >= 0 && x < img.width && y < img.height ? img.data[y * img.width + x]! : 255);
  let best = 1;
  for (let ox = -1; ox <= 1; ox++) {
    for (let oy = -1; oy <= 1; oy++) {
      let ink = 0;
      let differing = 0;
      for (let y = -1; y <= h; y++) {
        for (let x = -1; x <= w; x++) {
          const pa = at(A, x, y);
          const pb = at(B, x + ox, y + oy);
          if (pa < 250 || pb < 250) {
            ink++;
            if (Math.abs(pa - pb) > tolerance) differing++;
          }
        }
      }
      best = Math.min(best, ink ? differing / ink : 0);
    }
  }
  return { sizeDelta: Math.max(Math.abs(a.width - b.width), Math.abs(a.height - b.height)), differing: best };
}
