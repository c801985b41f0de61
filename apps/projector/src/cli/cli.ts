import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { loadConfigOrExit, type Config } from '#infra/config/config';
import { createElasticsearch } from '#infra/elasticsearch/elasticsearch';
import { deadLetterTopics, listDeadLetters, purgeDeadLetters, retryDeadLetters } from '#infra/kafka/dead-letters';
import { createKafka } from '#infra/kafka/kafka';
import { createEventStore, releaseEventStore } from '#infra/event-store/event-store.factory';
import { createPool, type Pool } from '#infra/postgres/pool';
import { migrate } from '#infra/postgres/migrate';
import { runRelay } from '#infra/relay/relay.main';
import { projectionNamed } from '../projections/registry.js';
import { rebuildProjection, type RebuildProgress, type RebuildResult } from '../rebuild/rebuild.js';
import { ORDER_SEARCH_PROJECTION } from '../search/order-search.projection.js';
import { rebuildOrderSearch } from '../search/order-search.rebuild.js';
import { listProjections } from './projections-list.js';
import { listSagas } from './sagas-list.js';
import { watchStatus } from './status-watch.js';
import { issueToken } from './token.js';

const withPool = async <T>(config: Config, work: (pool: Pool) => Promise<T>): Promise<T> => {
  // Operator tasks (rebuilds, migrations) may wait for locks and run long statements: no bounds here.
  const pool = createPool({ databaseUrl: config.databaseUrl, appName: config.appName }, 4);
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
};

const rebuild = async (config: Config, name: string): Promise<void> => {
  if (name !== ORDER_SEARCH_PROJECTION.name) projectionNamed(name); // fails fast on an unknown name
  await withPool(config, async (pool) => {
    const bar = new SingleBar({
      format: `${name} [{bar}] {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`,
      barCompleteChar: '#',
      barIncompleteChar: '.',
      // Off a terminal (CI, logs) it still reports, a line every few seconds.
      noTTYOutput: true,
      notTTYSchedule: 2000,
    });
    const started = Date.now();
    bar.start(1, 0, { speed: 0 });
    const store = createEventStore(config, pool);
    const options = {
      pool,
      store,
      onProgress: ({ read, total }: RebuildProgress) => {
        bar.setTotal(Math.max(total, 1));
        bar.update(read, { speed: Math.round(read / Math.max((Date.now() - started) / 1000, 0.001)) });
      },
    };
    let where = 'swapped in';
    let result: RebuildResult;
    if (name === ORDER_SEARCH_PROJECTION.name) {
      // A rebuild's bulk requests run to 8 MB and an index's refresh can take a while on a busy
      // node: a minute each, not the live path's 10 s (nothing retries a rebuild's request).
      const es = createElasticsearch(config.elasticsearchUrl, 60_000);
      try {
        const search = await rebuildOrderSearch(es, config.orderSearchAlias, options);
        where = `alias ${config.orderSearchAlias} → ${search.index}${search.previous ? `, ${search.previous} deleted` : ''}`;
        result = search;
      } finally {
        await es.close();
        await releaseEventStore(store);
      }
    } else {
      result = await rebuildProjection(projectionNamed(name), options).finally(() => releaseEventStore(store));
    }
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${name}: read ${result.read} events, applied ${result.applied}, rejected ${result.rejected}, ` +
        `in ${seconds.toFixed(1)} s (${Math.round(result.read / Math.max(seconds, 0.001))} events/s); ${where}, live consumer catching up`,
    );
  });
};

export const buildCli = (config: Config): Command => {
  const program = new Command('ledger').description('Operate the ledger: projections, migrations, relay, tokens');
  const projections = program.command('projections').description('Read models');
  projections
    .command('list')
    .description('each projection, its state, Kafka lag, parked streams and row counts')
    .action(async () => {
      const listing = await withPool(config, (pool) => listProjections(config, pool));
      console.table(
        listing.map((p) => ({
          projection: p.name,
          state: p.state,
          lag: p.lag ?? 'unknown',
          parked: p.parked ?? '-',
          rows: Object.entries(p.rows).map(([t, n]) => `${t}=${n}`).join(' '),
          'rebuilt at': p.rebuiltAt ?? '-',
        })),
      );
    });
  projections
    .command('rebuild')
    .argument('<name>', 'projection name (see projections list)')
    .description('rebuild from the event store into shadow tables, swap atomically, catch up; live traffic continues')
    .action((name: string) => rebuild(config, name));
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() => withPool(config, async (pool) => console.log((await migrate(pool)).join('\n') || 'schema up to date')));
  program
    .command('sagas')
    .description('payment sagas')
    .command('list')
    .description('sagas per state, and those in flight (overdue ones are stuck: the timeout sweep cancels them)')
    .action(async () => {
      const listing = await withPool(config, (pool) => listSagas(pool));
      console.table(listing.counts);
      if (listing.inFlight.length) console.table(listing.inFlight);
      const overdue = listing.inFlight.filter((s) => s.overdue).length;
      console.log(`${listing.inFlight.length} in flight, ${overdue} overdue`);
    });
  const dlq = program.command('dlq').description('dead-letter topics (<topic> is events.<category> or its .dlq)');
  dlq
    .command('list')
    .argument('<topic>')
    .option('--all', 'also those already retried')
    .description('dead letters not yet retried: where they came from and why they failed')
    .action(async (topic: string, options: { all?: boolean }) => {
      const letters = await listDeadLetters(createKafka(config, 'cli'), topic, { ...options, groupPrefix: config.consumerGroupPrefix });
      console.table(letters.map((l) => ({
        offset: `${l.partition}/${l.offset}`,
        key: l.key,
        type: l.headers['type'] ?? '?',
        from: `${l.headers['dlq-original-topic'] ?? '?'}/${l.headers['dlq-original-partition'] ?? '?'}/${l.headers['dlq-original-offset'] ?? '?'}`,
        projection: l.headers['dlq-projection'] ?? '?',
        error: (l.headers['dlq-error'] ?? '').slice(0, 120),
        at: l.headers['dlq-at'] ?? '',
      })));
      console.log(`${letters.length} dead letter(s) in ${deadLetterTopics(topic).dlq}${options.all ? '' : ' not yet retried'}`);
    });
  dlq
    .command('retry')
    .argument('<topic>')
    .option('--offset <offset>', 'only the dead letter at this offset')
    .description('send dead letters back to their topic, through the consumers\' idempotent path')
    .action(async (topic: string, options: { offset?: string }) => {
      const sent = await retryDeadLetters(createKafka(config, 'cli'), topic, { ...options, groupPrefix: config.consumerGroupPrefix });
      console.log(`sent ${sent} dead letter(s) back to ${deadLetterTopics(topic).original}`);
    });
  dlq
    .command('purge')
    .argument('<topic>')
    .description('delete every dead letter of the topic')
    .action(async (topic: string) => {
      const deleted = await purgeDeadLetters(createKafka(config, 'cli'), topic);
      console.log(`deleted ${deleted} dead letter(s) from ${deadLetterTopics(topic).dlq}`);
    });
  program
    .command('status')
    .description("one screen: projections' lag, the relay's lag, dead letters, parked streams, sagas, breakers (from the apps' /metrics)")
    .option('--watch', 'refresh until interrupted')
    .option('--interval <seconds>', 'refresh interval with --watch', '2')
    .addOption(new Option('--command-api <url>', "command-api's /metrics").default(config.metricsUrls['command-api']))
    .addOption(new Option('--query-api <url>', "query-api's /metrics").default(config.metricsUrls['query-api']))
    .addOption(new Option('--projector <url>', "the projector's /metrics").default(config.metricsUrls.projector))
    .action((options: { watch?: boolean; interval: string; commandApi: string; queryApi: string; projector: string }) =>
      watchStatus({ 'command-api': options.commandApi, 'query-api': options.queryApi, projector: options.projector }, options.watch ? Number(options.interval) * 1000 : null),
    );
  program.command('relay').description('run the event store → Kafka relay alone, until interrupted').action(() => runRelay(config));
  program
    .command('token')
    .argument('[user]', 'a user of the realm (alice, bob, oscar in development), or payment-service')
    .addOption(new Option('--password <password>', "the user's password (else the development realm file's)").env('LEDGER_PASSWORD'))
    .option('--service', "the payment service's token (client credentials from the configuration)")
    .description('print a fresh access token, alone on its line: TOKEN=$(npm run -s cli -- token alice)')
    .action(async (user: string | undefined, options: { password?: string; service?: boolean }) => {
      console.log(await issueToken(config, { ...options, user }));
    });
  return program;
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  await buildCli(loadConfigOrExit())
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
