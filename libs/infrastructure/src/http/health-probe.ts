export type ProbeResult =
  | { readonly healthy: boolean; readonly port: number; readonly status: number }
  | { readonly healthy: false; readonly port: null; readonly error: string };

const refused = (error: unknown): boolean => (error as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED';

/**
 * Asks `GET /health` of the first of `ports` that takes a connection on `host`: healthy on a 200.
 * One image runs any of the three apps, each on its own configured port; in a container only the
 * app it runs listens, so that is the one asked. Nothing listening, or no answer within
 * `timeoutMs`, is unhealthy.
 */
export const probeHealth = async (host: string, ports: readonly number[], timeoutMs: number): Promise<ProbeResult> => {
  const address = host.includes(':') ? `[${host}]` : host;
  for (const port of ports) {
    try {
      const reply = await fetch(`http://${address}:${port}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      await reply.body?.cancel();
      return { healthy: reply.status === 200, port, status: reply.status };
    } catch (error) {
      if (refused(error)) continue;
      return { healthy: false, port: null, error: `${port}: ${(error as Error).message}` };
    }
  }
  return { healthy: false, port: null, error: `nothing listens on ${host} port ${ports.join(', ')}` };
};

/** The address to probe an app that listens on `httpHost`: loopback when it listens on every interface. */
export const probeHost = (httpHost: string): string => (['0.0.0.0', '::', ''].includes(httpHost) ? '127.0.0.1' : httpHost);
