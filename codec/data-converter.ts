/** The data converter every client and worker of this project uses: JSON payloads, then AES-256-GCM. */
import type { DataConverter } from '@temporalio/common';
import type { CodecKey } from '../config/codec-keys';
import { AesGcmCodec } from './aes-gcm';

/** A data converter encrypting with the first key and decrypting with any. */
export function createDataConverter(keys: readonly CodecKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(keys)] };
}
