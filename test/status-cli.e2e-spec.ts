import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PROJECTION_NAMES } from '#infra/config/config';
import { baseUrl, waitUntil, type AppName } from './support/apps.js';
import { post } from './support/http.js';
import { Stack } from './support/stack.js';

const run = promisify(execFile);
const CLI = resolve(fileURLToPath(new URL('..', import.meta.url)), 'dist/apps/projector/src/cli/cli.js');

/** `ledger status` once, as an operator runs it, against these /metrics URLs. */
const status = async (urls: Record<AppName, string>): Promise<string> =>
  (await run(process.execPath, [CLI, 'status', '--command-api', urls['command-api'], '--query-api', urls['query-api'], '--projector', urls.projector], { env: process.env, timeout: 30_000 })).stdout;

/** The screen's sections by their heading ("Projections (projector)", "Relay (command-api)", ...). */
const sections = (screen: string): Map<string, string> =>
  new Map(screen.split(/\n\n+/).map((block) => [block.split('\n')[0]!.trim(), block.split('\n').slice(1).join('\n')] as const));

/** A port nothing listens on: one the system gave out and took back. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
};

const FIGURE = String.raw`\d+(?:\.\d)?`;
/** Each section of the screen as it reads when its app answers. */
const ANSWERED: Readonly<Record<string, RegExp>> = {
  'Projections (projector)': new RegExp(String.raw`^ +projection +lag events +lag s +applied .*(\n +[a-z-]+ +${FIGURE} +${FIGURE} +\d+ +\d+ +(\d+|-))+$`),
  'Relay (command-api)': new RegExp(`^ +unpublished events ${FIGURE}, oldest waiting ${FIGURE} s, dead-lettered \\d+$`),
  'Payment sagas (projector)': /^ +in flight \(awaiting_payment\) \d+, overdue \d+; by state: /,
  'Circuit breakers': /^ +order-search \(query-api\): (closed|open|half_open|isolated)$/,
};

describe('ledger status, the command, against the running apps', () => {
  const stack = new Stack();
  const urls: Record<AppName, string> = {
    'command-api': `${baseUrl('command-api')}/metrics`,
    'query-api': `${baseUrl('query-api')}/metrics`,
    projector: `${baseUrl('projector')}/metrics`,
  };
  beforeAll(() => stack.start(), 120_000);
  afterAll(() => stack.stop(), 60_000);

  it("shows each projection's lag, the relay's lag and the breaker", async () => {
    const opened = await post('command-api', '/accounts', { ownerName: 'Status Reader', currency: 'EUR' });
    expect(opened.status).toBe(201);
    let screen = '';
    // The projector reports a projection once its consumer has joined Kafka.
    await waitUntil(async () => {
      screen = await status(urls);
      return PROJECTION_NAMES.every((name) => new RegExp(`^ +${name} +${FIGURE} +${FIGURE} `, 'm').test(screen));
    }, 60_000, 'every projection with its lag').catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; the last screen:\n${screen}`);
    });

    const parts = sections(screen);
    expect(screen).toMatch(/^ledger status at \d{4}-\d\d-\d\dT/);
    for (const [section, answered] of Object.entries(ANSWERED)) expect({ section, body: parts.get(section) }).toEqual({ section, body: expect.stringMatching(answered) as unknown });
    expect(screen).not.toContain('does not answer');
  }, 120_000);

  it.each<[AppName, readonly string[]]>([
    ['query-api', ['Circuit breakers']],
    ['command-api', ['Relay (command-api)']],
    ['projector', ['Projections (projector)', 'Payment sagas (projector)']],
  ])('names %s, on a closed port, in its sections and still shows the others', async (down, itsSections) => {
    const closed = `http://127.0.0.1:${await closedPort()}/metrics`;
    const parts = sections(await status({ ...urls, [down]: closed }));
    for (const section of itsSections) expect(parts.get(section)).toBe(`  ${down} does not answer at ${closed} (ECONNREFUSED)`);
    for (const [section, answered] of Object.entries(ANSWERED).filter(([section]) => !itsSections.includes(section))) {
      expect({ section, body: parts.get(section) }).toEqual({ section, body: expect.stringMatching(answered) as unknown });
    }
  }, 60_000);
});
