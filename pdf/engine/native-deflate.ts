/**
 * pdf-lib compresses its object and cross-reference streams with pako, a JavaScript port of zlib; for
 * an ATR that costs more than all our own deflating. pako.deflate and node:zlib's deflateSync produce
 * the same format (zlib-wrapped DEFLATE), so pdf-lib's copy of pako is pointed at the native one.
 * Behaviour is unchanged: only the speed differs.
 */
import path from 'node:path';
import { deflateSync } from 'node:zlib';

let installed = false;

/** Makes pdf-lib's pako.deflate use node:zlib. Idempotent. */
export function useNativeDeflateForPdfLib(): void {
  if (installed) return;
  installed = true;
  const pakoPath = require.resolve('pako', { paths: [path.dirname(require.resolve('pdf-lib'))] });
  const pako = require(pakoPath) as { deflate: (input: Uint8Array | string) => Uint8Array };
  pako.deflate = (input) => new Uint8Array(deflateSync(typeof input === 'string' ? Buffer.from(input, 'utf8') : input));
}
