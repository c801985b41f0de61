import { mkdirSync, writeFileSync } from 'node:fs';
import { config } from './lib/config.js';
import type { Pool } from '#infra/postgres/pool';
import { resetDatabase } from './lib/database.js';
import { quietMachine } from './lib/quiet.js';
import { judge, machine, table, type Figure } from './lib/report.js';
import { endToEnd, httpAppend, httpBreakdown, observabilityCost } from './scenarios/http.js';
import { rebuild } from './scenarios/rebuild.js';
import { relay } from './scenarios/relay.js';
import { storeAppend, type BenchContext } from './scenarios/store-append.js';
import { busyStream, longStreams } from './scenarios/streams.js';

const SCENARIOS: Record<string, (context: BenchContext, pool: Pool) => Promise<Figure[]>> = {
  'store-append': storeAppend,
  'http-append': httpAppend,
  'end-to-end': endToEnd,
  relay,
  rebuild,
  'long-streams': longStreams,
  'busy-stream': busyStream,
  'observability-cost': observabilityCost,
  'http-breakdown': httpBreakdown,
};

const usage = `npm run bench [-- --quick] [-- --only ${Object.keys(SCENARIOS).join(',')}]`;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : Object.keys(SCENARIOS);
const unknown = only.filter((name) => !(name in SCENARIOS));
if (unknown.length || args.some((a, i) => a.startsWith('--') && !['--quick', '--only'].includes(a) && args[i - 1] !== '--only')) {
  console.error(`Unknown scenario or option. Usage: ${usage}`);
  process.exit(2);
}

const context: BenchContext = { quick, databaseUrl: config.databaseUrl, log: (line) => console.log(`  ${line}`) };
const started = new Date();
const figures: Figure[] = [];
// A scenario that fails is reported as such, and the others still run and are written.
const failures: { scenario: string; error: string }[] = [];
let info: Record<string, unknown> = {};
for (const name of only) {
  console.log(`${name}${quick ? ' (quick)' : ''}`);
  const pool = await resetDatabase(context.databaseUrl);
  try {
    if (!Object.keys(info).length) info = await machine(pool, config.elasticsearchUrl, process.env['KAFKA_VERSION'] ?? 'unknown');
    const quiet = await quietMachine();
    context.log(`machine quiet after ${quiet.seconds.toFixed(0)} s (${(quiet.busy * 100).toFixed(0)}% busy)`);
    figures.push(...(await SCENARIOS[name]!(context, pool)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failures.push({ scenario: name, error: message });
    context.log(`FAILED: ${message}`);
  } finally {
    await pool.end();
  }
}

const judged = figures.map(judge);
console.log(`\n${table(judged)}\n`);
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`;
const seconds = (Date.now() - started.getTime()) / 1000;
writeFileSync(file, `${JSON.stringify({ startedAt: started.toISOString(), seconds, quick, scenarios: only, machine: info, figures: judged, failures }, null, 2)}\n`);
console.log(`${judged.length} figures in ${Math.round(seconds)} s; written to ${file}`);
for (const f of failures) console.log(`scenario ${f.scenario} FAILED: ${f.error}`);
if (failures.length) process.exitCode = 1;
