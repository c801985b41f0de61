import { accountStreamId, orderStreamId, type EventActor, type EventEnvelope, type KnownEvent, type AppendMetadata, type OrderCreated } from '#events';
import { accountDecider, DomainError, orderDecider, paymentWorkflow, type Actor, type Payment, type PaymentInput, type PaymentSend } from '#domain';
import type { CommandResult, EventStore, Workflow } from '#eventsourcing';
import type { Principal } from '#infra/auth/principal';
import { nameBasedUuid } from '#infra/ids/name-based-uuid';
import type { WritePath } from '#infra/nest/write-path';
import { sagaRefunds } from './payment-saga.metrics.js';
import type { PaymentSagas } from './payment-saga.repository.js';

/** An event the event store does not hold (another environment's, or forged): the saga does not act on it. */
export class UnknownEventError extends Error {
  override name = 'UnknownEventError';
}

/** Who the saga acts as: the payment service's identity at the identity provider. */
export interface SagaIdentity {
  principal(): Promise<Principal>;
}

/** How often a saga command is decided again after losing a race with another writer. */
const MAX_ATTEMPTS = 20;

/**
 * Runs the payment workflow: loads the saga's state, lets the workflow decide, sends each
 * command through the same write path as command-api, and feeds each outcome back in until
 * nothing more is due. The state is saved after each input's commands went through, so a crash
 * in between sends them again, which changes nothing: the workflow's commands happen once, and
 * their events get ids derived from the order and the step (event ids are unique in the store).
 */
export class PaymentSagaRunner {
  constructor(
    private readonly sagas: PaymentSagas,
    private readonly writes: WritePath,
    private readonly store: EventStore,
    private readonly timeoutMs: number,
    private readonly identity: SagaIdentity,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The workflow acting as the payment service, and the actor its events record. */
  private async acting(): Promise<{ workflow: Workflow<PaymentInput, Payment, PaymentSend>; actor: EventActor }> {
    const { subject, client, roles } = await this.identity.principal();
    const actor: Actor = { subject, roles };
    return { workflow: paymentWorkflow(this.timeoutMs, actor), actor: { subject, client } };
  }

  /** An order event, as the saga's consumer receives it. */
  async handle(event: EventEnvelope<KnownEvent>): Promise<void> {
    if (event.type !== 'OrderCreated' && event.type !== 'OrderCancelled') return;
    await this.assertStored(event);
    const acting = await this.acting();
    const metadata: AppendMetadata = { correlationId: event.metadata.correlationId, causationId: event.eventId, actor: acting.actor };
    const at = this.now().toISOString();
    if (event.type === 'OrderCreated') {
      const order = (event as EventEnvelope<OrderCreated>).data;
      await this.run(acting.workflow, order.orderId, { type: 'OrderCreated', order, at }, metadata);
    } else if (event.type === 'OrderCancelled') {
      const { orderId } = event.data as { orderId: string };
      await this.run(acting.workflow, orderId, { type: 'OrderCancelled', orderId, at }, metadata);
    }
  }

  /** The saga moves money only on events the event store holds, as they were stored. */
  private async assertStored(event: EventEnvelope<KnownEvent>): Promise<void> {
    const [stored] = await this.store.readStream(event.streamId, event.streamRevision);
    if (stored?.eventId !== event.eventId || stored.streamRevision !== event.streamRevision || stored.type !== event.type) {
      throw new UnknownEventError(`${event.type} ${event.eventId} at ${event.streamId}@${event.streamRevision} is not in the event store`);
    }
  }

  /** Times out the orders whose payment is overdue; returns how many it looked at. */
  async cancelOverdue(): Promise<number> {
    const now = this.now();
    const overdue = await this.sagas.overdue(now);
    if (!overdue.length) return 0;
    const { workflow, actor } = await this.acting();
    for (const orderId of overdue) {
      await this.run(workflow, orderId, { type: 'PaymentOverdue', orderId, at: now.toISOString() }, { correlationId: orderId, causationId: null, actor });
    }
    return overdue.length;
  }

  private async run(workflow: Workflow<PaymentInput, Payment, PaymentSend>, orderId: string, first: PaymentInput, metadata: AppendMetadata): Promise<void> {
    let state = await this.sagas.load(orderId);
    const inputs = [first];
    for (let input = inputs.shift(); input; input = inputs.shift()) {
      const sends = workflow.decide(input, state);
      for (const send of sends) inputs.push(await this.send(orderId, send, metadata));
      const next = workflow.evolve(state, input);
      if (next !== state) await this.sagas.save(next);
      state = next;
    }
  }

  /** Sends one command and says how it went, as the workflow's next input. */
  private async send(orderId: string, send: PaymentSend, metadata: AppendMetadata): Promise<PaymentInput> {
    const options = { metadata, maxAttempts: MAX_ATTEMPTS, newEventId: (i: number) => nameBasedUuid(`ledger:saga:${orderId}:${send.step}:${i}`) };
    const at = this.now().toISOString();
    try {
      const result: CommandResult =
        send.to === 'account'
          ? await this.writes.handle(accountDecider, accountStreamId(send.command.data.accountId), send.command, options)
          : await this.writes.handle(orderDecider, orderStreamId(send.command.data.orderId), send.command, options);
      if (send.step === 'refund' && result.appended > 0) sagaRefunds.inc();
      return { type: 'Done', step: send.step, appended: result.appended, at };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { type: 'Refused', step: send.step, code: error.code, at };
    }
  }
}
