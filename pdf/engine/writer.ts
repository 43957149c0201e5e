/**
 * A small PDF writer on pdf-lib: pages whose content streams we build as text (shaped glyph runs, rules,
 * boxes, QR modules), fonts embedded by EmbeddedFont, and pdf-lib for the document structure and
 * serialisation. Output is deterministic: the same input gives the same bytes.
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName } from 'pdf-lib';
import { EmbeddedFont, hex4, utf16Hex } from './cid-font';
import type { Face, FontSet } from './fonts';
import type { Shaped } from './shaper';

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
   * Draws shaped text with its left end at (x, y) on the baseline. Each run of non-space clusters is
   * wrapped in a /Span with /ActualText, so extraction returns the logical text in reading order.
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
    let tj = '';
    let hex = '';
    let spanOpen = false;
    const flushHex = () => {
      if (hex) tj += `<${hex}>`;
      hex = '';
    };
    const flushTJ = () => {
      flushHex();
      if (tj) out.push(`[${tj}] TJ\n`);
      tj = '';
    };
    for (let i = 0; i < glyphs.length; i++) {
      const g = glyphs[i]!;
      const space = isSpaceCluster(text, glyphs, i);
      if (!space && !spanOpen) {
        flushTJ();
        out.push(`/Span <</ActualText <FEFF${utf16Hex(text.slice(g.cluster, wordEnd(text, glyphs, i)))}>>> BDC\n`);
        spanOpen = true;
      } else if (space && spanOpen) {
        flushTJ();
        out.push('EMC\n');
        spanOpen = false;
      }
      if (g.dy !== rise) {
        flushTJ();
        rise = g.dy;
        out.push(`${num((rise * size) / file.unitsPerEm)} Ts\n`);
      }
      const target = pen + g.dx;
      const adjust = Math.round((pdfPen - target) * k * 100) / 100;
      if (adjust !== 0) {
        flushHex();
        tj += ` ${adjust} `;
      }
      hex += hex4(g.gid);
      pdfPen = target + file.advances[g.gid]!;
      pen += g.ax;
    }
    flushTJ();
    if (spanOpen) out.push('EMC\n');
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
  const start = glyphs[i]!.cluster;
  const ch = text.charCodeAt(start);
  return ch === 0x20 || ch === 0xa0 || ch === 0x09;
}

function wordEnd(text: string, glyphs: Shaped['glyphs'], i: number): number {
  for (let j = i + 1; j < glyphs.length; j++) if (isSpaceCluster(text, glyphs, j)) return glyphs[j]!.cluster;
  return text.length;
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
      leaf.node.set(PDFName.of('Contents'), ctx.register(ctx.stream(deflateSync(page.content()), { Filter: 'FlateDecode' })));
      leaf.node.setFontDictionary(PDFName.of('F1'), regular.ref);
      leaf.node.setFontDictionary(PDFName.of('F2'), bold.ref);
    }
    for (const font of this.embedded.values()) font.finalize();
    return this.doc.save({ useObjectStreams: true, addDefaultPage: false, updateFieldAppearances: false });
  }
}
