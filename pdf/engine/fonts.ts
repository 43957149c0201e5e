/**
 * The typefaces of the ATR: Noto Sans Devanagari 2.006 (OFL-1.1, from @expo-google-fonts), which also
 * carries Latin, digits and ₹, so one family covers Hindi and English. Loaded once per process.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HbFont } from 'harfbuzzjs';
import { parseFontFile, type FontFile } from './font-file';
import { createSubsetter, harfbuzz, type Subsetter } from './harfbuzz';
import { Shaper } from './shaper';

/** One loaded typeface: its file, HarfBuzz font, subsetter and shaping cache. */
export interface Face {
  id: 'regular' | 'bold';
  file: FontFile;
  hbFont: HbFont;
  subsetter: Subsetter;
  shaper: Shaper;
}

/** The faces an ATR uses. */
export interface FontSet {
  regular: Face;
  bold: Face;
}

const PACKAGE = '@expo-google-fonts/noto-sans-devanagari';
const FILES = { regular: '400Regular/NotoSansDevanagari_400Regular.ttf', bold: '700Bold/NotoSansDevanagari_700Bold.ttf' } as const;

/** Where a face's TTF lives (the golden-image references load the same files into Chromium). */
export function fontPath(id: keyof typeof FILES): string {
  return path.join(path.dirname(require.resolve(`${PACKAGE}/package.json`)), FILES[id]);
}

let fonts: Promise<FontSet> | undefined;

/** The process-wide font set. */
export function loadFonts(): Promise<FontSet> {
  fonts ??= (async () => {
    const hb = await harfbuzz();
    const load = async (id: keyof typeof FILES): Promise<Face> => {
      const bytes = new Uint8Array(readFileSync(fontPath(id)));
      const file = parseFontFile(bytes);
      const hbFont = hb.createFont(hb.createFace(hb.createBlob(bytes), 0));
      return { id, file, hbFont, subsetter: await createSubsetter(bytes), shaper: new Shaper(hb, hbFont, file) };
    };
    return { regular: await load('regular'), bold: await load('bold') };
  })();
  return fonts;
}
