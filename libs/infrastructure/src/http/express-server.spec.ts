import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, HttpCode, Module, Post, Req, Res, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express, Request, Response } from 'express';
import { ExpressServerAdapter } from './express-server.js';

@Controller()
class EchoController {
  @Post('echo/:id')
  @HttpCode(201)
  echo(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown): unknown {
    res.setHeader('x-echo', req.params['id'] ?? '');
    return {
      body,
      id: req.params['id'],
      protocol: req.protocol,
      contentType: req.get('content-type'),
      requestIsNodes: req instanceof http.IncomingMessage,
      responseIsNodes: res instanceof http.ServerResponse,
      appsPrototypes: Object.getPrototypeOf(req) === (req.app as Express).request && Object.getPrototypeOf(res) === (req.app as Express).response,
    };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** Starts the app on a free port; records, before Express sees it, whether each request already had the app's prototype. */
const start = async (adapter: ExpressAdapter): Promise<{ app: INestApplication; url: string; seen: boolean[] }> => {
  const app = await NestFactory.create(EchoModule, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as http.Server;
  const express = app.getHttpAdapter().getInstance() as Express;
  const seen: boolean[] = [];
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    seen.push(Object.getPrototypeOf(req) === express.request && Object.getPrototypeOf(res) === express.response);
  });
  return { app, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
};

const echo = async (url: string): Promise<{ status: number; header: string | null; body: unknown }> => {
  const response = await fetch(`${url}/echo/42`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 5 }) });
  return { status: response.status, header: response.headers.get('x-echo'), body: await response.json() };
};

describe('ExpressServerAdapter', () => {
  it('has Node build each request and response with the app\'s own prototypes, so Express has none to change, and Express and Nest work as before', async () => {
    const { app, url, seen } = await start(new ExpressServerAdapter());
    try {
      expect(await echo(url)).toEqual({
        status: 201,
        header: '42',
        body: { body: { amount: 5 }, id: '42', protocol: 'http', contentType: 'application/json', requestIsNodes: true, responseIsNodes: true, appsPrototypes: true },
      });
      expect(seen).toEqual([true]);
    } finally {
      await app.close();
    }
  });

  it('(the control) with Nest\'s own adapter, Express changes each request\'s prototype as it comes in', async () => {
    const { app, url, seen } = await start(new ExpressAdapter());
    try {
      expect((await echo(url)).body).toMatchObject({ appsPrototypes: true });
      expect(seen).toEqual([false]);
    } finally {
      await app.close();
    }
  });
});
