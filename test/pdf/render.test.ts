/** The ATR PDF: what it says, in which order, how it breaks across pages, and what it does with bad text. */
import { PDFDocument } from 'pdf-lib';
import { ClosureSchema, type ClosureRequest } from '../../contracts/closure';
import { createAtrRenderer, renderAtrPdf } from '../../pdf/atr/render';
import { measure, wrap } from '../../pdf/engine/layout';
import { loadFonts } from '../../pdf/engine/fonts';
import { pdfToText, rasterize } from '../../tools/scripts/raster';
import { makeClosure } from '../helpers/fixtures';
import { readAtrQrCode } from '../helpers/qr';

const URL = 'https://sampark.example.in/v1/atr/verify?atr=ATR-1&g=G1&d=2026-11-27&h=AAAAAAAAAAAAAAAAAAAAAA&k=k1&s=BBBBBBBBBBBBBBBBBBBBBB';

async function render(over: Partial<ClosureRequest> = {}) {
  const closure = ClosureSchema.parse(makeClosure({ grievanceId: 'G102938', ...over }));
  const { pdf, pageCount } = await renderAtrPdf(closure, 'ATR-2026-0042', URL);
  // Layout mode keeps each printed line together (a label beside its value); spaces collapsed.
  return { pdf, pageCount, text: pdfToText(pdf, true).replace(/[ \t]+/g, ' ') };
}

describe('the ATR PDF', () => {
  test('says everything the citizen needs, Hindi first for a Hindi speaker, in logical order', async () => {
    const { pdf, pageCount, text } = await render();
    expect(pageCount).toBe(1);
    expect((await PDFDocument.load(pdf)).getPageCount()).toBe(1);
    const inOrder = [
      'राजस्थान सरकार · Government of Rajasthan',
      'कार्यवाही रिपोर्ट / Action Taken Report',
      'एटीआर संख्या ATR-2026-0042',
      'ATR No.',
      'शिकायत संख्या G102938',
      'पंजीकरण दिनांक 02-11-2026',
      'निस्तारण दिनांक 27-11-2026',
      'विभाग स्वायत्त शासन विभाग (Local Self Government)',
      'जिला जयपुर (Jaipur)',
      'अधिकारी Suresh Meena, Executive Engineer, Nagar Nigam',
      'शिकायतकर्ता राम कुमार शर्मा',
      'विषय सड़क पर जल भराव एवं नाली की सफ़ाई',
      'की गई कार्यवाही / Action Taken',
      'नाली की सफ़ाई करवाई गई तथा जल निकासी हेतु अस्थायी पंप लगाया गया।',
      'अपनी प्रतिक्रिया दें / Give your feedback',
      '181',
      'पृष्ठ 1/1 · Page 1 of 1',
    ];
    let from = 0;
    for (const phrase of inOrder) {
      const at = text.indexOf(phrase, from);
      expect({ phrase, found: at >= 0 }).toEqual({ phrase, found: true });
      from = at + phrase.length;
    }
  });

  test('leads with English for an English speaker', async () => {
    const { text } = await render({ citizen: { name: 'Asha Verma', phone: '9812345678', language: 'en' } });
    expect(text).toContain('Government of Rajasthan · राजस्थान सरकार');
    expect(text).toContain('Action Taken Report / कार्यवाही रिपोर्ट');
    expect(text).toContain('Local Self Government (स्वायत्त शासन विभाग)');
  });

  test('carries the verification link in a QR code that a phone camera can read', async () => {
    const { pdf } = await render();
    expect(readAtrQrCode(pdf)).toBe(URL);
  });

  test('lists attachments and marks a repeat disposal', async () => {
    const { text } = await render({ cycle: 2, attachments: [{ name: 'निरीक्षण रिपोर्ट.pdf', url: 'https://sampark.rajasthan.gov.in/d/1' }] });
    expect(text).toContain('संलग्नक / Attachments');
    expect(text).toContain('1. निरीक्षण रिपोर्ट.pdf — https://sampark.rajasthan.gov.in/d/1');
    expect(text).toContain('ATR No.');
    expect(text).toContain('G102938 (निस्तारण क्रम / disposal 2)');
  });

  test('breaks a long action text across pages, numbering every page and repeating the ATR number', async () => {
    const sentence = 'नगर निगम की टीम ने वार्ड 12 में नालियों की सफ़ाई करवाई और जल निकासी की स्थायी व्यवस्था हेतु प्रस्ताव भेजा। ';
    const { pdf, pageCount, text } = await render({ actionTaken: sentence.repeat(180).trim() });
    expect(pageCount).toBeGreaterThanOrEqual(5);
    for (let n = 1; n <= pageCount; n++) expect(text).toContain(`पृष्ठ ${n}/${pageCount} · Page ${n} of ${pageCount}`);
    expect(text.split('ATR No. ATR-2026-0042').length - 1).toBe(pageCount - 1);
    expect(text.split('वार्ड 12').length - 1).toBe(180);
    // Every page carries text, not just a footer.
    for (const page of text.split('\f').slice(0, pageCount)) expect(page.split('\n').filter((l) => l.trim()).length).toBeGreaterThan(5);
    expect(rasterize(pdf, 20)).toHaveLength(pageCount);
  });

  test('breaks a word longer than the line between syllables, never inside one', async () => {
    const fonts = await loadFonts();
    const style = { face: fonts.regular, size: 10.5 };
    const word = 'क्षत्रियप्रार्थनाराष्ट्रीयकार्यवाही'.repeat(6);
    const lines = wrap(word, style, 200);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe(word);
    for (const line of lines) {
      expect(measure(line, style)).toBeLessThanOrEqual(200);
      // A line never starts with a dependent vowel sign, virama or nukta (the tail of a syllable).
      expect(line).not.toMatch(/^[\u093A-\u094F\u0962\u0963\u0900-\u0903]/);
      expect(line).not.toMatch(/\u094D$/);
    }
    const { text } = await render({ actionTaken: `${word} और https://sampark.rajasthan.gov.in/${'a'.repeat(300)}` });
    expect(text.replace(/\s+/g, '')).toContain(word);
  });

  test('draws emoji and other scripts it has no glyphs for as "?", keeping the original text for search', async () => {
    const { pdf, text } = await render({ actionTaken: 'कार्य पूर्ण 👍 — தமிழ் 中文 done' });
    expect(text).toContain('कार्य पूर्ण');
    expect(text).toContain('👍');
    expect(text).toContain('done');
    expect(rasterize(pdf, 36)).toHaveLength(1);
  });

  test('renders the same closure to the same bytes', async () => {
    const a = await render();
    const b = await render();
    expect(Buffer.from(a.pdf).equals(Buffer.from(b.pdf))).toBe(true);
  });

  test('keeps a typical one-page ATR under 25 KB', async () => {
    const { pdf } = await render();
    expect(pdf.byteLength).toBeLessThan(25_000);
  });
});

describe('the ATR renderer on a worker', () => {
  test('renders no more ATRs at once than it is allowed, however many activities ask', async () => {
    let active = 0;
    let most = 0;
    const slowRender = async () => {
      most = Math.max(most, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return { pdf: new Uint8Array(1), pageCount: 1 };
    };
    const renderer = createAtrRenderer({ concurrency: 2, render: slowRender });
    const closure = ClosureSchema.parse(makeClosure());
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => renderer.render(closure, { atrId: `ATR-${i}`, verificationUrl: URL })));
    expect(results).toHaveLength(10);
    expect(most).toBe(2);
  });
});
