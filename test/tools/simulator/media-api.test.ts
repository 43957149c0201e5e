/** The simulator's media endpoints over real HTTP: upload in Meta's documented form, metadata, the authenticated download URL, expiry, 131053. */
import { CITIZEN, PDF, TOKEN, uploadPdf, useHarness } from './harness';

const harness = useHarness();

test('stores an uploaded PDF under a numeric id, describes it and serves it at an authenticated URL', async () => {
  const t = await harness();
  const id = await uploadPdf(t);
  expect(id).toMatch(/^\d{12,}$/);

  const info = await t.graph('GET', `/v25.0/${id}`);
  expect(info.status).toBe(200);
  expect(info.json).toMatchObject({ messaging_product: 'whatsapp', mime_type: 'application/pdf', file_size: PDF.length, id });
  expect(info.json.sha256).toMatch(/^[0-9a-f]{64}$/);

  const withToken = await fetch(info.json.url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(withToken.status).toBe(200);
  expect(Buffer.from(await withToken.arrayBuffer()).equals(PDF)).toBe(true);
  expect((await fetch(info.json.url)).status).toBe(401);
});

test('refuses bytes that do not match the declared type with 131053', async () => {
  const t = await harness();
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
  const mismatch = await t.upload(png, 'application/pdf');
  expect(mismatch.status).toBe(400);
  expect(mismatch.json.error.code).toBe(131053);
});

test('refuses an unsupported type with 131053', async () => {
  const t = await harness();
  const unsupported = await t.upload(Buffer.from('PK\u0003\u0004zip'), 'application/zip', 'x.zip');
  expect(unsupported.json.error.code).toBe(131053);
});

test('refuses a file part whose content type disagrees with the declared type with 131053', async () => {
  const t = await harness();
  const partDisagrees = await t.upload(PDF, 'application/pdf', 'ATR.pdf', 'image/png');
  expect(partDisagrees.json.error.code).toBe(131053);
});

test('answers Graph error 100 for an unknown media id', async () => {
  const t = await harness();
  const unknown = await t.graph('GET', '/v25.0/123456789012345');
  expect(unknown.status).toBe(400);
  expect(unknown.json.error).toMatchObject({ code: 100, type: 'OAuthException' });
});

test('accepts an upload without `type`, taking it from the file part, and messaging_product in the query string', async () => {
  const t = await harness();
  const noType = await t.upload(PDF, undefined, 'ATR.pdf', 'application/pdf');
  expect(noType.status).toBe(200);
  expect((await t.graph('GET', `/v25.0/${noType.json.id}`)).json.mime_type).toBe('application/pdf');
  const inQuery = await t.upload(PDF, 'application/pdf', 'ATR.pdf', 'application/pdf', 'messaging_product=whatsapp');
  expect(inQuery.status).toBe(200);
});

test('answers 100 naming the field when neither `type` nor the file part says what the file is, or messaging_product is missing', async () => {
  const t = await harness();
  const untyped = await t.upload(PDF, undefined, 'ATR.pdf', 'application/octet-stream');
  expect(untyped.json.error).toMatchObject({ code: 100, error_data: { details: expect.stringMatching(/\btype\b/) } });
  const noProduct = await t.upload(PDF, 'application/pdf', 'ATR.pdf', 'application/pdf', 'other=1');
  expect(noProduct.json.error).toMatchObject({ code: 100, error_data: { details: expect.stringMatching(/messaging_product/) } });
});

test('forgets a citizen’s voice note after 7 days, an upload only after 30', async () => {
  let clock = Date.parse('2026-11-01T10:00:00Z');
  const t = await harness({ now: () => clock });
  const uploaded = await uploadPdf(t);
  const voice = (await t.call('POST', '/_sim/inbound', { from: CITIZEN, type: 'audio' })).json.message.audio.id;
  expect((await t.graph('GET', `/v25.0/${voice}`)).status).toBe(200);
  clock += 7 * 24 * 60 * 60 * 1000;
  expect((await t.graph('GET', `/v25.0/${voice}`)).status).toBe(400);
  expect((await t.graph('GET', `/v25.0/${uploaded}`)).status).toBe(200);
  clock += 23 * 24 * 60 * 60 * 1000;
  expect((await t.graph('GET', `/v25.0/${uploaded}`)).status).toBe(400);
});
