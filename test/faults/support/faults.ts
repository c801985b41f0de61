import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Pool } from '#infra/postgres/pool';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const run = promisify(execFile);

const PORTS = { kafka: 9092, elasticsearch: 9200, keycloak: 8180 } as const;

const listening = (port: number): Promise<boolean> =>
  new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });

/**
 * Stops or starts one service of the local stack with the project's own script. A service this
 * checkout did not start cannot be stopped by it: that fails the scenario instead of passing it
 * without a fault.
 */
export const infra = async (action: 'up' | 'down', service: keyof typeof PORTS): Promise<void> => {
  await run('bash', [resolve(ROOT, 'docker/local/infra.sh'), action, service], { cwd: ROOT, maxBuffer: 4 * 1024 * 1024 });
  if (action === 'down' && (await listening(PORTS[service]))) {
    throw new Error(`${service} still listens on ${PORTS[service]}: it was not started by this checkout's infra.sh, so the fault cannot be made`);
  }
};

/** Ends every connection the apps hold (as a failover or an administrator would). */
export const terminateAppConnections = async (pool: Pool): Promise<number> => {
  const { rowCount } = await pool.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid()
       AND (application_name LIKE 'command-api%' OR application_name LIKE 'projector%' OR application_name LIKE 'query-api%')`,
  );
  return rowCount ?? 0;
};

/** The machine's PostgreSQL cluster, when it is one this script may restart (Debian's pg_ctlcluster). */
export const restartablePostgres = (): string | null => {
  if (!existsSync('/etc/postgresql') || !existsSync('/usr/bin/pg_ctlcluster')) return null;
  return readdirSync('/etc/postgresql')[0] ?? null;
};

export const restartPostgres = async (version: string): Promise<void> => {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
};
