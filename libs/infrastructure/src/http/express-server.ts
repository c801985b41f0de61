import http from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/** A subclass of Node's `base` whose instances inherit from `prototype` (an Express app's `request` or `response`). */
const inheriting = <T extends typeof http.IncomingMessage | typeof http.ServerResponse>(base: T, prototype: object): T => {
  const Subclass = class extends (base as typeof http.IncomingMessage) {} as unknown as T;
  Object.setPrototypeOf(Subclass.prototype, prototype);
  return Subclass;
};

/**
 * Express's HTTP server for Nest, with one difference: Node builds each request and response as
 * an instance of a class whose prototype Express then takes as the app's `request` and
 * `response`. Express gives every request and response its app's prototypes as they come in
 * (`Object.setPrototypeOf` in `app.handle`); changing the prototype of an object that already has
 * its properties turns it into a slow, dictionary-mode object in V8, which cost a large share of
 * the apps' CPU and left part of every request to a full collection (see the README's benchmark
 * notes). With the prototype already in place, that call changes nothing.
 *
 * HTTPS, `return503OnClosing` and `forceCloseConnections` are left to Nest's own adapter.
 */
export class ExpressServerAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions || options.return503OnClosing || options.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Express>();
    const IncomingMessage = inheriting(http.IncomingMessage, app.request);
    const ServerResponse = inheriting(http.ServerResponse, app.response);
    app.request = IncomingMessage.prototype as Express['request'];
    app.response = ServerResponse.prototype as Express['response'];
    this.httpServer = http.createServer({ IncomingMessage, ServerResponse }, app);
  }
}
