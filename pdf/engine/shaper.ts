/**
 * Shapes text with HarfBuzz. A line is split into script runs (Devanagari, Latin; spaces, digits and
 * punctuation join their neighbours), each shaped with its own script and language but with the whole
 * text as context, so "Ref:" followed by a Hindi word gets Latin shaping for "Ref:" and Indic reordering
 * for the word (tools/scripts/golden.ts has the line).
 */
import type { HarfBuzz, HbFont } from 'harfbuzzjs';
import type { FontFile } from './font-file';

/** One positioned glyph, in font units; `cluster` is the UTF-16 index of the text it came from. */
export interface Glyph {
  gid: number;
  cluster: number;
  ax: number;
  dx: number;
  dy: number;
}

/** A shaped piece of text. `text` is what was shaped; glyphs for characters the font lacks show as '?'. */
export interface Shaped {
  text: string;
  glyphs: Glyph[];
  /** Total advance in font units. */
  advance: number;
}

type Script = 'Deva' | 'Latn' | null;

function scriptOf(cp: number): Script {
  if ((cp >= 0x0900 && cp <= 0x097f) || (cp >= 0xa8e0 && cp <= 0xa8ff) || (cp >= 0x1cd0 && cp <= 0x1cff)) return 'Deva';
  if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f)) return 'Latn';
  return null;
}

/** Zero-width characters that shape correctly without a glyph of their own (ZWJ, ZWNJ, variation selectors...). */
function isDefaultIgnorable(cp: number): boolean {
  return cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x2060 || cp === 0xfeff || (cp >= 0xfe00 && cp <= 0xfe0f);
}

/** Labels and words repeat across ATRs and are worth caching; whole lines of free text rarely do. */
const CACHE_LIMIT = 20_000;
const CACHEABLE_LENGTH = 48;

/** Shapes strings for one face, caching by string (labels and common words repeat across ATRs). */
export class Shaper {
  private readonly cache = new Map<string, Shaped>();

  constructor(
    private readonly hb: HarfBuzz,
    private readonly font: HbFont,
    private readonly file: FontFile,
  ) {}

  /**
   * Shapes a line word by word and joins the results with space advances. Words shape independently
   * (nothing in Devanagari or Latin reaches across a space in this font), and words repeat from ATR to
   * ATR, so their shapes come from the cache while whole lines of free text rarely would.
   */
  shapeLine(line: string): Shaped {
    if (line.length <= CACHEABLE_LENGTH || !line.includes(' ')) return this.shape(line);
    const glyphs: Glyph[] = [];
    const space = this.shape(' ').glyphs[0]!;
    let offset = 0;
    for (const word of line.split(' ')) {
      if (offset > 0) glyphs.push({ ...space, cluster: offset - 1 });
      for (const g of this.shape(word).glyphs) glyphs.push(g.cluster === 0 && offset === 0 ? g : { ...g, cluster: g.cluster + offset });
      offset += word.length + 1;
    }
    let advance = 0;
    for (const g of glyphs) advance += g.ax;
    return { text: line, glyphs, advance };
  }

  /** Shapes `text` (one line or word, no newlines) as a whole. */
  shape(text: string): Shaped {
    const hit = this.cache.get(text);
    if (hit) return hit;
    const drawable = this.replaceMissing(text);
    const glyphs: Glyph[] = [];
    for (const run of itemize(drawable)) {
      const buf = this.hb.createBuffer();
      try {
        buf.addText(drawable, run.start, run.end - run.start);
        buf.setDirection('ltr');
        buf.setScript(run.script);
        buf.setLanguage(run.script === 'Deva' ? 'hi' : 'en');
        this.hb.shape(this.font, buf);
        const infos = buf.getGlyphInfos();
        const positions = buf.getGlyphPositions();
        for (let i = 0; i < infos.length; i++) {
          const p = positions[i]!;
          glyphs.push({ gid: infos[i]!.codepoint, cluster: infos[i]!.cluster, ax: p.x_advance, dx: p.x_offset, dy: p.y_offset });
        }
      } finally {
        buf.destroy();
      }
    }
    let advance = 0;
    for (const g of glyphs) advance += g.ax;
    const shaped = { text, glyphs, advance };
    if (text.length <= CACHEABLE_LENGTH) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(text, shaped);
    }
    return shaped;
  }

  /** Characters the font cannot draw become '?' (padded with zero-width spaces to keep UTF-16 indices). */
  private replaceMissing(text: string): string {
    let out = '';
    let changed = false;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (this.file.cmap.has(cp) || isDefaultIgnorable(cp)) out += ch;
      else {
        out += ch.length === 2 ? '?\u200b' : '?';
        changed = true;
      }
    }
    return changed ? out : text;
  }
}

function itemize(text: string): { start: number; end: number; script: string }[] {
  const runs: { start: number; end: number; script: Script }[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const script = scriptOf(cp);
    const cur = runs[runs.length - 1];
    if (!cur || (script && cur.script && script !== cur.script)) runs.push({ start: i, end: i + len, script });
    else {
      cur.end = i + len;
      cur.script ??= script;
    }
    i += len;
  }
  return runs.map((r) => ({ ...r, script: r.script ?? 'Latn' }));
}
