// Readiness: an open port is not enough; wait for a successful admin round trip.
import kafkajs from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const deadline = Date.now() + Number(process.env.WAIT_MS ?? 60000);
const kafka = new kafkajs.Kafka({ clientId: 'readiness', brokers, logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 } });
for (;;) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    await admin.fetchTopicMetadata({ topics: [] });
    await admin.disconnect();
    process.exit(0);
  } catch {
    await admin.disconnect().catch(() => {});
    if (Date.now() > deadline) process.exit(1);
    await new Promise((r) => setTimeout(r, 500));
  }
}
