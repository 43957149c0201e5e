/**
 * The request schemas of POST /{phone-number-id}/messages with Meta's documented limits (lengths counted in
 * characters, not UTF-16 units); send-validation.ts turns their issues into Meta's (#100) details.
 */
import { z } from 'zod';


const chars = (min: number, max: number) =>
  z.string().refine((s) => [...s].length >= min && [...s].length <= max, { message: min > 0 ? `must be ${min} to ${max} characters long` : `must be at most ${max} characters long` });

// Unknown top-level keys are ignored (Graph does); inside message objects Meta reports "Unexpected key".
export const EnvelopeSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().optional(),
  type: z.string().optional(),
  context: z.strictObject({ message_id: z.string().min(1) }).optional(),
  // Max length is not documented (UNCERTAIN); any string is echoed back.
  biz_opaque_callback_data: z.string().optional(),
});

export const ReadReceiptSchema = z.looseObject({
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.strictObject({ type: z.literal('text') }).optional(),
});

/** Media links as Meta takes them: http(s) only, so no `javascript:` or `data:` link reaches a phone page. */
const HttpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const TemplateParamSchema = z.looseObject({
  type: z.enum(['text', 'currency', 'date_time', 'image', 'document', 'video', 'location', 'payload']),
  text: z.string().optional(),
  payload: z.string().optional(),
  document: z.strictObject({ id: z.string().min(1).optional(), link: HttpUrl.optional(), filename: z.string().min(1).optional() }).optional(),
});

export const ComponentSchema = z.strictObject({
  type: z.enum(['header', 'body', 'footer', 'button']),
  sub_type: z.string().optional(),
  index: z.union([z.string(), z.number().int()]).optional(),
  parameters: z.array(TemplateParamSchema).optional(),
});

export const TemplateSchema = z.strictObject({
  name: z.string().min(1),
  language: z.strictObject({ code: z.string().min(1), policy: z.literal('deterministic').optional() }),
  components: z.array(ComponentSchema).optional(),
});

const TextHeader = z.strictObject({ type: z.literal('text'), text: chars(1, 60) });
const Footer = z.strictObject({ text: chars(1, 60) });

const ButtonMessage = z
  .strictObject({
    type: z.literal('button'),
    header: TextHeader.optional(),
    body: z.strictObject({ text: chars(1, 1024) }),
    footer: Footer.optional(),
    action: z.strictObject({
      buttons: z.array(z.strictObject({ type: z.literal('reply'), reply: z.strictObject({ id: chars(1, 256), title: chars(1, 20) }) })).min(1).max(3),
    }),
  })
  .superRefine((m, ctx) => {
    unique(m.action.buttons.map((b) => b.reply.title), ['action', 'buttons'], 'reply', 'title', ctx);
    unique(m.action.buttons.map((b) => b.reply.id), ['action', 'buttons'], 'reply', 'id', ctx);
  });

const ListMessage = z
  .strictObject({
    type: z.literal('list'),
    header: TextHeader.optional(),
    body: z.strictObject({ text: chars(1, 4096) }),
    footer: Footer.optional(),
    action: z.strictObject({
      button: chars(1, 20),
      sections: z
        .array(
          z.strictObject({
            title: chars(1, 24),
            rows: z.array(z.strictObject({ id: chars(1, 200), title: chars(1, 24), description: chars(0, 72).optional() })).min(1),
          }),
        )
        .min(1)
        .max(10),
    }),
  })
  .superRefine((m, ctx) => {
    const rows = m.action.sections.flatMap((s) => s.rows);
    if (rows.length > 10) ctx.addIssue({ code: 'custom', path: ['action', 'sections'], message: `must have at most 10 rows in total (has ${rows.length})` });
    const ids = new Set<string>();
    m.action.sections.forEach((s, si) =>
      s.rows.forEach((r, ri) => {
        if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['action', 'sections', si, 'rows', ri, 'id'], message: 'must be unique' });
        ids.add(r.id);
      }),
    );
  });

export const InteractiveSchema = z.discriminatedUnion('type', [ButtonMessage, ListMessage]);

export const TextSchema = z.strictObject({ body: chars(1, 4096), preview_url: z.boolean().optional() });

function unique(values: string[], path: (string | number)[], key: string, field: string, ctx: z.RefinementCtx): void {
  values.forEach((v, i) => {
    if (values.indexOf(v) !== i) ctx.addIssue({ code: 'custom', path: [...path, i, key, field], message: 'must be unique' });
  });
}

const MediaId = z.string().min(1);

/** A document message: an uploaded media id or a link, with an optional caption and file name. */
export const DocumentSchema = z
  .strictObject({ id: MediaId.optional(), link: HttpUrl.optional(), caption: chars(1, 1024).optional(), filename: z.string().min(1).max(240).optional() })
  .refine((d) => (d.id === undefined) !== (d.link === undefined), { message: 'requires exactly one of id or link' });

/** A reaction to a message of the conversation; an empty emoji removes an earlier reaction. */
export const ReactionSchema = z.strictObject({ message_id: z.string().min(1), emoji: z.string().refine((e) => [...e].length <= 8, { message: 'must be one emoji or empty' }) });
