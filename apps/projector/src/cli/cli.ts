import { Command, Option } from 'commander';
import { loadConfigOrExit, type Config } from '#infra/config/config';
import type { Pool } from '#infra/postgres/pool';
import { formatColumns, formatRecords } from './columns.js';

// Each command loads its modules when it runs: the Kafka, Elasticsearch and EventStoreDB clients
// take a second or more to load, and `ledger --help` or `ledger token` need none of them.

const print = (lines: readonly string[]): void => {
  if (lines.length) console.log(lines.join('\n'));
};

const dlqModules = async () => ({ ...(await import('#infra/kafka/dead-letters')), ...(await import('#infra/kafka/kafka')) });

const withPool = async <T>(config: Config, work: (pool: Pool) => Promise<T>): Promise<T> => (await import('./with-pool.js')).withPool(config, work);

export const buildCli = (config: Config): Command => {
  const program = new Command('ledger').description('Operate the ledger: projections, migrations, relay, tokens');
  const projections = program.command('projections').description('Read models');
  projections
    .command('list')
    .description('each projection, its state, Kafka lag, parked streams and row counts')
    .action(async () => {
      const { listProjections } = await import('./projections-list.js');
      const listing = await withPool(config, (pool) => listProjections(config, pool));
      print(formatColumns(
        ['projection', 'state', 'lag', 'parked', 'rows', 'rebuilt at'],
        listing.map((p) => [p.name, p.state, p.lag ?? 'unknown', p.parked, Object.entries(p.rows).map(([t, n]) => `${t}=${n}`).join(' '), p.rebuiltAt]),
        { align: ['left', 'left', 'right', 'right', 'left', 'left'] },
      ));
    });
  projections
    .command('rebuild')
    .argument('[name]', 'projection name (see projections list)')
    .option('--all', 'every read model, built to one position of the log and switched together')
    .description('rebuild from the event store into shadow tables, swap atomically, catch up; live traffic continues')
    .action(async (name: string | undefined, options: { all?: boolean }) => {
      if (options.all === Boolean(name)) throw new Error('name one projection, or give --all (not both)');
      const { followLauncher, rerunWithHeapCap } = await import('./heap-cap.js');
      const exitCode = await rerunWithHeapCap(config.rebuildMaxHeapMb);
      if (exitCode !== null) {
        process.exitCode = exitCode;
        return;
      }
      followLauncher();
      const { rebuild, rebuildEverything } = await import('./rebuild-command.js');
      await (name ? rebuild(config, name) : rebuildEverything(config));
    });
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const { migrate } = await import('#infra/postgres/migrate');
      await withPool(config, async (pool) => console.log((await migrate(pool)).join('\n') || 'schema up to date'));
    });
  program
    .command('sagas')
    .description('payment sagas')
    .command('list')
    .description('sagas per state, and those in flight (overdue ones are stuck: the timeout sweep cancels them)')
    .action(async () => {
      const { listSagas } = await import('./sagas-list.js');
      const listing = await withPool(config, (pool) => listSagas(pool));
      const counts = Object.entries(listing.counts);
      print(counts.length ? formatColumns(['state', 'sagas'], counts) : ['no sagas yet']);
      if (listing.inFlight.length) print(['', ...formatRecords(listing.inFlight)]);
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
      const { createKafka, deadLetterTopics, listDeadLetters } = await dlqModules();
      const letters = await listDeadLetters(createKafka(config, 'cli'), topic, { ...options, groupPrefix: config.consumerGroupPrefix });
      print(formatRecords(letters.map((l) => ({
        offset: `${l.partition}/${l.offset}`,
        key: l.key,
        type: l.headers['type'] ?? '?',
        from: `${l.headers['dlq-original-topic'] ?? '?'}/${l.headers['dlq-original-partition'] ?? '?'}/${l.headers['dlq-original-offset'] ?? '?'}`,
        projection: l.headers['dlq-projection'] ?? '?',
        error: (l.headers['dlq-error'] ?? '').slice(0, 120),
        at: l.headers['dlq-at'],
      }))));
      console.log(`${letters.length} dead letter(s) in ${deadLetterTopics(topic).dlq}${options.all ? '' : ' not yet retried'}`);
    });
  dlq
    .command('retry')
    .argument('<topic>')
    .option('--offset <offset>', 'only the dead letter at this offset')
    .description('send dead letters back to their topic, through the consumers\' idempotent path')
    .action(async (topic: string, options: { offset?: string }) => {
      const { createKafka, deadLetterTopics, retryDeadLetters } = await dlqModules();
      const sent = await retryDeadLetters(createKafka(config, 'cli'), topic, { ...options, groupPrefix: config.consumerGroupPrefix });
      console.log(`sent ${sent} dead letter(s) back to ${deadLetterTopics(topic).original}`);
    });
  dlq
    .command('purge')
    .argument('<topic>')
    .description('delete every dead letter of the topic')
    .action(async (topic: string) => {
      const { createKafka, deadLetterTopics, purgeDeadLetters } = await dlqModules();
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
    .action(async (options: { watch?: boolean; interval: string; commandApi: string; queryApi: string; projector: string }) =>
      (await import('./status-watch.js')).watchStatus({ 'command-api': options.commandApi, 'query-api': options.queryApi, projector: options.projector }, options.watch ? Number(options.interval) * 1000 : null),
    );
  program.command('relay').description('run the event store → Kafka relay alone, until interrupted').action(async () => (await import('#infra/relay/relay.main')).runRelay(config));
  program
    .command('token')
    .argument('[user]', 'a user of the realm (alice, bob, oscar in development), or payment-service')
    .addOption(new Option('--password <password>', "the user's password (else the development realm file's)").env('LEDGER_PASSWORD'))
    .option('--service', "the payment service's token (client credentials from the configuration)")
    .description('print a fresh access token, alone on its line: TOKEN=$(npm run -s cli -- token alice)')
    .action(async (user: string | undefined, options: { password?: string; service?: boolean }) => {
      const { issueToken } = await import('./token.js');
      console.log(await issueToken(config, { ...options, user }));
    });
  return program;
};

/** Runs one command line (`argv` as in process.argv); bin/ledger.mjs calls this. */
export const runCli = async (argv: readonly string[]): Promise<void> => {
  await buildCli(loadConfigOrExit())
    .parseAsync([...argv])
    .catch((error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
};

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await runCli(process.argv);
