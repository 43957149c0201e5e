/**
 * Reads what a PDF needs from a TrueType file: metrics for the FontDescriptor, default advances for /W,
 * the PostScript name, and the character map (to know which characters the font can draw and to map
 * glyphs back to text for ToUnicode).
 */

/** Metrics and maps of one TrueType font, in font units. */
export interface FontFile {
  bytes: Uint8Array;
  postscriptName: string;
  unitsPerEm: number;
  ascent: number;
  descent: number;
  capHeight: number;
  xHeight: number;
  italicAngle: number;
  bbox: [number, number, number, number];
  numGlyphs: number;
  /** Default advance width of each glyph (hmtx). */
  advances: Uint16Array;
  /** Code point to glyph id. */
  cmap: Map<number, number>;
  /** Glyph id to the first code point that maps to it. */
  reverseCmap: Map<number, number>;
  /** The glyphs a composite glyph is built from (recursively); empty for simple glyphs. */
  components(gid: number): number[];
}

/** Parses a TrueType (glyf-flavoured) font. Throws on anything else. */
export function parseFontFile(bytes: Uint8Array): FontFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, { offset: number; length: number }>();
  const numTables = view.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    const tag = String.fromCharCode(bytes[rec]!, bytes[rec + 1]!, bytes[rec + 2]!, bytes[rec + 3]!);
    tables.set(tag, { offset: view.getUint32(rec + 8), length: view.getUint32(rec + 12) });
  }
  const table = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw new Error(`font has no ${tag} table`);
    return t.offset;
  };
  if (!tables.has('glyf')) throw new Error('only TrueType (glyf) fonts are supported');

  const head = table('head');
  const hhea = table('hhea');
  const os2 = table('OS/2');
  const post = table('post');
  const numGlyphs = view.getUint16(table('maxp') + 4);
  const numberOfHMetrics = view.getUint16(hhea + 34);
  const hmtx = table('hmtx');
  const advances = new Uint16Array(numGlyphs);
  let last = 0;
  for (let g = 0; g < numGlyphs; g++) {
    if (g < numberOfHMetrics) last = view.getUint16(hmtx + g * 4);
    advances[g] = last;
  }
  const cmap = readCmap(view, table('cmap'));
  const reverseCmap = new Map<number, number>();
  for (const [cp, gid] of [...cmap.entries()].sort((a, b) => a[0] - b[0])) if (!reverseCmap.has(gid)) reverseCmap.set(gid, cp);
  const os2Version = view.getUint16(os2);
  const longLoca = view.getInt16(head + 50) === 1;
  const loca = table('loca');
  const glyf = table('glyf');
  const glyphOffset = (g: number) => (longLoca ? view.getUint32(loca + g * 4) : view.getUint16(loca + g * 2) * 2);
  const componentCache = new Map<number, number[]>();
  const components = (gid: number): number[] => {
    const cached = componentCache.get(gid);
    if (cached) return cached;
    const found: number[] = [];
    const start = glyphOffset(gid);
    if (glyphOffset(gid + 1) > start && view.getInt16(glyf + start) < 0) {
      let p = glyf + start + 10;
      for (let more = true; more; ) {
        const flags = view.getUint16(p);
        const child = view.getUint16(p + 2);
        found.push(child, ...components(child));
        p += 4 + (flags & 0x1 ? 4 : 2) + (flags & 0x8 ? 2 : flags & 0x40 ? 4 : flags & 0x80 ? 8 : 0);
        more = (flags & 0x20) !== 0;
      }
    }
    componentCache.set(gid, found);
    return found;
  };

  return {
    bytes,
    postscriptName: readPostscriptName(view, bytes, table('name')) ?? 'Font',
    unitsPerEm: view.getUint16(head + 18),
    ascent: view.getInt16(hhea + 4),
    descent: view.getInt16(hhea + 6),
    xHeight: os2Version >= 2 ? view.getInt16(os2 + 86) : 0,
    capHeight: os2Version >= 2 ? view.getInt16(os2 + 88) : view.getInt16(hhea + 4),
    italicAngle: view.getInt32(post + 4) / 65536,
    bbox: [view.getInt16(head + 36), view.getInt16(head + 38), view.getInt16(head + 40), view.getInt16(head + 42)],
    numGlyphs,
    advances,
    cmap,
    reverseCmap,
    components,
  };
}

function readCmap(view: DataView, cmapOffset: number): Map<number, number> {
  const count = view.getUint16(cmapOffset + 2);
  let best: { offset: number; format: number } | undefined;
  for (let i = 0; i < count; i++) {
    const rec = cmapOffset + 4 + i * 8;
    const platform = view.getUint16(rec);
    const encoding = view.getUint16(rec + 2);
    const offset = cmapOffset + view.getUint32(rec + 4);
    const format = view.getUint16(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode || (format !== 4 && format !== 12)) continue;
    if (!best || (format === 12 && best.format === 4)) best = { offset, format };
  }
  if (!best) throw new Error('font has no Unicode cmap');
  const map = new Map<number, number>();
  const o = best.offset;
  if (best.format === 12) {
    const groups = view.getUint32(o + 12);
    for (let i = 0; i < groups; i++) {
      const g = o + 16 + i * 12;
      const start = view.getUint32(g);
      const end = view.getUint32(g + 4);
      const glyph = view.getUint32(g + 8);
      for (let cp = start; cp <= end; cp++) map.set(cp, glyph + cp - start);
    }
    return map;
  }
  const segX2 = view.getUint16(o + 6);
  const ends = o + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  for (let s = 0; s < segX2; s += 2) {
    const end = view.getUint16(ends + s);
    const start = view.getUint16(starts + s);
    const delta = view.getInt16(deltas + s);
    const rangeOffset = view.getUint16(rangeOffsets + s);
    for (let cp = start; cp <= end && cp !== 0xffff; cp++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (cp + delta) & 0xffff;
      else {
        const raw = view.getUint16(rangeOffsets + s + rangeOffset + (cp - start) * 2);
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) map.set(cp, glyph);
    }
  }
  return map;
}

function readPostscriptName(view: DataView, bytes: Uint8Array, nameOffset: number): string | undefined {
  const count = view.getUint16(nameOffset + 2);
  const strings = nameOffset + view.getUint16(nameOffset + 4);
  for (let i = 0; i < count; i++) {
    const rec = nameOffset + 6 + i * 12;
    if (view.getUint16(rec + 6) !== 6) continue;
    const platform = view.getUint16(rec);
    const length = view.getUint16(rec + 8);
    const start = strings + view.getUint16(rec + 10);
    if (platform === 3 || platform === 0) {
      let s = '';
      for (let j = 0; j < length; j += 2) s += String.fromCharCode(view.getUint16(start + j));
      return s;
    }
    if (platform === 1) return String.fromCharCode(...bytes.subarray(start, start + length));
  }
  return undefined;
}
