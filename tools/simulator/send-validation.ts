/**
 * Validation of POST /{phone-number-id}/messages as the Cloud API does it, producing Meta's error codes:
 * 100 for malformed or out-of-limit parameters (details name the field, Meta style: `interactive['action']…`),
 * 131051 for an unsupported type, 132001/132000/132012/132005 for template problems, 131053 for an unknown
 * media id. Window, rate and delivery checks belong to the engine, not here (they fail asynchronously).
 */
import { z } from 'zod';
import { TEMPLATES, TEMPLATE_TEXT, buttonLabel, type Interactive, type TemplateButtonKind, type TemplateText } from '../../messaging/whatsapp/protocol';
import { GraphError } from './graph-error';
import { toWaId } from './ids';
import { ComponentSchema, DocumentSchema, EnvelopeSchema, InteractiveSchema, ReactionSchema, ReadReceiptSchema, TemplateParamSchema, TemplateSchema, TextSchema } from './send-schemas';

type TemplateSpec = (typeof TEMPLATES)[keyof typeof TEMPLATES];

/** A template send after validation: what the citizen sees and what each quick reply returns. */
export interface ValidTemplate {
  name: string;
  language: 'hi' | 'en';
  spec: TemplateSpec;
  body: string;
  document?: { id?: string; link?: string; filename?: string };
  /** Per quick reply (in the template's order): its label, and the payload given on the send (if any). */
  quickReplies: { label: string; payload?: string }[];
  /** The URL button: its label and the suffix the send gave (appended to the template's approved URL). */
  link?: { label: string; suffix: string };
}

/** A send request that passed validation. */
export type ValidSend = {
  waId: string;
  input: string;
  contextWamid?: string;
  bizOpaque?: string;
} & (
  | { type: 'template'; template: ValidTemplate }
  | { type: 'interactive'; interactive: Interactive }
  | { type: 'text'; text: { body: string; previewUrl: boolean } }
  | { type: 'document'; document: ValidDocument }
  | { type: 'reaction'; reaction: { messageId: string; emoji: string } }
);

/** A document as sent (in a template header or as a document message). */
export interface ValidDocument {
  id?: string;
  link?: string;
  filename?: string;
  caption?: string;
}

/** A mark-as-read request (same endpoint, no `to`). */
export interface ReadReceipt {
  messageId: string;
}

/** Lookups validation needs from the simulator. */
export interface ValidationContext {
  mediaExists(id: string): boolean;
  /** Country code prepended to a bare national number (Meta uses the business number's). */
  countryCode: string;
}

const SUPPORTED_TYPES = ['template', 'interactive', 'text', 'document', 'reaction'] as const;

/** Validates a send (or a mark-as-read) or throws the GraphError Meta would answer. */
export function validateSend(raw: Record<string, unknown>, ctx: ValidationContext): ValidSend | ReadReceipt {
  if (raw.messaging_product === undefined) throw param('The parameter messaging_product is required.');
  if (raw.messaging_product !== 'whatsapp') throw param("Param messaging_product must be 'whatsapp'.");
  if (raw.status !== undefined) return validateReadReceipt(raw);

  const envelope = parse(EnvelopeSchema, raw);
  if (envelope.to === undefined) throw param('The parameter to is required.');
  const waId = toWaId(envelope.to, ctx.countryCode);
  if (!waId) throw param('Param to must be a valid phone number (E.164 with country code).');
  // Meta: `type` is optional and defaults to text.
  const type = envelope.type ?? 'text';
  if (!(SUPPORTED_TYPES as readonly string[]).includes(type)) {
    throw new GraphError(131051, `Message type '${type}' is not supported by this simulator (supported: ${SUPPORTED_TYPES.join(', ')}).`);
  }
  const base = {
    waId,
    input: envelope.to,
    ...(envelope.context ? { contextWamid: envelope.context.message_id } : {}),
    ...(envelope.biz_opaque_callback_data !== undefined ? { bizOpaque: envelope.biz_opaque_callback_data } : {}),
  };
  if (raw[type] === undefined) throw param(`The parameter ${type} is required.`);
  switch (type) {
    case 'template':
      return { ...base, type, template: validateTemplate(parse(TemplateSchema, raw.template, 'template'), ctx) };
    case 'interactive':
      return { ...base, type, interactive: parse(InteractiveSchema, raw.interactive, 'interactive') as Interactive };
    case 'document': {
      const d = parse(DocumentSchema, raw.document, 'document');
      if (d.id !== undefined && !ctx.mediaExists(d.id)) throw new GraphError(131053, `Media upload error: media id ${d.id} does not exist or has expired.`);
      return { ...base, type, document: { ...d } };
    }
    case 'reaction': {
      const r = parse(ReactionSchema, raw.reaction, 'reaction');
      return { ...base, type, reaction: { messageId: r.message_id, emoji: r.emoji } };
    }
    default: {
      const text = parse(TextSchema, raw.text, 'text');
      return { ...base, type: 'text', text: { body: text.body, previewUrl: text.preview_url ?? false } };
    }
  }
}

function validateReadReceipt(raw: Record<string, unknown>): ReadReceipt {
  const read = parse(ReadReceiptSchema, raw);
  return { messageId: read.message_id };
}

// ---------------------------------------------------------------------------------------------------
// Templates

function validateTemplate(t: z.infer<typeof TemplateSchema>, ctx: ValidationContext): ValidTemplate {
  const spec = Object.values(TEMPLATES).find((s) => s.name === t.name);
  const code = t.language.code;
  const texts = spec && (code === 'hi' || code === 'en') ? TEMPLATE_TEXT[spec.name]?.[code] : undefined;
  if (!spec || !texts) throw new GraphError(132001, `template name (${t.name}) does not exist in ${code}`);

  const components = t.components ?? [];
  const single = (type: 'header' | 'body') => {
    const found = components.filter((c) => c.type === type);
    if (found.length > 1) throw param(`Param template['components'] has more than one ${type} component.`);
    return found[0];
  };
  const header = single('header');
  const body = single('body');
  if (components.some((c) => c.type === 'footer')) throw new GraphError(132000, 'footer: number of localizable_params (1) does not match the expected number of params (0)');

  const headerParams = header?.parameters ?? [];
  const expectedHeader = spec.header === 'document' ? 1 : 0;
  if (headerParams.length !== expectedHeader) throw countMismatch('header', headerParams.length, expectedHeader);
  const document = spec.header === 'document' ? validateDocument(headerParams[0]!, ctx) : undefined;

  const bodyParams = body?.parameters ?? [];
  if (bodyParams.length !== spec.bodyParameters) throw countMismatch('body', bodyParams.length, spec.bodyParameters);
  const values = bodyParams.map((p, i) => bodyText(p, i));
  const filled = texts.body.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => values[Number(n) - 1] ?? '');
  // 1,024 characters is the template body limit; a long parameter (a department name) can exceed it.
  if ([...filled].length > 1024) throw new GraphError(132005, 'Translated text too long: the body with its parameters exceeds 1024 characters.');

  return { name: spec.name, language: code as 'hi' | 'en', spec, body: filled, ...(document ? { document } : {}), ...templateButtons(components, texts, spec) };
}

function validateDocument(p: z.infer<typeof TemplateParamSchema>, ctx: ValidationContext): ValidTemplate['document'] {
  if (p.type !== 'document') throw new GraphError(132012, `header: Format mismatch, expected DOCUMENT, received ${p.type.toUpperCase()}`);
  const doc = p.document;
  if (!doc || (doc.id === undefined && doc.link === undefined)) throw param("Param template['components']['header']['parameters'][0]['document'] requires id or link.");
  if (doc.id !== undefined && !ctx.mediaExists(doc.id)) throw new GraphError(131053, `Media upload error: media id ${doc.id} does not exist or has expired.`);
  return { ...(doc.id !== undefined ? { id: doc.id } : {}), ...(doc.link !== undefined ? { link: doc.link } : {}), ...(doc.filename !== undefined ? { filename: doc.filename } : {}) };
}

function bodyText(p: z.infer<typeof TemplateParamSchema>, i: number): string {
  if (p.type !== 'text') throw new GraphError(132012, `body: Format mismatch, expected TEXT, received ${p.type.toUpperCase()}`);
  if (!p.text) throw param(`Param template['components']['body']['parameters'][${i}]['text'] is required and must be a non-empty string.`);
  // Meta rejects these in template parameters (they would break the approved layout).
  if (/[\n\t]| {5,}/.test(p.text)) throw param('Param text cannot have new-line/tab characters or more than 4 consecutive spaces');
  return p.text;
}

/**
 * The button components of a template send, as Meta checks them against the approved buttons: each index names
 * one approved button (131009 otherwise) whose sub_type it must match (131009); a quick reply takes one payload; a
 * URL button with a dynamic suffix needs its one text parameter (132000 when the component or parameter is
 * missing, 131008 when the text is empty).
 */
function templateButtons(components: z.infer<typeof ComponentSchema>[], texts: TemplateText, spec: TemplateSpec): Pick<ValidTemplate, 'quickReplies' | 'link'> {
  const kinds: readonly TemplateButtonKind[] = spec.buttons;
  const given = new Map<number, z.infer<typeof ComponentSchema>>();
  for (const c of components.filter((x) => x.type === 'button')) {
    const index = Number(c.index);
    if (c.index === undefined || !Number.isInteger(index) || index < 0 || index >= kinds.length) {
      throw new GraphError(131009, `Parameter value is not valid: button index ${String(c.index)} does not exist in template ${spec.name} (0 to ${kinds.length - 1}).`);
    }
    if (c.sub_type !== kinds[index]) {
      throw new GraphError(131009, `Parameter value is not valid: button at index ${index} is of sub_type ${kinds[index]}, not ${c.sub_type ?? '(none)'}.`);
    }
    if (given.has(index)) throw param(`Param template['components']['button']['index'] ${index} is given twice.`);
    given.set(index, c);
  }
  const quickReplies: ValidTemplate['quickReplies'] = [];
  let link: ValidTemplate['link'];
  kinds.forEach((kind, index) => {
    const label = buttonLabel(texts, index);
    const params = given.get(index)?.parameters ?? [];
    if (kind === 'url') {
      if (params.length !== 1) throw countMismatch(`button at index ${index}`, params.length, 1);
      const p = params[0]!;
      if (p.type !== 'text') throw new GraphError(132012, `button at index ${index}: Format mismatch, expected TEXT, received ${p.type.toUpperCase()}`);
      if (!p.text) throw new GraphError(131008, `Required parameter is missing: button at index ${index} needs the text of its URL suffix.`);
      link = { label, suffix: p.text };
      return;
    }
    // A quick reply's payload is optional: without one Meta returns the label.
    if (!given.has(index)) return quickReplies.push({ label });
    if (params.length !== 1) throw countMismatch(`button at index ${index}`, params.length, 1);
    const p = params[0]!;
    if (p.type !== 'payload' || !p.payload) throw new GraphError(132012, `button at index ${index}: Format mismatch, expected PAYLOAD, received ${p.type.toUpperCase()}`);
    quickReplies.push({ label, payload: p.payload });
  });
  return { quickReplies, ...(link ? { link } : {}) };
}

function countMismatch(where: string, got: number, expected: number): GraphError {
  return new GraphError(132000, `${where}: number of localizable_params (${got}) does not match the expected number of params (${expected})`);
}

// ---------------------------------------------------------------------------------------------------
// Zod issues as Meta's (#100) details

function parse<T extends z.ZodType>(schema: T, value: unknown, root?: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...(root ? [root] : []), ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  throw param(issueDetails(issue, path));
}

function issueDetails(issue: z.core.$ZodIssue, path: (string | number)[]): string {
  const name = paramName(path);
  if (issue.code === 'unrecognized_keys') return `Unexpected key "${issue.keys[0]}" on param "${name || 'body'}".`;
  if (issue.code === 'invalid_type') return issue.message.endsWith('received undefined') ? `The parameter ${name} is required.` : `Param ${name} must be of type ${issue.expected}.`;
  if (issue.code === 'too_big' && issue.origin === 'array') return `Param ${name} must have at most ${String(issue.maximum)} elements.`;
  if (issue.code === 'too_small' && issue.origin === 'array') return `Param ${name} must have at least ${String(issue.minimum)} element(s).`;
  if (issue.code === 'invalid_union' || issue.code === 'invalid_value') return `Param ${name} has an invalid value.`;
  return issue.code === 'custom' ? `Param ${name} ${issue.message}` : `Param ${name} is invalid: ${issue.message}`;
}

/** `['interactive','action','buttons',0,'reply','title']` → `interactive['action']['buttons'][0]['reply']['title']`. */
function paramName(path: (string | number)[]): string {
  return path.map((p, i) => (i === 0 ? String(p) : typeof p === 'number' ? `[${p}]` : `['${p}']`)).join('');
}

function param(details: string): GraphError {
  return new GraphError(100, details);
}
