import { AppProcess, type AppName } from './apps.js';

/** The three apps as processes, started in dependency order and stopped in reverse. */
export class Stack {
  readonly apps: Record<AppName, AppProcess>;

  constructor(env: Record<string, string> = {}) {
    this.apps = {
      'command-api': new AppProcess('command-api', env),
      projector: new AppProcess('projector', env),
      'query-api': new AppProcess('query-api', env),
    };
  }

  async start(): Promise<void> {
    await this.apps['command-api'].start();
    await this.apps.projector.start();
    await this.apps['query-api'].start();
  }

  async stop(): Promise<void> {
    await this.apps['query-api'].stop();
    await this.apps.projector.stop();
    await this.apps['command-api'].stop();
  }
}
