/**
 * A stand-in for the Sampark portal's event receiver: a real HTTP server that verifies each event's signature
 * over the raw body, as the README tells the portal to, records every request, and answers with the status the
 * test asks for. It can stop and start again on the same port (the portal down, then back).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PORTAL_EVENT_ID_HEADER, PORTAL_SIGNATURE_HEADER, type PortalEvent } from '../../contracts/events';
import { verifyPortalEventSignature } from '../../portal/signature';

/** One request as the receiver saw it. */
export interface PortalRequest {
  headers: http.IncomingHttpHeaders;
  raw: string;
  event: PortalEvent;
  signatureValid: boolean;
  status: number;
}

/** A running test portal. */
export interface TestPortal {
  url: string;
  secret: string;
  /** Every request, in arrival order (retries and duplicates included). */
  requests: PortalRequest[];
  /** The events the portal accepted, de-duplicated by id as the portal would, in arrival order. */
  accepted(): PortalEvent[];
  /** Stops answering (connections are refused) until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** `answer` decides each response's status (default 200; a bad signature is always 401). */
export async function startTestPortal(
  opts: { secret?: string; answer?: (event: PortalEvent, request: number) => number } = {},
): Promise<TestPortal> {
  const secret = opts.secret ?? 'test-portal-events-secret-0123456789abcdef';
  const requests: PortalRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verifyPortalEventSignature(raw, req.headers[PORTAL_SIGNATURE_HEADER] as string | undefined, secret);
      const event = JSON.parse(raw) as PortalEvent;
      const status = signatureValid ? (opts.answer?.(event, requests.length) ?? 200) : 401;
      requests.push({ headers: req.headers, raw, event, signatureValid, status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status < 300 ? { ok: true } : { error: `refused ${event.type}` }));
    });
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${port}/portal/events`,
    secret,
    requests,
    accepted() {
      const seen = new Set<string>();
      return requests
        .filter((r) => r.status < 300 && !seen.has(r.event.id) && seen.add(r.event.id) && r.headers[PORTAL_EVENT_ID_HEADER] === r.event.id)
        .map((r) => r.event);
    },
    stop,
    start: () => listen(port),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
