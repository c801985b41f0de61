import { randomBytes } from 'node:crypto';
import { baseUrl, waitUntil } from './support/apps.js';
import { get, post } from './support/http.js';
import { Stack } from './support/stack.js';
import { bearer } from './support/tokens.js';

// Zipkin from the local stack (`npm run infra:up`, or `bash docker/local/infra.sh up zipkin`).
const ZIPKIN = process.env['ZIPKIN_URL'] ?? 'http://127.0.0.1:9411';

interface ZipkinSpan {
  readonly traceId: string;
  readonly id: string;
  readonly parentId?: string;
  readonly name?: string;
  readonly kind?: string;
  readonly localEndpoint?: { readonly serviceName?: string };
  readonly tags?: Record<string, string>;
}

const traceOf = async (traceId: string): Promise<ZipkinSpan[]> => {
  const response = await fetch(`${ZIPKIN}/api/v2/trace/${traceId}`);
  return response.ok ? ((await response.json()) as ZipkinSpan[]) : [];
};

const service = (span: ZipkinSpan): string | undefined => span.localEndpoint?.serviceName;
// Zipkin keeps span names in lower case.
const named = (spans: readonly ZipkinSpan[], app: string, name: string): ZipkinSpan[] => spans.filter((s) => service(s) === app && s.name === name.toLowerCase());

describe('One trace per request, from HTTP through the relay and Kafka into the projector and the saga', () => {
  const stack = new Stack({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${ZIPKIN}/api/v2/spans` });
  beforeAll(async () => {
    const health = await fetch(`${ZIPKIN}/health`).catch(() => null);
    if (!health?.ok) throw new Error(`Zipkin does not answer on ${ZIPKIN}: start it with \`bash docker/local/infra.sh up zipkin\``);
    await stack.start();
  }, 120_000);
  afterAll(() => stack.stop(), 60_000);

  it('records an order, its projections, the saga paying it and a read of it in one trace', async () => {
    const opened = await post<{ accountId: string }>('command-api', '/accounts', { ownerName: 'Trace Tester', currency: 'EUR' });
    expect(opened.status).toBe(201);
    const { accountId } = opened.body;
    expect((await post('command-api', `/accounts/${accountId}/deposits`, { amount: 5_000, currency: 'EUR' })).status).toBe(201);

    // The client starts the trace: every span of this order is in it.
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const created = await fetch(`${baseUrl('command-api')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent, ...(await bearer('alice')) },
      body: JSON.stringify({ accountId, currency: 'EUR', items: [{ sku: 'TR-1', name: 'Traced book', quantity: 1, unitPrice: 1_200 }] }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('traceresponse')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    const { orderId, streamId, revision } = (await created.json()) as { orderId: string; streamId: string; revision: number };

    const read = await get<{ paymentStatus?: string }>('query-api', `/orders/${orderId}`, { traceparent, 'X-Consistency-Token': `${streamId}@${revision}` });
    expect(read.status).toBe(200);
    await waitUntil(async () => (await get<{ paymentStatus?: string }>('query-api', `/orders/${orderId}`)).body.paymentStatus === 'paid', 30_000, `order ${orderId} to be paid`);

    // Spans reach Zipkin in batches (every few seconds per process).
    let spans: ZipkinSpan[] = [];
    const complete = (): boolean =>
      named(spans, 'command-api', 'handleCommand CreateOrder').length === 1 &&
      named(spans, 'projector', 'handleCommand WithdrawMoney').length === 1 &&
      named(spans, 'projector', 'handleCommand MarkOrderPaid').length === 1 &&
      named(spans, 'projector', 'apply account-statement').length >= 1 &&
      // The relay's sends of the three events (order created, withdrawn, order paid): each app
      // exports its spans in its own batches, so a child can reach Zipkin before its parent.
      spans.filter((s) => s.kind === 'PRODUCER' && service(s) === 'command-api').length >= 3 &&
      spans.some((s) => service(s) === 'query-api' && s.kind === 'SERVER');
    await waitUntil(async () => {
      spans = await traceOf(traceId);
      return complete();
    }, 60_000, `the trace ${traceId} in Zipkin`).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; it has: ${[...new Set(spans.map((s) => `${service(s)}: ${s.name}`))].sort().join(', ')}`);
    });

    const byId = new Map(spans.map((s) => [s.id, s]));
    const parentOf = (span: ZipkinSpan): ZipkinSpan | undefined => (span.parentId ? byId.get(span.parentId) : undefined);
    const ancestors = (span: ZipkinSpan): ZipkinSpan[] => {
      const parent = parentOf(span);
      return parent ? [parent, ...ancestors(parent)] : [];
    };
    const one = (app: string, name: string): ZipkinSpan => {
      const found = named(spans, app, name);
      expect({ app, name, count: found.length }).toEqual({ app, name, count: 1 });
      return found[0]!;
    };

    expect(new Set(spans.map(service))).toEqual(new Set(['command-api', 'projector', 'query-api']));
    // command-api: HTTP → the handler → handleCommand → the append (and its SQL).
    const createOrder = one('command-api', 'handleCommand CreateOrder');
    const server = ancestors(createOrder).find((s) => s.kind === 'SERVER' && service(s) === 'command-api');
    // Named by its route, which the handler's interceptor gives the HTTP instrumentation.
    expect({ name: server?.name, route: server?.tags?.['http.route'] }).toEqual({ name: 'post /orders', route: '/orders' });
    const append = spans.find((s) => s.name === 'append' && parentOf(s) === createOrder);
    expect(append).toBeDefined();
    // instrumentation-pg patched pg: the append's SQL is PostgreSQL client spans under it. (pg is
    // CommonJS, so it is patched as it is required, with or without the ESM hook.)
    const appendSql = spans.filter((s) => ancestors(s).includes(append!) && s.kind === 'CLIENT' && s.name?.startsWith('pg.query'));
    expect(appendSql.map((s) => ({ app: service(s), system: s.tags?.['db.system.name'] ?? s.tags?.['db.system'] }))).toContainEqual({ app: 'command-api', system: 'postgresql' });
    // The relay's produce is the child of the command that appended the event; each read model's apply, of the produce.
    const orderSent = spans.filter((s) => s.kind === 'PRODUCER' && parentOf(s) === createOrder);
    expect(orderSent).toHaveLength(1);
    const applied = spans.filter((s) => service(s) === 'projector' && s.name?.startsWith('apply ') && parentOf(s) === orderSent[0]);
    expect(applied.map((s) => s.name).sort()).toEqual(expect.arrayContaining(['apply order-history', 'apply order-search', 'apply payment-saga']));
    // The saga's commands continue from its apply span, and their own appends carry the trace on.
    const sagaApply = applied.find((s) => s.name === 'apply payment-saga')!;
    const withdraw = one('projector', 'handleCommand WithdrawMoney');
    expect(ancestors(withdraw)).toContain(sagaApply);
    expect(spans.some((s) => s.name === 'append' && service(s) === 'projector' && parentOf(s) === withdraw)).toBe(true);
    const withdrawalSent = spans.find((s) => s.kind === 'PRODUCER' && service(s) === 'command-api' && parentOf(s) === withdraw);
    expect(withdrawalSent).toBeDefined();
    expect(spans.some((s) => s.name === 'apply account-statement' && parentOf(s) === withdrawalSent)).toBe(true);
    // The read in the same trace, named by its route's template, not by the order's id.
    expect(spans.filter((s) => service(s) === 'query-api' && s.kind === 'SERVER').map((s) => s.name)).toContain('get /orders/:id');
  }, 150_000);
});
