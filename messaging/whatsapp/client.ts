/**
 * A thin typed client for the WhatsApp Business Cloud API: media upload and message send, a timeout on
 * every call, and Meta's error envelope turned into a CloudApiError that says how to handle it. Works the
 * same against graph.facebook.com and the local simulator (only the base URL and token differ).
 */
import { whatsappFaultRule, type FaultRule } from '../faults';
import type { GraphErrorResponse, MediaInfoResponse, MediaUploadResponse, SendMessageRequest, SendMessageResponse } from './protocol';

/** Where and how to reach the Cloud API. */
export interface CloudApiOptions {
  /** https://graph.facebook.com, or the simulator's URL. */
  baseUrl: string;
  version: string;
  phoneNumberId: string;
  accessToken: string;
  timeoutMs: number;
}

/** A Cloud API error answer, classified. */
export class CloudApiError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    readonly httpStatus: number,
    readonly fbtraceId?: string,
  ) {
    super(`WhatsApp error ${code}: ${details}`);
    this.name = 'CloudApiError';
  }

  /** Whose fault it is (messaging/faults.ts). */
  get fault(): FaultRule {
    return whatsappFaultRule(this.code);
  }
}

/** The Cloud API operations we use. */
export interface CloudApi {
  uploadMedia(bytes: Uint8Array, fileName: string, mimeType: string): Promise<string>;
  sendMessage(request: SendMessageRequest): Promise<{ wamid: string; waId: string }>;
  /** A citizen's media (a voice note): its metadata, then its bytes from the short-lived URL, each call under the timeout. */
  downloadMedia(mediaId: string): Promise<DownloadedMedia>;
}

/** Media downloaded from Meta. `sha256` is Meta's, when it gave one. */
export interface DownloadedMedia {
  bytes: Uint8Array;
  mimeType: string;
  sha256?: string;
}

/** Creates the client. Network failures and timeouts throw plain errors (retry); API errors throw CloudApiError. */
export function createCloudApi(opts: CloudApiOptions): CloudApi {
  const base = `${opts.baseUrl.replace(/\/$/, '')}/${opts.version}`;
  const call = async <T>(path: string, init: RequestInit): Promise<T> => {
    const res = await fetch(`${base}/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${opts.accessToken}`, ...init.headers },
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    throw toCloudApiError(res.status, text);
  };

  return {
    async uploadMedia(bytes, fileName, mimeType) {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', mimeType);
      form.set('file', new Blob([bytes], { type: mimeType }), fileName);
      const { id } = await call<MediaUploadResponse>(`${opts.phoneNumberId}/media`, { method: 'POST', body: form });
      return id;
    },

    async sendMessage(request) {
      const res = await call<SendMessageResponse>(`${opts.phoneNumberId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      const wamid = res.messages?.[0]?.id;
      if (!wamid) throw new CloudApiError(1, 'send answered 200 without a message id', 200);
      return { wamid, waId: res.contacts?.[0]?.wa_id ?? '' };
    },

    async downloadMedia(mediaId) {
      const info = await call<MediaInfoResponse>(encodeURIComponent(mediaId), { method: 'GET' });
      // The URL is Meta's own (lookaside.fbsbx.com) and wants the same bearer token.
      const res = await fetch(info.url, { headers: { authorization: `Bearer ${opts.accessToken}` }, signal: AbortSignal.timeout(opts.timeoutMs) });
      if (!res.ok) throw toCloudApiError(res.status, await res.text());
      return { bytes: new Uint8Array(await res.arrayBuffer()), mimeType: info.mime_type, ...(info.sha256 ? { sha256: info.sha256 } : {}) };
    },
  };
}

/**
 * Meta's envelope when there is one; a bare 5xx counts as Meta's "temporarily unavailable" (code 2), a bare
 * 429 as its "too many calls" (code 4), any other bare answer as a bad request (code 100).
 */
function toCloudApiError(status: number, body: string): CloudApiError {
  try {
    const { error } = JSON.parse(body) as GraphErrorResponse;
    if (error && typeof error.code === 'number') return new CloudApiError(error.code, error.error_data?.details ?? error.message, status, error.fbtrace_id);
  } catch {
    // not JSON: fall through
  }
  return new CloudApiError(status >= 500 ? 2 : status === 429 ? 4 : 100, `HTTP ${status} without a Graph error body`, status);
}
