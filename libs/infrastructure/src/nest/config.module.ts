import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Config } from '../config/config.js';

/** Injection token of the process's Config, parsed once at start. */
export const CONFIG = Symbol('CONFIG');

/** Provides the configuration the process started with to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: Config): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] };
  }
}
