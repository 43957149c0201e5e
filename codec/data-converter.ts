/**
 * The data converter every client and worker of this project uses: JSON payloads, then AES-256-GCM, with
 * failure messages and stack traces encoded (so encrypted) too.
 */
import type { DataConverter } from '@temporalio/common';
import type { CodecKey } from '../config/codec-keys';
import { AesGcmCodec, type AesGcmCodecOptions } from './aes-gcm';

/** The failure converter's module; workflow bundles must be built with it (bundleWorkflowCode's failureConverterPath). */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** A data converter encrypting with the first key and decrypting with any. */
export function createDataConverter(keys: readonly CodecKey[], options: AesGcmCodecOptions = {}): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(keys, options)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
