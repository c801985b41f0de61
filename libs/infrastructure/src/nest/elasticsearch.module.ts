import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Config } from '../config/config.js';
import { createElasticsearch, type Elasticsearch } from '../elasticsearch/elasticsearch.js';
import { CONFIG } from './config.module.js';

export const ELASTICSEARCH = Symbol('ELASTICSEARCH');

/** One Elasticsearch client per process, closed on shutdown; `requestTimeoutMs` from the app's needs. Needs ConfigModule. */
@Global()
@Module({})
export class ElasticsearchModule implements OnApplicationShutdown {
  constructor(@Inject(ELASTICSEARCH) private readonly es: Elasticsearch) {}

  static forRoot(requestTimeoutMs: (config: Config) => number): DynamicModule {
    return {
      module: ElasticsearchModule,
      providers: [{ provide: ELASTICSEARCH, inject: [CONFIG], useFactory: (config: Config) => createElasticsearch(config.elasticsearchUrl, requestTimeoutMs(config)) }],
      exports: [ELASTICSEARCH],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.es.close();
  }
}
