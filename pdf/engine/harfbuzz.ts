/**
 * HarfBuzz in WebAssembly (harfbuzzjs): the shaper Chromium and Android use, for correct Devanagari
 * (conjuncts, reph, i-matra reordering, nukta, mark positioning), and hb-subset, which cuts each PDF's
 * embedded font down to the glyphs it uses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HarfBuzz } from 'harfbuzzjs';

/** hb-subset's exported C functions (pointers are numbers in WASM memory). */
interface SubsetExports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_glyph_set(input: number): number;
  hb_subset_input_set(input: number, setType: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_or_fail(face: number, input: number): number;
  hb_subset_preprocess(face: number): number;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_FLAGS_NO_HINTING = 0x1;
const HB_SUBSET_FLAGS_RETAIN_GIDS = 0x2;
/** Shaping is done: substitutions must not pull in more glyphs. */
const HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE = 0x200;
const HB_SUBSET_SETS_DROP_TABLE_TAG = 3;
/** Tables a PDF viewer never reads from an embedded CID font: shaping is already done, text comes from ToUnicode. */
const DROPPED_TABLES = ['GSUB', 'GPOS', 'GDEF', 'BASE', 'JSTF', 'MATH', 'cmap', 'name', 'post', 'OS/2', 'kern', 'hdmx', 'DSIG', 'STAT', 'meta', 'vhea', 'vmtx', 'VORG'];

function tag(t: string): number {
  return ((t.charCodeAt(0) << 24) | (t.charCodeAt(1) << 16) | (t.charCodeAt(2) << 8) | t.charCodeAt(3)) >>> 0;
}

/** Subsets one font face again and again (preprocessed once for speed). */
export interface Subsetter {
  /**
   * A TrueType font holding just these glyphs. With `retainGids` false the glyphs are renumbered in
   * ascending order of their original ids, which holds only if the set is already closed under
   * composite components (the caller's job) — `numGlyphs` tells the caller whether it did.
   */
  subset(glyphIds: readonly number[], retainGids: boolean): { bytes: Uint8Array; numGlyphs: number };
}

let hbPromise: Promise<HarfBuzz> | undefined;
let subsetPromise: Promise<SubsetExports> | undefined;

/** The shaping engine, loaded once per process. */
export function harfbuzz(): Promise<HarfBuzz> {
  hbPromise ??= require('harfbuzzjs') as Promise<HarfBuzz>;
  return hbPromise;
}

async function subsetModule(): Promise<SubsetExports> {
  subsetPromise ??= WebAssembly.instantiate(readFileSync(path.join(path.dirname(require.resolve('harfbuzzjs')), 'hb-subset.wasm'))).then(
    ({ instance }) => instance.exports as unknown as SubsetExports,
  );
  return subsetPromise;
}

/** A subsetter for one font file. The face stays in WASM memory for the life of the process. */
export async function createSubsetter(fontBytes: Uint8Array): Promise<Subsetter> {
  const ex = await subsetModule();
  const ptr = ex.malloc(fontBytes.byteLength);
  new Uint8Array(ex.memory.buffer).set(fontBytes, ptr);
  const blob = ex.hb_blob_create(ptr, fontBytes.byteLength, HB_MEMORY_MODE_WRITABLE, 0, 0);
  const face = ex.hb_face_create(blob, 0);
  ex.hb_blob_destroy(blob);
  const prepared = ex.hb_subset_preprocess(face);
  return {
    subset(glyphIds, retainGids) {
      const input = ex.hb_subset_input_create_or_fail();
      if (!input) throw new Error('hb-subset: out of memory');
      try {
        const glyphs = ex.hb_subset_input_glyph_set(input);
        for (const g of glyphIds) ex.hb_set_add(glyphs, g);
        // Renumbering keeps loca and hmtx to the glyphs used: the embedded font shrinks by a third.
        ex.hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING | HB_SUBSET_FLAGS_NO_LAYOUT_CLOSURE | (retainGids ? HB_SUBSET_FLAGS_RETAIN_GIDS : 0));
        const drop = ex.hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
        for (const t of DROPPED_TABLES) ex.hb_set_add(drop, tag(t));
        const result = ex.hb_subset_or_fail(prepared, input);
        if (!result) throw new Error('hb-subset failed to subset the font');
        const out = ex.hb_face_reference_blob(result);
        const data = ex.hb_blob_get_data(out, 0);
        const bytes = new Uint8Array(ex.memory.buffer).slice(data, data + ex.hb_blob_get_length(out));
        ex.hb_blob_destroy(out);
        ex.hb_face_destroy(result);
        if (bytes.byteLength === 0) throw new Error('hb-subset returned an empty font');
        return { bytes, numGlyphs: maxpNumGlyphs(bytes) };
      } finally {
        ex.hb_subset_input_destroy(input);
      }
    },
  };
}

function maxpNumGlyphs(font: Uint8Array): number {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  for (let i = 0, n = view.getUint16(4); i < n; i++) {
    const rec = 12 + i * 16;
    if (view.getUint32(rec) === tag('maxp')) return view.getUint16(view.getUint32(rec + 8) + 4);
  }
  throw new Error('subset font has no maxp table');
}
