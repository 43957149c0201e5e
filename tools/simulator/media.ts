/**
 * Uploaded media: Meta's supported types and size limits, a content check that catches a file whose bytes
 * do not match its declared type (error 131053), and a store whose bytes are capped (oldest evicted first)
 * while every id stays known, so a benchmark of tens of thousands of ATRs cannot exhaust memory.
 */
import { createHash } from 'node:crypto';

const MB = 1024 * 1024;

type Sniff = (bytes: Buffer) => boolean;

const startsWith = (magic: string | number[]): Sniff => {
  const m = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : Buffer.from(magic);
  return (b) => b.subarray(0, m.length).equals(m);
};
const isPdf = startsWith('%PDF-');
const isZip = startsWith([0x50, 0x4b, 0x03, 0x04]);
const isOle = startsWith([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const isOgg = startsWith('OggS');
const isPng = startsWith([0x89, 0x50, 0x4e, 0x47]);
const isJpeg = startsWith([0xff, 0xd8, 0xff]);
const isWebp: Sniff = (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP';
const isIsoMedia: Sniff = (b) => b.subarray(4, 8).toString('latin1') === 'ftyp';
const isText: Sniff = (b) => !b.includes(0) && Buffer.from(b.toString('utf8'), 'utf8').equals(b);
const isMpegAudio: Sniff = (b) => startsWith('ID3')(b) || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0);
const isAmr = startsWith('#!AMR');
const isAac: Sniff = (b) => b[0] === 0xff && ((b[1] ?? 0) & 0xf6) === 0xf0;

/** Supported upload types (Meta's media page): size limit and a check of the leading bytes. */
const TYPES: Record<string, { maxBytes: number; sniff: Sniff }> = {
  'text/plain': { maxBytes: 100 * MB, sniff: isText },
  'application/pdf': { maxBytes: 100 * MB, sniff: isPdf },
  'application/msword': { maxBytes: 100 * MB, sniff: isOle },
  'application/vnd.ms-excel': { maxBytes: 100 * MB, sniff: isOle },
  'application/vnd.ms-powerpoint': { maxBytes: 100 * MB, sniff: isOle },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { maxBytes: 100 * MB, sniff: isZip },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { maxBytes: 100 * MB, sniff: isZip },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { maxBytes: 100 * MB, sniff: isZip },
  'audio/ogg': { maxBytes: 16 * MB, sniff: isOgg },
  'audio/aac': { maxBytes: 16 * MB, sniff: isAac },
  'audio/amr': { maxBytes: 16 * MB, sniff: isAmr },
  'audio/mpeg': { maxBytes: 16 * MB, sniff: isMpegAudio },
  'audio/mp4': { maxBytes: 16 * MB, sniff: isIsoMedia },
  'image/jpeg': { maxBytes: 5 * MB, sniff: isJpeg },
  'image/png': { maxBytes: 5 * MB, sniff: isPng },
  'image/webp': { maxBytes: 500 * 1024, sniff: isWebp },
  'video/mp4': { maxBytes: 16 * MB, sniff: isIsoMedia },
  'video/3gpp': { maxBytes: 16 * MB, sniff: isIsoMedia },
};

/** Largest upload Meta accepts (documents). */
export const MAX_UPLOAD_BYTES = 100 * MB;

/** Why an upload is refused (the 131053 details), or undefined when it is acceptable. */
export function uploadProblem(declared: string, partType: string | undefined, bytes: Buffer): string | undefined {
  const mime = baseMime(declared);
  const rule = TYPES[mime];
  if (!rule) return `Param type must be one of the supported media types; '${declared}' is not supported.`;
  if (partType && baseMime(partType) !== 'application/octet-stream' && baseMime(partType) !== mime) {
    return `The file's content type '${partType}' does not match the type parameter '${declared}'.`;
  }
  if (bytes.length === 0) return 'The uploaded file is empty.';
  if (bytes.length > rule.maxBytes) return `File size ${bytes.length} bytes exceeds the ${rule.maxBytes} byte limit for ${mime}.`;
  if (!rule.sniff(bytes)) return `Media upload error: the file content does not match the MIME type ${mime}.`;
  return undefined;
}

function baseMime(mime: string): string {
  return mime.split(';')[0]!.trim().toLowerCase();
}

/** One stored media object. `bytes` is dropped when the store evicts it; the id stays valid. */
export interface StoredMedia {
  id: string;
  mimeType: string;
  sha256: string;
  fileSize: number;
  filename?: string;
  createdAt: number;
  /** Where it came from: our upload, or a citizen's voice note. */
  origin: 'upload' | 'inbound';
  bytes?: Buffer;
}

/** Media by id, keeping at most `maxBytes` of content (oldest content evicted first). */
export class MediaStore {
  private readonly items = new Map<string, StoredMedia>();
  private readonly withBytes: string[] = [];
  private head = 0;
  private storedBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Stores content under `id`, evicting the oldest content beyond the cap. */
  put(id: string, bytes: Buffer, meta: Pick<StoredMedia, 'mimeType' | 'filename' | 'createdAt' | 'origin'>): StoredMedia {
    const item: StoredMedia = { id, ...meta, sha256: createHash('sha256').update(bytes).digest('hex'), fileSize: bytes.length, bytes };
    this.items.set(id, item);
    this.withBytes.push(id);
    this.storedBytes += bytes.length;
    this.evict();
    return item;
  }

  /** The media with this id, if it was ever stored (bytes may have been evicted). */
  get(id: string): StoredMedia | undefined {
    return this.items.get(id);
  }

  /** Forgets an id (DELETE /{media-id}). */
  delete(id: string): boolean {
    const item = this.items.get(id);
    if (!item) return false;
    if (item.bytes) this.storedBytes -= item.bytes.length;
    this.items.delete(id);
    return true;
  }

  /** Forgets everything (reset). */
  clear(): void {
    this.items.clear();
    this.withBytes.length = 0;
    this.head = 0;
    this.storedBytes = 0;
  }

  /** Every item, content as base64 where still held (for a state file). */
  snapshot(): (Omit<StoredMedia, 'bytes'> & { base64?: string })[] {
    return [...this.items.values()].map(({ bytes, ...meta }) => ({ ...meta, ...(bytes ? { base64: bytes.toString('base64') } : {}) }));
  }

  /** Brings back what snapshot() gave, oldest content first, under the same cap. */
  restore(items: readonly (Omit<StoredMedia, 'bytes'> & { base64?: string })[]): void {
    for (const { base64, ...meta } of items) {
      if (base64 === undefined) this.items.set(meta.id, meta);
      else this.put(meta.id, Buffer.from(base64, 'base64'), meta);
    }
  }

  /** Counts for /_sim/stats. */
  stats(): { count: number; storedBytes: number } {
    return { count: this.items.size, storedBytes: this.storedBytes };
  }

  private evict(): void {
    while (this.storedBytes > this.maxBytes && this.head < this.withBytes.length) {
      const item = this.items.get(this.withBytes[this.head]!);
      this.head += 1;
      if (item?.bytes) {
        this.storedBytes -= item.bytes.length;
        delete item.bytes;
      }
    }
    // Compact the queue now and then so it does not grow with every upload ever made.
    if (this.head > 1024 && this.head * 2 > this.withBytes.length) {
      this.withBytes.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** A tiny, well-formed Ogg Opus file (identification and comment headers only): a "voice note". */
export function fakeVoiceNote(seed: number): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head.writeUInt8(1, 8); // version
  head.writeUInt8(1, 9); // mono, as WhatsApp voice notes are
  head.writeUInt16LE(312, 10); // pre-skip
  head.writeUInt32LE(16_000, 12); // input sample rate
  const vendor = Buffer.from('sampark-sim', 'latin1');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  return Buffer.concat([oggPage(head, seed, 0, 0x02), oggPage(tags, seed, 1, 0x04)]);
}

function oggPage(packet: Buffer, serial: number, sequence: number, headerType: number): Buffer {
  const header = Buffer.alloc(27 + 1);
  header.write('OggS', 0, 'latin1');
  header.writeUInt8(0, 4);
  header.writeUInt8(headerType, 5);
  header.writeBigUInt64LE(0n, 6);
  header.writeUInt32LE(serial >>> 0, 14);
  header.writeUInt32LE(sequence, 18);
  header.writeUInt8(1, 26);
  header.writeUInt8(packet.length, 27);
  const page = Buffer.concat([header, packet]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

let crcTable: Uint32Array | undefined;

function oggCrc(data: Buffer): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let r = i << 24;
      for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
      crcTable[i] = r >>> 0;
    }
  }
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}
