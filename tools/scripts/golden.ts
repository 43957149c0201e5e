/**
 * The golden-image corpus: hard Hindi (and mixed Hindi-English) strings, set by our engine and by
 * Chromium (HarfBuzz + Skia's PDF backend) in the same font and size, both rasterised by pdftoppm and
 * compared by their ink. References live in test/pdf/golden/*.png; `npm run golden:update` remakes them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fontPath, loadFonts } from '../../pdf/engine/fonts';
import type { Shaped } from '../../pdf/engine/shaper';
import { PdfWriter } from '../../pdf/engine/writer';
import { launchChromium } from './chromium';
import { cropToInk, rasterize, type Gray } from './raster';

/** One sample: a name for its reference file, the text, and the face. */
export interface GoldenSample {
  name: string;
  text: string;
  bold?: boolean;
  why: string;
}

export const GOLDEN_SAMPLES: GoldenSample[] = [
  { name: 'i-matra', text: 'कि शिकायत निरीक्षण', why: 'the i-matra is written first but typed after its consonant' },
  { name: 'reph', text: 'कार्यवाही पूर्ण सूर्य', why: 'reph: र् moves above the following syllable' },
  { name: 'conjuncts', text: 'क्षत्रिय द्वारा श्री प्रार्थना', why: 'conjuncts and ligatures' },
  { name: 'half-forms', text: 'कलेक्टर स्वायत्त राष्ट्रीय', why: 'half forms and their spacing (GPOS)' },
  { name: 'marks', text: 'कुमार हिन्दी ग्रुप रूप कृषि', why: 'vowel signs below and above positioned by GPOS' },
  { name: 'nukta', text: 'क़ानून ज़िला फ़ाइल सड़क', why: 'nukta forms' },
  { name: 'latin-first', text: 'Ref: शिकायत संख्या 102938', why: 'a line starting with Latin still shapes the Hindi as Hindi' },
  { name: 'mixed', text: 'AEN (सहायक अभियंता) ने ₹4,50,000 स्वीकृत किए।', why: 'Latin, digits, ₹ and danda in one line' },
  { name: 'numerals', text: 'पृष्ठ १/२ दिनांक २८-११-२०२६', why: 'Devanagari digits' },
  { name: 'bold-title', text: 'कार्यवाही रिपोर्ट / Action Taken Report', bold: true, why: 'the bold face' },
  { name: 'english', text: 'Government of Rajasthan — Public Grievance Redressal', why: 'Latin kerning' },
];

/**
 * Size, origin and resolution both sides use. At 192 dpi one CSS pixel is two device pixels, and Chromium
 * puts its baseline on a whole CSS pixel; our origin (21 pt = 56 px) is on a whole pixel too, so once both
 * images are cropped to their ink, any remaining difference is in the glyphs, not in sub-pixel phase.
 */
export const GOLDEN = { fontSize: 24, dpi: 192, x: 21, baseline: 21, page: { width: 720, height: 60 } } as const;

/** Each sample set by our engine, as inked grey images. `shape` lets a test substitute a wrong shaper. */
export async function engineSamples(samples: GoldenSample[] = GOLDEN_SAMPLES, shape?: (text: string, bold: boolean) => Shaped): Promise<Gray[]> {
  const fonts = await loadFonts();
  const writer = await PdfWriter.create(fonts, { title: 'golden', subject: '', author: '', keywords: [], date: new Date(0), language: 'hi' });
  for (const s of samples) {
    const face = s.bold ? fonts.bold : fonts.regular;
    // shapeLine, as the ATR itself sets its lines: words shaped (and cached) one by one, then joined.
    writer.addPage(GOLDEN.page).text(shape ? shape(s.text, Boolean(s.bold)) : face.shaper.shapeLine(s.text), face, GOLDEN.fontSize, GOLDEN.x, GOLDEN.baseline);
  }
  return rasterize(await writer.save(), GOLDEN.dpi).map(cropToInk);
}

/** Each sample set by Chromium, printed to PDF, as inked grey images. */
export async function chromiumSamples(samples: GoldenSample[] = GOLDEN_SAMPLES): Promise<Gray[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sampark-golden-'));
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  // Chromium loads local fonts only from a file:// page; otherwise it silently falls back to system fonts.
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
@font-face { font-family: 'NSD'; src: url('file://${fontPath('regular')}') format('truetype'); }
@font-face { font-family: 'NSDB'; src: url('file://${fontPath('bold')}') format('truetype'); }
@page { size: ${GOLDEN.page.width}pt ${GOLDEN.page.height}pt; margin: 0; }
html, body { margin: 0; padding: 0; }
div { height: ${GOLDEN.page.height}pt; padding-left: ${GOLDEN.x}pt; font-size: ${GOLDEN.fontSize}pt; line-height: normal; white-space: pre; break-after: page; }
</style></head><body>
${samples.map((s) => `<div style="font-family: ${s.bold ? 'NSDB' : 'NSD'}">${esc(s.text)}</div>`).join('\n')}
</body></html>`;
  writeFileSync(path.join(dir, 'samples.html'), html);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${path.join(dir, 'samples.html')}`);
    await page.evaluate('document.fonts.ready');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false });
    return rasterize(pdf, GOLDEN.dpi).map(cropToInk);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
