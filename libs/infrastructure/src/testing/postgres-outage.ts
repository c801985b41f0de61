import pg from 'pg';

/**
 * Test helper: a PostgreSQL outage for one login role, without touching the shared server. The
 * code under test connects as that role; `begin` cuts its connections and refuses new ones (as a
 * restarting server does), `cut` drops its connections once, `end` lets it log in again.
 */
export class PostgresOutage {
  private readonly admin: pg.Pool;
  readonly role: string;

  constructor(private readonly databaseUrl: string) {
    this.admin = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    this.role = `${new URL(databaseUrl).pathname.slice(1)}_outage`;
  }

  /** The database URL of the role under test. */
  get url(): string {
    const url = new URL(this.databaseUrl);
    url.username = this.role;
    url.password = '';
    return url.toString();
  }

  async prepare(): Promise<void> {
    const role = pg.escapeIdentifier(this.role);
    const { rowCount } = await this.admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [this.role]);
    if (!rowCount) await this.admin.query(`CREATE ROLE ${role} LOGIN`);
    await this.admin.query(`GRANT pg_read_all_data, pg_write_all_data TO ${role}`);
    await this.end();
  }

  /** Terminates every backend of the role; how many there were. */
  async cut(): Promise<number> {
    const { rows } = await this.admin.query<{ n: number }>(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE usename = $1',
      [this.role],
    );
    return rows[0]?.n ?? 0;
  }

  async begin(): Promise<void> {
    await this.admin.query(`ALTER ROLE ${pg.escapeIdentifier(this.role)} NOLOGIN`);
    await this.cut();
  }

  async end(): Promise<void> {
    await this.admin.query(`ALTER ROLE ${pg.escapeIdentifier(this.role)} LOGIN`);
  }

  async close(): Promise<void> {
    await this.end().catch(() => undefined);
    await this.admin.end();
  }
}
