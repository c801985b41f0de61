import { encodeEnvelope, topicForStream } from '#events';
import type { Message, TopicMessages } from 'kafkajs';
import type { StoredEvent } from '#eventsourcing';

/** The Kafka record of a stored event: key = stream id, value = the envelope, headers repeat it. */
export const toKafkaMessage = (event: StoredEvent): Message => {
  const { logPosition: _position, ...envelope } = event;
  const headers: Record<string, string> = {
    type: envelope.type,
    schemaVersion: String(envelope.schemaVersion),
    eventId: envelope.eventId,
    streamRevision: String(envelope.streamRevision),
  };
  if (envelope.metadata.traceparent) headers['traceparent'] = envelope.metadata.traceparent;
  return { key: envelope.streamId, value: encodeEnvelope(envelope), headers };
};

/** Groups a batch by topic, keeping the store's order within each topic (and so each stream). */
export const toTopicMessages = (events: readonly StoredEvent[]): TopicMessages[] => {
  const byTopic = new Map<string, Message[]>();
  for (const event of events) {
    const topic = topicForStream(event.streamId);
    const messages = byTopic.get(topic) ?? [];
    messages.push(toKafkaMessage(event));
    byTopic.set(topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
};
