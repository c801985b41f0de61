import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { probeHealth, probeHost } from './health-probe.js';

/** Real HTTP servers on the loopback, each answering /health with a fixed status (or never). */
const servers: Server[] = [];
const serve = async (status: number | 'never'): Promise<number> => {
  const server = createServer((request, response) => {
    if (status === 'never') return;
    response.writeHead(request.url === '/health' ? status : 404).end('{}');
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return (server.address() as AddressInfo).port;
};
/** A port nothing listens on: one that was just given up. */
const closedPort = async (): Promise<number> => {
  const port = await serve(200);
  const server = servers.pop()!;
  await new Promise((closed) => server.close(closed));
  return port;
};

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((closed) => server.close(closed));
  }
});

describe('probeHealth (the Docker HEALTHCHECK)', () => {
  it('asks the first port that takes a connection, and is healthy on its 200', async () => {
    const [none, app] = [await closedPort(), await serve(200)];
    expect(await probeHealth('127.0.0.1', [none, app], 2_000)).toEqual({ healthy: true, port: app, status: 200 });
  });

  it('is unhealthy when the app that listens answers 503, even if another port would answer 200', async () => {
    const [unready, other] = [await serve(503), await serve(200)];
    expect(await probeHealth('127.0.0.1', [unready, other], 2_000)).toEqual({ healthy: false, port: unready, status: 503 });
  });

  it('is unhealthy, naming the ports, when nothing listens', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    expect(await probeHealth('127.0.0.1', [a, b], 2_000)).toEqual({ healthy: false, port: null, error: `nothing listens on 127.0.0.1 port ${a}, ${b}` });
  });

  it('is unhealthy when the app takes the connection but does not answer in time', async () => {
    const hung = await serve('never');
    expect(await probeHealth('127.0.0.1', [hung], 200)).toMatchObject({ healthy: false, port: null, error: expect.stringContaining(`${hung}:`) });
  });
});

describe('probeHost', () => {
  it('probes the loopback for an app on every interface, and the address itself otherwise', () => {
    expect(probeHost('0.0.0.0')).toBe('127.0.0.1');
    expect(probeHost('::')).toBe('127.0.0.1');
    expect(probeHost('127.0.0.1')).toBe('127.0.0.1');
    expect(probeHost('10.1.2.3')).toBe('10.1.2.3');
  });
});
