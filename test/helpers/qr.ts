/** Reads the QR code in the top-right corner of an ATR's first page, as a phone camera would. */
import jsQR from 'jsqr';
import { rasterize } from '../../tools/scripts/raster';

export function readAtrQrCode(pdf: Uint8Array): string | undefined {
  const page = rasterize(pdf, 150)[0]!;
  const width = Math.floor(page.width / 2);
  const height = Math.floor(page.height / 4);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = page.data[y * page.width + page.width - width + x]!;
      rgba.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return jsQR(rgba, width, height)?.data;
}
