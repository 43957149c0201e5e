/** The parts of harfbuzzjs 0.10 (CommonJS build of HarfBuzz in WASM) this project uses. */
declare module 'harfbuzzjs' {
  export interface HbBlob {
    destroy(): void;
  }
  export interface HbFace {
    upem: number;
    destroy(): void;
  }
  export interface HbFont {
    glyphHAdvance(glyphId: number): number;
    destroy(): void;
  }
  export interface HbBuffer {
    addText(text: string, itemOffset?: number, itemLength?: number | null): void;
    setDirection(dir: 'ltr' | 'rtl' | 'ttb' | 'btt'): void;
    setScript(script: string): void;
    setLanguage(language: string): void;
    setClusterLevel(level: number): void;
    setFlags(flags: string[]): void;
    getGlyphInfos(): { codepoint: number; cluster: number }[];
    getGlyphPositions(): { x_advance: number; y_advance: number; x_offset: number; y_offset: number }[];
    destroy(): void;
  }
  export interface HarfBuzz {
    createBlob(bytes: Uint8Array): HbBlob;
    createFace(blob: HbBlob, index: number): HbFace;
    createFont(face: HbFace): HbFont;
    createBuffer(): HbBuffer;
    shape(font: HbFont, buffer: HbBuffer, features?: string): void;
  }
  const ready: Promise<HarfBuzz>;
  export = ready;
}
