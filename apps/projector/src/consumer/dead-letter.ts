import { deadLetterTopic } from '#events';
import type { KafkaMessage, Producer } from 'kafkajs';

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly error: Error;
}

/** Sends the original record to `<topic>.dlq`, with why and where it came from in the headers. */
export const sendToDeadLetterTopic = async (producer: Producer, projection: string, letters: readonly DeadLetter[]): Promise<void> => {
  if (!letters.length) return;
  const byTopic = new Map<string, DeadLetter[]>();
  for (const l of letters) byTopic.set(l.topic, [...(byTopic.get(l.topic) ?? []), l]);
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, list]) => ({
      topic: deadLetterTopic(topic),
      messages: list.map(({ partition, message, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          'dlq-error': error.message.slice(0, 2000),
          'dlq-error-type': error.name,
          'dlq-original-topic': topic,
          'dlq-original-partition': String(partition),
          'dlq-original-offset': message.offset,
          'dlq-projection': projection,
          'dlq-at': new Date().toISOString(),
        },
      })),
    })),
  });
};
