/**
 * The payload codec: every Temporal payload (workflow input, activity arguments and results, signals,
 * queries, updates) is encrypted with AES-256-GCM before it leaves our processes, so the Temporal server,
 * its database and anyone reading histories see ciphertext — a citizen's name, phone and comments included.
 * The key id travels in the payload metadata; several keys may be configured (the first encrypts, all
 * decrypt), so keys rotate without losing old histories. Payloads that were never encrypted pass through,
 * unless `requireEncryption` (PAYLOAD_CODEC_REQUIRE_ENCRYPTION, on in production) refuses them: whoever can write
 * to Temporal without our key (a signal sent with a plain payload) must not be able to feed a workflow.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CodecKey } from '../config/codec-keys';


export const ENCODING = 'binary/encrypted';
const CIPHER = 'AES256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

/** Codec behaviour beyond the keys. */
export interface AesGcmCodecOptions {
  /** Refuse to decode a payload that was not encrypted (by default plain payloads pass through). */
  requireEncryption?: boolean;
}

/** Raised on decode when encryption is required and a payload is plain. */
export class UnencryptedPayloadError extends Error {
  constructor(encoding: string) {
    super(
      `refused an unencrypted payload (encoding "${encoding || 'none'}"): PAYLOAD_CODEC_REQUIRE_ENCRYPTION is on, so every payload must be ${ENCODING}; ` +
        'a plain one was written without our key',
    );
    this.name = 'UnencryptedPayloadError';
  }
}

/** AES-256-GCM payload codec over a keyring. */
export class AesGcmCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(
    private readonly keys: readonly CodecKey[],
    private readonly options: AesGcmCodecOptions = {},
  ) {
    if (keys.length === 0) throw new Error('the payload codec needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`payload codec key ${k.id} must be 32 bytes`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(ENCODING), 'encryption-cipher': utf8(CIPHER), 'encryption-key-id': utf8(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = text(payload.metadata?.encoding);
      if (encoding !== ENCODING) {
        if (this.options.requireEncryption) throw new UnencryptedPayloadError(encoding);
        return payload;
      }
      const keyId = text(payload.metadata?.['encryption-key-id']);
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`payload encrypted with unknown key id "${keyId}": add it to PAYLOAD_CODEC_KEYS`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`encrypted payload is too short (${data.length} bytes) to hold its IV and ${TAG_BYTES}-byte tag`);
      const plain = openGcm(key, data.subarray(0, IV_BYTES), data.subarray(IV_BYTES, data.length - TAG_BYTES), data.subarray(data.length - TAG_BYTES));
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/**
 * Decrypts and authenticates one AES-256-GCM message. The tag length is pinned to 16 bytes: unpinned, GCM
 * accepts a tag cut down to 4 bytes, which a forger can guess.
 */
export function openGcm(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
