/** Payload encryption keys as configured (PAYLOAD_CODEC_KEYS): parsed and checked here, used by the codec. */

/** An encryption key: 32 bytes for AES-256. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

/** Parses `id:base64key[,id:base64key...]` (each key 32 bytes). Throws naming the bad part. */
export function parseCodecKeys(spec: string): CodecKey[] {
  return spec.split(',').map((part) => {
    const at = part.indexOf(':');
    const id = part.slice(0, at).trim();
    const key = Buffer.from(part.slice(at + 1).trim(), 'base64');
    if (at <= 0 || !/^[A-Za-z0-9_-]{1,16}$/.test(id)) throw new Error('each key needs an id of 1-16 letters, digits, - or _ before the colon');
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes, base64-encoded (openssl rand -base64 32)`);
    return { id, key };
  });
}
