/**
 * The Graph API routes our WhatsApp client calls: media upload, send (and mark-as-read), media metadata,
 * delete and the authenticated download URL. All need the bearer token and answer Graph error envelopes.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { answersNow, faultGraphError } from './faults';
import { GraphError, unknownObject } from './graph-error';
import { bearerGuard, faultDelay, type RouteContext, type SimApi } from './http';
import { MAX_UPLOAD_BYTES } from './media';
import type { UploadFields } from './media-api';

const GraphParams = z.object({ version: z.string().regex(/^v\d+\.\d+$/, 'must be an API version like v25.0') });

/** Registers the Graph routes. */
export function graphRoutes(api: SimApi, { o, state, cloud, scheduler }: RouteContext): void {
  const graphAuth = bearerGuard(o.accessToken, () => new GraphError(190, 'Invalid OAuth access token - Cannot parse access token'));
  const ownNumber = (id: string) => {
    if (id !== o.phoneNumberId) throw unknownObject(id, 'post');
  };
  const baseUrl = (req: FastifyRequest) => o.publicUrl ?? `${req.protocol}://${req.host}`;

  // Meta's documented form: `file` and `messaging_product` (also accepted in the query string), `type` optional.
  const mediaRoute = { params: GraphParams.extend({ phoneNumberId: z.string() }), querystring: z.looseObject({ messaging_product: z.string().optional() }) };
  api.post('/:version/:phoneNumberId/media', { schema: mediaRoute, onRequest: graphAuth }, async (req) => {
    ownNumber(req.params.phoneNumberId);
    const fields = await readUpload(req);
    fields.messagingProduct ??= req.query.messaging_product;
    const fault = state.faults.take('media', undefined);
    if (fault) await faultDelay(scheduler, fault.delayMs);
    if (answersNow(fault)) throw faultGraphError(fault);
    return cloud.media.upload(fields);
  });

  api.post(
    '/:version/:phoneNumberId/messages',
    { schema: { params: GraphParams.extend({ phoneNumberId: z.string() }), body: z.record(z.string(), z.unknown()) }, onRequest: graphAuth },
    async (req, reply) => {
      ownNumber(req.params.phoneNumberId);
      const fault = state.faults.take('messages', typeof req.body.to === 'string' ? req.body.to : undefined);
      if (fault) await faultDelay(scheduler, fault.delayMs);
      const result = cloud.send(req.body, fault);
      return reply.code(result.http).send(result.body);
    },
  );

  api.get('/:version/:mediaId', { schema: { params: GraphParams.extend({ mediaId: z.string() }), querystring: z.looseObject({ phone_number_id: z.string().optional() }) }, onRequest: graphAuth }, async (req) =>
    cloud.media.info(req.params.mediaId, baseUrl(req)),
  );

  api.delete('/:version/:mediaId', { schema: { params: GraphParams.extend({ mediaId: z.string() }) }, onRequest: graphAuth }, async (req) => cloud.media.delete(req.params.mediaId));

  // The media URL from GET /{media-id}: bearer token required, valid 5 minutes (Meta: 404 once expired).
  api.get('/lookaside/whatsapp_business/attachments/', { schema: { querystring: z.object({ mid: z.string(), ext: z.string(), hash: z.string() }) }, onRequest: graphAuth }, async (req, reply) => {
    const media = cloud.media.download(req.query.mid, req.query.ext, req.query.hash);
    if (!media) throw new GraphError(100, 'The media URL has expired or the media no longer exists; fetch a new URL with GET /{media-id}.', 404);
    return reply.type(media.mimeType).send(media.bytes);
  });
}

/** The multipart fields of a media upload. */
async function readUpload(req: FastifyRequest): Promise<UploadFields> {
  if (!req.isMultipart()) throw new GraphError(100, 'The request must be multipart/form-data with the fields file and messaging_product (type is optional).');
  const fields: UploadFields = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname === 'file') fields.file = { bytes: await part.toBuffer(), mimetype: part.mimetype, filename: part.filename };
        else await part.toBuffer();
      } else if (part.fieldname === 'messaging_product') fields.messagingProduct = String(part.value);
      else if (part.fieldname === 'type') fields.type = String(part.value);
    }
  } catch (err) {
    if ((err as FastifyError).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new GraphError(131053, `Media upload error: the file exceeds the ${MAX_UPLOAD_BYTES} byte limit.`);
    }
    throw err;
  }
  return fields;
}
