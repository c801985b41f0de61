import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPOSITORY_ROOT } from '#infra/repository-root';

export type AppName = 'command-api' | 'query-api' | 'projector';

const ROOT = REPOSITORY_ROOT;

export type Ports = Record<AppName, number>;
const TRACING_PRELOAD = 'dist/libs/infrastructure/src/tracing/preload.js';
// TEST_APP_PORT_BASE moves them, so two runs on one machine do not collide.
const PORT_BASE = Number(process.env['TEST_APP_PORT_BASE'] ?? 3100);
const TEST_PORTS: Ports = { 'command-api': PORT_BASE, 'query-api': PORT_BASE + 1, projector: PORT_BASE + 2 };

export const baseUrl = (app: AppName, ports: Ports = TEST_PORTS): string => `http://127.0.0.1:${ports[app]}`;

/** One of the built apps (dist/, made by `npm test`) running as a real process. */
export class AppProcess {
  private child: ChildProcess | null = null;

  constructor(
    readonly name: AppName,
    private readonly env: Record<string, string> = {},
    private readonly ports: Ports = TEST_PORTS,
    /** Log files are .local/logs/<logPrefix>-<app>.log. */
    private readonly logPrefix = 'test',
  ) {}

  private get logName(): string {
    return `${this.logPrefix}-${this.name}`;
  }

  async start(): Promise<void> {
    const entry = resolve(ROOT, `dist/apps/${this.name}/src/main.js`);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (npm test does)`);
    mkdirSync(resolve(ROOT, '.local/logs'), { recursive: true });
    const log = openSync(resolve(ROOT, `.local/logs/${this.logName}.log`), 'a');
    // The tracing preload loads nothing more unless OTEL_EXPORTER_ZIPKIN_ENDPOINT is set.
    // Node's flags as the image starts each app (command-api with 64 MB semi-spaces).
    const flags = this.name === 'command-api' ? ['--max-semi-space-size=64'] : [];
    this.child = spawn(process.execPath, [...flags, '--import', resolve(ROOT, TRACING_PRELOAD), entry], {
      cwd: ROOT,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        APP_NAME: this.name,
        COMMAND_API_PORT: String(this.ports['command-api']),
        QUERY_API_PORT: String(this.ports['query-api']),
        PROJECTOR_PORT: String(this.ports.projector),
        ...this.env,
      },
    });
    await waitUntil(async () => {
      if (this.child?.exitCode !== null) throw new Error(`${this.name} exited with ${this.child?.exitCode}; see .local/logs/${this.logName}.log`);
      return (await fetch(`${baseUrl(this.name, this.ports)}/health`).catch(() => null))?.ok === true;
    }, 60_000, `${this.name} to answer /health`);
  }

  /** Stops the process: SIGTERM for a graceful stop, SIGKILL for a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

export const waitUntil = async (condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
};
