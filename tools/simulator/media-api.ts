/**
 * The Cloud API's media endpoints behind the routes: upload (checked against Meta's types and limits),
 * GET /{media-id} with a short-lived signed download URL, download and DELETE; ids expire as Meta's do.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '../../lib/log';
import { GraphError, unknownObject } from './graph-error';
import type { IdFactory } from './ids';
import { uploadProblem, type StoredMedia } from './media';
import type { ResolvedOptions } from './options';
import type { SimulatorState } from './state';

/** The multipart fields of POST /{phone-number-id}/media, as the route read them. */
export interface UploadFields {
  messagingProduct?: string;
  type?: string;
  file?: { bytes: Buffer; mimetype?: string; filename?: string };
}

/** How long a media download URL stays valid (Meta: 5 minutes). */
const MEDIA_URL_TTL_MS = 5 * 60 * 1000;

/** Media as the Graph API serves it. */
export class MediaApi {
  constructor(
    private readonly o: ResolvedOptions,
    private readonly state: SimulatorState,
    private readonly ids: IdFactory,
    private readonly log: Logger,
  ) {}

  /** POST /{phone-number-id}/media with the multipart fields read. */
  upload(fields: UploadFields): { id: string } {
    if (fields.messagingProduct === undefined) throw new GraphError(100, 'The parameter messaging_product is required.');
    if (fields.messagingProduct !== 'whatsapp') throw new GraphError(100, "Param messaging_product must be 'whatsapp'.");
    if (!fields.file) throw new GraphError(100, 'The parameter file is required.');
    // `type` is optional: without it the file part's own content type says what the file is.
    const type = fields.type ?? (fields.file.mimetype && fields.file.mimetype !== 'application/octet-stream' ? fields.file.mimetype : undefined);
    if (!type) throw new GraphError(100, 'The parameter type is required when the file part has no content type.');
    const problem = uploadProblem(type, fields.file.mimetype, fields.file.bytes);
    if (problem) throw new GraphError(131053, problem);
    const media = this.store(fields.file.bytes, {
      mimeType: type.split(';')[0]!.trim().toLowerCase(),
      createdAt: this.o.now(),
      origin: 'upload',
      ...(fields.file.filename ? { filename: fields.file.filename } : {}),
    });
    this.log.debug({ mediaId: media.id, bytes: media.fileSize }, 'media uploaded');
    return { id: media.id };
  }

  /** GET /{media-id}: metadata and a short-lived download URL. */
  info(id: string, baseUrl: string) {
    const media = this.live(id);
    if (!media) throw unknownObject(id, 'get');
    const ext = String(Math.floor((this.o.now() + MEDIA_URL_TTL_MS) / 1000));
    const url = `${baseUrl}/lookaside/whatsapp_business/attachments/?mid=${id}&ext=${ext}&hash=${this.hash(id, ext)}`;
    return { messaging_product: 'whatsapp' as const, url, mime_type: media.mimeType, sha256: media.sha256, file_size: media.fileSize, id };
  }

  /** The bytes behind a download URL, if the URL is genuine and unexpired and the bytes were kept. */
  download(mid: string, ext: string, hash: string): StoredMedia | undefined {
    if (hash !== this.hash(mid, ext) || Number(ext) * 1000 < this.o.now()) return undefined;
    const media = this.live(mid);
    return media?.bytes ? media : undefined;
  }

  /** DELETE /{media-id}. */
  delete(id: string): { success: true } {
    if (!this.live(id) || !this.state.media.delete(id)) throw unknownObject(id, 'delete');
    return { success: true };
  }

  /** Media that exists and has not expired (Meta: uploads live 30 days, received media 7; inboundMediaTtlMs). */
  live(id: string): StoredMedia | undefined {
    const media = this.state.media.get(id);
    if (!media) return undefined;
    const ttl = media.origin === 'inbound' ? Math.min(this.o.inboundMediaTtlMs, this.o.mediaTtlMs) : this.o.mediaTtlMs;
    return this.o.now() - media.createdAt < ttl ? media : undefined;
  }

  /** Stores content under a fresh media id (uploads, and the citizen's voice notes). */
  store(bytes: Buffer, meta: Pick<StoredMedia, 'mimeType' | 'filename' | 'createdAt' | 'origin'>): StoredMedia {
    return this.state.media.put(this.ids.mediaId(), bytes, meta);
  }

  private hash(id: string, ext: string): string {
    return createHmac('sha256', this.o.appSecret).update(`${id}:${ext}`).digest('base64url').slice(0, 22);
  }
}
