/** The citizen's phone page over real HTTP: what the citizen sees, stable test ids, no outside resources. */
import { CITIZEN, disposedTemplate, uploadPdf, useHarness } from './harness';

const harness = useHarness();

test('the phone page shows the template in the citizen’s language with the document and stable test ids, self-contained', async () => {
  const t = await harness();
  const mediaId = await uploadPdf(t);
  const sent = await t.send({ to: CITIZEN, ...disposedTemplate(mediaId) });
  await t.graph('POST', '/sms/v1/messages', { to: CITIZEN, sender: 'RJSMPK', text: 'ATR: https://atr.example/v1/atr/verify?g=1&atr=2', reference: 'ref-1' });
  const page = await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`);

  expect(page.status).toBe(200);
  const html: string = page.json;
  expect(html).toContain('आपकी शिकायत SAMPARK-2026-000123 का निस्तारण PHED द्वारा');
  expect(html).toContain(`data-wamid="${sent.json.messages[0].id}"`);
  expect(html).toContain('data-testid="quick-reply-0"');
  expect(html).toContain('data-testid="quick-reply-1"');
  expect(html).toContain(`href="/phone/media/${mediaId}"`);
  expect(html).toContain('data-testid="sms"');
  expect(html).toContain('<a href="https://atr.example/v1/atr/verify?g=1&#38;atr=2"');
  expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/);
  const pdf = await fetch(`${t.base}/phone/media/${mediaId}`);
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
});

/** Our ATR template with its document given as a link instead of an uploaded media id. */
function linkedTemplate(link: string) {
  const t = disposedTemplate('unused');
  const header = { type: 'header', parameters: [{ type: 'document', document: { link, filename: 'ATR.pdf' } }] };
  return { ...t, template: { ...t.template, components: [header, ...t.template.components.slice(1)] } };
}

test('refuses a document link that is not http(s), so no javascript: link reaches the phone page; an https one is shown', async () => {
  const t = await harness();
  for (const link of ['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'JavaScript://x/%0aalert(1)']) {
    expect((await t.send({ to: CITIZEN, type: 'document', document: { link, filename: 'x.pdf' } })).status).toBe(400);
    expect((await t.send({ to: CITIZEN, ...linkedTemplate(link) })).status).toBe(400);
  }
  expect((await t.send({ to: CITIZEN, ...linkedTemplate('https://atr.example/atr.pdf') })).status).toBe(200);
  const html: string = (await t.call('GET', `/phone/${encodeURIComponent(CITIZEN)}`)).json;
  expect(html).toContain('href="https://atr.example/atr.pdf"');
  expect(html).not.toMatch(/javascript:|data:text/i);
});
