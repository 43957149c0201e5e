/** `sampark-atr render-atr <closure.json> -o <out.pdf>`: renders one ATR from a closure in the POST /v1/closures shape. */
import { readFileSync, writeFileSync } from 'node:fs';
import { AtrClient, ValidationError } from '../client';
import { loadConfig } from '../config';
import { atrWorkflowId } from '../contracts/workflow';
import { localSecrets } from '../lib/local-secrets';
import { renderAtrPdf } from '../pdf/atr/render';
import { AtrSealer, verificationUrl, type SealKey } from '../pdf/seal';

/** The configured signing keys, or this machine's local key (the one `npm start` uses). */
export function signingKeys(configured: SealKey[]): SealKey[] {
  if (configured.length) return configured;
  const [id, ...secret] = localSecrets().ATR_SIGNING_KEYS.split(':');
  return [{ id: id!, secret: secret.join(':') }];
}

/** Renders the closure in `input` to `output`; returns a one-line summary. Throws ValidationError on bad input. */
export async function renderAtrCommand(input: string, output: string): Promise<string> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(input, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${input} as JSON: ${(err as Error).message}`, { cause: err });
  }
  const closure = AtrClient.validateClosure(json);
  const config = loadConfig(process.env, 'cli');
  const atrId = closure.atrNumber ?? atrWorkflowId(closure.grievanceId, closure.cycle);
  const seal = new AtrSealer(signingKeys(config.sealKeys)).seal(closure, atrId);
  const started = performance.now();
  const { pdf, pageCount } = await renderAtrPdf(closure, atrId, verificationUrl(config.publicBaseUrl, seal));
  writeFileSync(output, pdf);
  return `${output}: ATR ${atrId}, ${pageCount} page(s), ${(pdf.byteLength / 1024).toFixed(1)} KB, ${(performance.now() - started).toFixed(0)} ms`;
}

export { ValidationError };
