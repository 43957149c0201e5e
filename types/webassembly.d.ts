/** The WebAssembly globals Node provides, declared without pulling in the DOM library. */
declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  function instantiate(bytes: ArrayBufferView | ArrayBuffer): Promise<{ instance: Instance }>;
}
