/** A stand-in for the Sampark portal's reopen endpoint: a real HTTP server that records each callback. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A recorded callback request. */
export interface PortalCall {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A running fake portal. `statuses` are answered in order; the last one repeats. */
export interface FakePortal {
  url: string;
  calls: PortalCall[];
  close(): Promise<void>;
}

export async function startFakePortal(statuses: number[] = [200]): Promise<FakePortal> {
  const calls: PortalCall[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: JSON.parse(raw || '{}') });
      const status = statuses[Math.min(calls.length - 1, statuses.length - 1)]!;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/grievances/reopen`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
