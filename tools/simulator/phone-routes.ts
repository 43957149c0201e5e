/**
 * The citizen's phone in a browser: the chat page per number, the documents it links, the Devanagari font
 * it embeds, and the version the page polls to know when to refresh. No authentication: a local tool.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RouteContext, SimApi } from './http';
import { numberKey } from './ids';
import { renderPhonePage } from './phone-page';

const NumberParams = z.object({ number: z.string().regex(/^\+?\d{8,15}$/, 'must be a phone number in E.164') });

/** Registers the phone page routes. */
export function phoneRoutes(api: SimApi, { o, state, cloud }: RouteContext): void {
  api.get('/phone/:number', { schema: { params: NumberParams } }, async (req, reply) => {
    const waId = numberKey(req.params.number, o.countryCode);
    // Opening the chat reads what has arrived, as WhatsApp does with read receipts on.
    cloud.statuses.openChat(waId);
    const page = renderPhonePage({ number: waId, conversation: state.conversations.get(waId), businessName: o.businessName, templateUrlBase: o.templateUrlBase, undeliverable: cloud.isUndeliverable(waId) });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
  });

  api.get('/phone/media/:mediaId', { schema: { params: z.object({ mediaId: z.string() }) } }, async (req, reply) => {
    const media = cloud.media.live(req.params.mediaId);
    if (!media?.bytes) return reply.code(404).send({ error: 'not_found', message: 'media unknown, expired or evicted from the simulator store' });
    const name = media.filename ?? `${media.id}.${media.mimeType === 'application/pdf' ? 'pdf' : 'bin'}`;
    return reply.type(media.mimeType).header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(name)}`).send(media.bytes);
  });

  api.get('/phone/fonts/:face', { schema: { params: z.object({ face: z.enum(['regular', 'bold']) }) } }, async (req, reply) => {
    const font = await loadFont(req.params.face);
    if (!font) return reply.code(404).send({ error: 'not_found', message: 'font package not installed' });
    return reply.type('font/ttf').header('cache-control', 'public, max-age=86400').send(font);
  });

  api.get('/_sim/phone/:number/version', { schema: { params: NumberParams } }, async (req) => ({ version: state.conversations.get(numberKey(req.params.number, o.countryCode))?.version ?? 0 }));
}

const fonts = new Map<string, Promise<Buffer | undefined>>();

function loadFont(face: 'regular' | 'bold'): Promise<Buffer | undefined> {
  let font = fonts.get(face);
  if (!font) {
    const file = face === 'regular' ? '400Regular/NotoSansDevanagari_400Regular.ttf' : '700Bold/NotoSansDevanagari_700Bold.ttf';
    font = (async () => {
      try {
        return await readFile(path.join(path.dirname(require.resolve('@expo-google-fonts/noto-sans-devanagari/package.json')), file));
      } catch {
        return undefined;
      }
    })();
    fonts.set(face, font);
  }
  return font;
}
