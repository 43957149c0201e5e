/**
 * Embeds a face into one PDF as a Type0 / CIDFontType2 font with Identity-H encoding: the content
 * stream writes the original glyph ids (already shaped by HarfBuzz) as CIDs, the font file is subset
 * with hb-subset and a CIDToGIDMap maps each CID to its renumbered glyph, /W carries default widths,
 * and a ToUnicode CMap maps glyphs back to text for copy and search (each word also carries
 * /ActualText, the exact logical text).
 */
import { deflateSync } from 'node:zlib';
import { PDFNumber, PDFString, type PDFDocument, type PDFRef } from 'pdf-lib';
import type { Face } from './fonts';
import type { Shaped } from './shaper';

const HEX4 = Array.from({ length: 0x10000 }, (_, n) => n.toString(16).toUpperCase().padStart(4, '0'));

/** A glyph id or UTF-16 unit as four hex digits (a table: this runs for every glyph drawn). */
export const hex4 = (n: number) => HEX4[n]!;

/** UTF-16BE hex of a string, as PDF text strings and CMaps want it. */
export function utf16Hex(s: string): string {
  let h = '';
  for (let i = 0; i < s.length; i++) h += hex4(s.charCodeAt(i));
  return h;
}

/** One face embedded in one document. Call finalize() once, after all pages are drawn. */
export class EmbeddedFont {
  readonly ref: PDFRef;
  private readonly used = new Set<number>([0]);
  private readonly toUnicode = new Map<number, string>();
  private finalized = false;

  constructor(
    private readonly doc: PDFDocument,
    readonly face: Face,
  ) {
    this.ref = doc.context.nextRef();
  }

  /** Records the glyphs of a shaped string (for the subset) and their text (for ToUnicode). */
  use(shaped: Shaped): void {
    const { glyphs, text } = shaped;
    for (let i = 0; i < glyphs.length; i++) {
      const g = glyphs[i]!;
      this.used.add(g.gid);
      if (this.toUnicode.has(g.gid)) continue;
      const clusterText = text.slice(g.cluster, clusterEnd(shaped, i));
      const alone = (i === 0 || glyphs[i - 1]!.cluster !== g.cluster) && (i + 1 === glyphs.length || glyphs[i + 1]!.cluster !== g.cluster);
      if (alone && clusterText.trim()) {
        this.toUnicode.set(g.gid, clusterText);
        continue;
      }
      const cp = this.face.file.reverseCmap.get(g.gid);
      if (cp !== undefined && clusterText.includes(String.fromCodePoint(cp))) this.toUnicode.set(g.gid, String.fromCodePoint(cp));
    }
  }

  /**
   * Whether extraction through ToUnicode alone gives back exactly the text of glyphs [from, to): each
   * glyph its own cluster, in order, mapped to that cluster's text. Otherwise the word needs ActualText.
   */
  extractsExactly(shaped: Shaped, from: number, to: number): boolean {
    const { glyphs, text } = shaped;
    for (let i = from; i < to; i++) {
      const g = glyphs[i]!;
      const next = i + 1 < glyphs.length ? glyphs[i + 1]!.cluster : text.length;
      if (next <= g.cluster || (i > from && glyphs[i - 1]!.cluster >= g.cluster)) return false;
      if (this.toUnicode.get(g.gid) !== text.slice(g.cluster, next)) return false;
    }
    return true;
  }

  /** Writes the font objects (subset font file, descriptor, widths, ToUnicode). */
  finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    const ctx = this.doc.context;
    const file = this.face.file;
    const scale = 1000 / file.unitsPerEm;
    const gids = [...this.used].sort((a, b) => a - b);
    const baseName = `${subsetTag(gids)}+${file.postscriptName}`;
    const program = fontProgram(this.face, gids);
    const fontFile = ctx.register(ctx.stream(program.fontFile, { Filter: 'FlateDecode', Length1: program.fontLength }));
    const cidToGidMap = program.cidToGid ? ctx.register(ctx.stream(program.cidToGid, { Filter: 'FlateDecode' })) : 'Identity';
    const descriptor = ctx.register(
      ctx.obj({
        Type: 'FontDescriptor',
        FontName: baseName,
        Flags: 4,
        FontBBox: file.bbox.map((v) => Math.round(v * scale)),
        ItalicAngle: file.italicAngle,
        Ascent: Math.round(file.ascent * scale),
        Descent: Math.round(file.descent * scale),
        CapHeight: Math.round(file.capHeight * scale),
        XHeight: Math.round(file.xHeight * scale),
        StemV: this.face.id === 'bold' ? 120 : 80,
        FontFile2: fontFile,
      }),
    );
    const cidFont = ctx.register(
      ctx.obj({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        BaseFont: baseName,
        CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
        FontDescriptor: descriptor,
        CIDToGIDMap: cidToGidMap,
        DW: 0,
        W: widthArray(gids.filter((g) => file.advances[g]! !== 0), (g) => Math.round(file.advances[g]! * scale)),
      }),
    );
    const cmap = ctx.register(ctx.stream(deflateSync(toUnicodeCMap(this.toUnicode)), { Filter: 'FlateDecode' }));
    ctx.assign(
      this.ref,
      ctx.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: baseName, Encoding: 'Identity-H', DescendantFonts: [cidFont], ToUnicode: cmap }),
    );
  }
}

/** A subset font program, compressed, and its CIDToGIDMap (absent when glyph ids were kept). */
interface FontProgram {
  fontFile: Uint8Array;
  fontLength: number;
  cidToGid?: Uint8Array;
}

/** The bold face sets only fixed wording, so its glyph set repeats from ATR to ATR: keep recent programs. */
const programs = new Map<string, FontProgram>();
const PROGRAM_CACHE_LIMIT = 64;

function fontProgram(face: Face, gids: number[]): FontProgram {
  const key = `${face.id}:${gids.join(',')}`;
  const cached = programs.get(key);
  if (cached) return cached;
  const file = face.file;
  // Composite glyphs need their components in the subset; with them included, hb-subset's renumbering
  // is the rank of each original id. Should it ever add a glyph we did not expect, keep ids instead.
  const closed = [...new Set([...gids, ...gids.flatMap((g) => file.components(g))])].sort((a, b) => a - b);
  let font = face.subsetter.subset(closed, false);
  const renumbered = font.numGlyphs === closed.length;
  if (!renumbered) font = face.subsetter.subset(closed, true);
  let cidToGid: Uint8Array | undefined;
  if (renumbered) {
    const map = new Uint8Array(2 * (closed[closed.length - 1]! + 1));
    closed.forEach((gid, newGid) => {
      map[2 * gid] = newGid >> 8;
      map[2 * gid + 1] = newGid & 0xff;
    });
    cidToGid = deflateSync(map);
  }
  const program = { fontFile: deflateSync(font.bytes), fontLength: font.bytes.byteLength, ...(cidToGid ? { cidToGid } : {}) };
  if (programs.size >= PROGRAM_CACHE_LIMIT) programs.delete(programs.keys().next().value!);
  programs.set(key, program);
  return program;
}

function clusterEnd(shaped: Shaped, index: number): number {
  const { glyphs, text } = shaped;
  const cluster = glyphs[index]!.cluster;
  let end = text.length;
  for (const g of glyphs) if (g.cluster > cluster && g.cluster < end) end = g.cluster;
  return end;
}

/**
 * PDFNumber computes its text form when created; widths and glyph ids repeat across fonts and documents,
 * so share the instances (they are immutable values, not indirect objects).
 */
const numbers = new Map<number, PDFNumber>();
function pdfNumber(n: number): PDFNumber {
  let v = numbers.get(n);
  if (!v) {
    v = PDFNumber.of(n);
    if (numbers.size < 10_000) numbers.set(n, v);
  }
  return v;
}

/** /W as runs of consecutive glyph ids: [first [w w w] first [w] ...]; zero-width glyphs fall back to DW 0. */
function widthArray(gids: number[], width: (g: number) => number): (PDFNumber | PDFNumber[])[] {
  const out: (PDFNumber | PDFNumber[])[] = [];
  let run: PDFNumber[] = [];
  let start = -1;
  let prev = -2;
  for (const g of gids) {
    if (g !== prev + 1) {
      if (run.length) out.push(pdfNumber(start), run);
      run = [];
      start = g;
    }
    run.push(pdfNumber(width(g)));
    prev = g;
  }
  if (run.length) out.push(pdfNumber(start), run);
  return out;
}

function toUnicodeCMap(map: Map<number, string>): string {
  const entries = [...map.entries()].sort((a, b) => a[0] - b[0]);
  let body = '';
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    body += `${chunk.length} beginbfchar\n${chunk.map(([g, u]) => `<${hex4(g)}> <${utf16Hex(u)}>`).join('\n')}\nendbfchar\n`;
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
${body}endcmap
CMapName currentdict /CMap defineresource pop
end
end
`;
}

/** Six capital letters derived from the glyph set, as PDF 32000 9.6.4 asks of a subset's name. */
function subsetTag(gids: number[]): string {
  let h = 2166136261;
  for (const g of gids) h = Math.imul(h ^ g, 16777619) >>> 0;
  let tag = '';
  for (let i = 0; i < 6; i++) {
    tag += String.fromCharCode(65 + (h % 26));
    h = Math.floor(h / 26);
  }
  return tag;
}
