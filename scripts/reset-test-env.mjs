// Makes a test run hermetic: recreates the test database and deletes the event topics, so the
// relay, the projector and every consumer group start from an empty log.
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
const topics = (await kadmin.listTopics()).filter((t) => t.startsWith('events.'));
if (topics.length) await kadmin.deleteTopics({ topics, timeout: 30000 });
await kadmin.disconnect();
console.log(`reset ${database}; deleted ${topics.length} topic(s)`);
