/**
 * A small PDF writer on pdf-lib: pages whose content streams we build as text (shaped glyph runs, rules,
 * boxes, QR modules), fonts embedded by EmbeddedFont, and pdf-lib for the document structure and
 * serialisation. Output is deterministic: the same input gives the same bytes.
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName } from 'pdf-lib';
import { EmbeddedFont } from './cid-font';
import type { Face, FontSet } from './fonts';
import { useNativeDeflateForPdfLib } from './native-deflate';
import type { Shaped } from './shaper';

useNativeDeflateForPdfLib();

/** A4 in points. */
export const A4 = { width: 595.28, height: 841.89 } as const;

const num = (n: number) => {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
};

/** Document information (shown by viewers, kept in the PDF's Info dictionary). */
export interface DocumentInfo {
  title: string;
  subject: string;
  author: string;
  keywords: string[];
  /** Used for both creation and modification dates, so output is reproducible. */
  date: Date;
  language: string;
}

/** One page's content, drawn in PDF points from the bottom-left corner. */
export class Page {
  private ops: string[] = [];

  constructor(
    private readonly writer: PdfWriter,
    readonly size: { width: number; height: number },
  ) {}

  /**
   * Draws shaped text with its left end at (x, y) on the baseline. Spaces become gaps (TJ offsets), not
   * glyphs. A word whose glyphs do not map one-to-one, in order, onto its characters (reordered vowel
   * signs, conjuncts) is wrapped in a /Span with /ActualText, so extraction returns the logical text.
   */
  text(shaped: Shaped, face: Face, size: number, x: number, y: number, gray = 0): void {
    const font = this.writer.font(face);
    font.use(shaped);
    const { glyphs, text } = shaped;
    const file = face.file;
    const k = 1000 / file.unitsPerEm;
    const out: string[] = [`BT\n${gray ? `${num(gray)} g\n` : ''}/${face.id === 'bold' ? 'F2' : 'F1'} ${num(size)} Tf\n${num(x)} ${num(y)} Td\n`];
    let pen = 0; // where HarfBuzz puts the pen, font units
    let pdfPen = 0; // where the PDF's own advances (/W) have put it, font units
    let rise = 0;
    for (let i = 0; i < glyphs.length; ) {
      if (isSpaceCluster(text, glyphs, i)) {
        pen += glyphs[i++]!.ax;
        continue;
      }
      let end = i;
      while (end < glyphs.length && !isSpaceCluster(text, glyphs, end)) end++;
      const wordText = text.slice(glyphs[i]!.cluster, end < glyphs.length ? glyphs[end]!.cluster : text.length);
      const span = !font.extractsExactly(shaped, i, end);
      if (span) out.push(`/Span <</ActualText (\xFE\xFF${utf16Bytes(wordText)})>> BDC\n`);
      let tj = '';
      let codes = '';
      const flush = () => {
        if (codes) tj += `(${codes})`;
        codes = '';
        if (tj) out.push(`[${tj}] TJ\n`);
        tj = '';
      };
      for (; i < end; i++) {
        const g = glyphs[i]!;
        if (g.dy !== rise) {
          flush();
          rise = g.dy;
          out.push(`${num((rise * size) / file.unitsPerEm)} Ts\n`);
        }
        const target = pen + g.dx;
        const adjust = Math.round((pdfPen - target) * k * 100) / 100;
        if (adjust !== 0) {
          if (codes) tj += `(${codes})`;
          codes = '';
          tj += `${adjust}`;
        }
        codes += GLYPH_CODE(g.gid);
        pdfPen = target + file.advances[g.gid]!;
        pen += g.ax;
      }
      flush();
      if (span) out.push('EMC\n');
    }
    if (rise) out.push('0 Ts\n');
    out.push('ET\n');
    this.ops.push(out.join(''));
  }

  /** A filled and/or stroked rectangle; gray levels 0 (black) to 1 (white). */
  rect(x: number, y: number, w: number, h: number, style: { fill?: number; stroke?: number; lineWidth?: number }): void {
    const paint = style.fill !== undefined && style.stroke !== undefined ? 'B' : style.fill !== undefined ? 'f' : 'S';
    this.ops.push(
      `q ${style.fill !== undefined ? `${num(style.fill)} g ` : ''}${style.stroke !== undefined ? `${num(style.stroke)} G ${num(style.lineWidth ?? 0.5)} w ` : ''}${num(x)} ${num(y)} ${num(w)} ${num(h)} re ${paint} Q\n`,
    );
  }

  /** A straight rule. */
  line(x1: number, y1: number, x2: number, y2: number, width = 0.5, gray = 0): void {
    this.ops.push(`q ${num(gray)} G ${num(width)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S Q\n`);
  }

  /**
   * A QR symbol as a 1-bit image mask, one sample per module, scaled to `side` points (quiet zone
   * included): a few hundred bytes, where one rectangle per module run would take kilobytes.
   */
  qr(modules: { size: number; get(row: number, col: number): number | boolean }, x: number, y: number, side: number, quiet = 2): void {
    const n = modules.size + 2 * quiet;
    const rowBytes = Math.ceil(n / 8);
    let hex = '';
    for (let r = 0; r < n; r++) {
      const row = new Uint8Array(rowBytes);
      for (let c = 0; c < n; c++) {
        const mr = r - quiet;
        const mc = c - quiet;
        if (mr >= 0 && mc >= 0 && mr < modules.size && mc < modules.size && modules.get(mr, mc)) row[c >> 3]! |= 0x80 >> (c & 7);
      }
      for (const b of row) hex += b.toString(16).padStart(2, '0');
    }
    // With /ImageMask, sample 1 paints (Decode [1 0]); viewers scale masks without smoothing.
    this.ops.push(`q 0 g ${num(side)} 0 0 ${num(side)} ${num(x)} ${num(y)} cm\nBI /W ${n} /H ${n} /IM true /BPC 1 /D [1 0] /F /AHx ID\n${hex}>\nEI Q\n`);
  }

  /** The page's content stream. */
  content(): string {
    return this.ops.join('');
  }
}

function isSpaceCluster(text: string, glyphs: Shaped['glyphs'], i: number): boolean {
  const ch = text.charCodeAt(glyphs[i]!.cluster);
  return ch === 0x20 || ch === 0xa0 || ch === 0x09;
}

/**
 * Content streams are written as Latin-1 strings (one char per byte): glyph ids and ActualText go in as
 * two raw bytes each inside (literal strings), half the size of hex. These bytes need escaping there.
 */
const LITERAL_BYTE = Array.from({ length: 256 }, (_, b) =>
  b === 0x28 || b === 0x29 || b === 0x5c ? `\\${String.fromCharCode(b)}` : b === 0x0a ? '\\n' : b === 0x0d ? '\\r' : String.fromCharCode(b),
);

/** A two-byte Identity-H code for a glyph id, escaped for a literal string. */
function GLYPH_CODE(gid: number): string {
  return LITERAL_BYTE[gid >> 8]! + LITERAL_BYTE[gid & 0xff]!;
}

/** UTF-16BE bytes of a string, escaped for a literal string. */
function utf16Bytes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += GLYPH_CODE(s.charCodeAt(i));
  return out;
}

/** Builds one PDF. */
export class PdfWriter {
  private readonly pages: Page[] = [];
  private readonly embedded = new Map<Face, EmbeddedFont>();

  private constructor(
    private readonly doc: PDFDocument,
    private readonly fonts: FontSet,
  ) {}

  /** Starts a document with its information dictionary set. */
  static async create(fonts: FontSet, info: DocumentInfo): Promise<PdfWriter> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.setTitle(info.title, { showInWindowTitleBar: true });
    doc.setSubject(info.subject);
    doc.setAuthor(info.author);
    doc.setKeywords(info.keywords);
    doc.setCreator('Sampark ATR');
    doc.setProducer('Sampark ATR (pdf-lib, HarfBuzz)');
    doc.setCreationDate(info.date);
    doc.setModificationDate(info.date);
    doc.setLanguage(info.language);
    return new PdfWriter(doc, fonts);
  }

  /** The embedded font for a face (created on first use). */
  font(face: Face): EmbeddedFont {
    let font = this.embedded.get(face);
    if (!font) {
      font = new EmbeddedFont(this.doc, face);
      this.embedded.set(face, font);
    }
    return font;
  }

  /** Adds an empty page, A4 unless told otherwise. */
  addPage(size: { width: number; height: number } = A4): Page {
    const page = new Page(this, size);
    this.pages.push(page);
    return page;
  }

  /** Number of pages so far. */
  get pageCount(): number {
    return this.pages.length;
  }

  /** Serialises the document. */
  async save(): Promise<Uint8Array> {
    const ctx = this.doc.context;
    const regular = this.font(this.fonts.regular);
    const bold = this.font(this.fonts.bold);
    for (const page of this.pages) {
      const leaf = this.doc.addPage([page.size.width, page.size.height]);
      const content = Buffer.from(page.content(), 'latin1');
      leaf.node.set(PDFName.of('Contents'), ctx.register(ctx.stream(deflateSync(content), { Filter: 'FlateDecode' })));
      leaf.node.setFontDictionary(PDFName.of('F1'), regular.ref);
      leaf.node.setFontDictionary(PDFName.of('F2'), bold.ref);
    }
    for (const font of this.embedded.values()) font.finalize();
    return this.doc.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });
  }
}
