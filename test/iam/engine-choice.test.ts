/**
 * Which engine carries a call: the socket engine, unless node:http is instrumented; then node:http, so nock (or an
 * APM agent, a proxy agent) sees every call. nock is imported only halfway through this file, to check both orders:
 * node:http instrumented after the transport module was loaded, and before it (a fresh copy of the module).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { engineStats } from '../../src/iam/http/pool.js';
import { createTransport, nodeHttpInstrumented, type Transport } from '../../src/iam/http/transport.js';
import { HttpRequest } from '../../src/iam/sdk.js';

let server: Server;
let port = 0;
let served = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      served += 1;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('from the local server');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const request = (hostname: string, at?: number) =>
  new HttpRequest({ protocol: 'http:', hostname, ...(at ? { port: at } : {}), method: 'POST', path: '/', headers: { 'content-type': 'text/plain' }, body: 'hi' });

async function text(transport: Transport, req: ReturnType<typeof request>): Promise<string> {
  const { response } = await transport.handle(req);
  return Buffer.from(response.body as Uint8Array).toString('utf8');
}

describe('the engine is chosen at each request', () => {
  const transport = createTransport({ maxSockets: 2 });
  afterAll(() => transport.destroy?.());

  it('without instrumentation, a local server is served by the socket engine', async () => {
    const before = engineStats.requests;
    expect(nodeHttpInstrumented()).toBe(false);
    expect(await text(transport, request('127.0.0.1', port))).toBe('from the local server');
    expect(engineStats.requests - before).toBe(1);
  });

  it('a subscriber to node:http\'s client diagnostics channel gets node:http while it listens', async () => {
    const seen: unknown[] = [];
    const listener = (message: unknown) => seen.push(message);
    subscribe('http.client.request.start', listener);
    try {
      const before = engineStats.requests;
      expect(await text(transport, request('127.0.0.1', port))).toBe('from the local server');
      expect(engineStats.requests - before).toBe(0);
      expect(seen).toHaveLength(1);
    } finally {
      unsubscribe('http.client.request.start', listener);
    }
    expect(nodeHttpInstrumented()).toBe(false);
  });

  it('nock imported after the transport: nock answers its host, and the local server is reached through node:http', async () => {
    const { default: nock } = await import('nock');
    try {
      expect(nodeHttpInstrumented()).toBe(true);
      const before = engineStats.requests;
      const servedBefore = served;
      nock('http://engine.nock.test').post('/').reply(200, 'from nock');
      expect(await text(transport, request('engine.nock.test'))).toBe('from nock');
      expect(await text(transport, request('127.0.0.1', port))).toBe('from the local server');
      expect(served - servedBefore).toBe(1);
      expect(engineStats.requests - before).toBe(0);
      expect(nock.isDone()).toBe(true);

      // Loaded while nock is on, the module finds proxies where node:http's functions were: still node:http.
      vi.resetModules();
      const fresh = await import('../../src/iam/http/transport.js');
      const freshStats = (await import('../../src/iam/http/pool.js')).engineStats;
      expect(fresh.nodeHttpInstrumented()).toBe(true);
      const freshTransport = fresh.createTransport({ maxSockets: 1 });
      nock('http://engine.nock.test').post('/').reply(200, 'from nock again');
      expect(await text(freshTransport, request('engine.nock.test'))).toBe('from nock again');
      expect(freshStats.requests).toBe(0);
      freshTransport.destroy?.();
    } finally {
      nock.cleanAll();
      nock.restore();
    }
    // nock restored: the socket engine again.
    expect(nodeHttpInstrumented()).toBe(false);
    const before = engineStats.requests;
    expect(await text(transport, request('127.0.0.1', port))).toBe('from the local server');
    expect(engineStats.requests - before).toBe(1);
  });
});
