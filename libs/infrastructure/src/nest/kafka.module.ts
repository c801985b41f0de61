import { Global, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Config } from '../config/config.js';
import { createKafka } from '../kafka/kafka.js';
import { CONFIG } from './config.module.js';

export const KAFKA = Symbol('KAFKA');

/** The process's Kafka client (clients connect their producers and consumers themselves). Needs ConfigModule. */
@Global()
@Module({
  providers: [{ provide: KAFKA, inject: [CONFIG], useFactory: (config: Config): Kafka => createKafka(config) }],
  exports: [KAFKA],
})
export class KafkaModule {}
