// Makes a test run hermetic: recreates the test database and deletes the event topics, so the
// relay, the projector and every consumer group start from an empty log, and deletes the test
// run's search indices.
import pg from 'pg';
import kafkajs from 'kafkajs';

const url = new URL(process.env.DATABASE_URL);
const database = url.pathname.slice(1);
if (!/_test$/.test(database)) throw new Error(`Refusing to reset "${database}": not a *_test database`);
const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
await admin.query(`CREATE DATABASE "${database}"`);
await admin.end();

const kafka = new kafkajs.Kafka({
  clientId: 'test-reset',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: kafkajs.logLevel.ERROR,
});
const kadmin = kafka.admin();
await kadmin.connect();
// Only this environment's event topics (KAFKA_TOPIC_PREFIX): other stacks on the broker keep theirs.
const topics = (await kadmin.listTopics()).filter((t) => t.startsWith(`${process.env.KAFKA_TOPIC_PREFIX ?? ''}events.`));
if (topics.length) await kadmin.deleteTopics({ topics, timeout: 30000 });
await kadmin.disconnect();

// The test run's search indices (behind ORDER_SEARCH_ALIAS), deleted by name.
const es = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const alias = process.env.ORDER_SEARCH_ALIAS;
let indices = [];
if (alias) {
  const found = await fetch(`${es}/${alias}-*?allow_no_indices=true&ignore_unavailable=true`);
  if (!found.ok) throw new Error(`Elasticsearch answered ${found.status} listing ${alias}-*`);
  indices = Object.keys(await found.json());
  if (indices.length) {
    const deleted = await fetch(`${es}/${indices.join(',')}`, { method: 'DELETE' });
    if (!deleted.ok) throw new Error(`Elasticsearch answered ${deleted.status} deleting ${indices.join(',')}`);
  }
}
console.log(`reset ${database}; deleted ${topics.length} topic(s) and ${indices.length} search index(es)`);
