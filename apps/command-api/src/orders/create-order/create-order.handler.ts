import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { accountStreamId, orderStreamId } from '#events';
import { accountDecider, orderDecider } from '#domain';
import type { CommandResult } from '#eventsourcing';
import { WritePath } from '#infra/nest/write-path';
import { decided, type CommandContext } from '../../shared/command-context.js';
import type { CreateOrderDto } from './create-order.dto.js';

export class CreateOrder {
  constructor(
    readonly orderId: string,
    readonly body: CreateOrderDto,
    readonly context: CommandContext,
  ) {}
}

/**
 * Places an order for the caller. The order decider refuses an account the caller does not own, so
 * the handler looks up the account's owner first (the payment saga checks it again when it pays).
 */
@CommandHandler(CreateOrder)
export class CreateOrderHandler implements ICommandHandler<CreateOrder, CommandResult> {
  constructor(private readonly writes: WritePath) {}

  async execute({ orderId, body: { customerId, accountId, currency, items }, context }: CreateOrder): Promise<CommandResult> {
    const account = await this.writes.stateOf(accountDecider, accountStreamId(accountId));
    const data = {
      orderId,
      customerId: customerId ?? context.actor.subject,
      accountId,
      accountOwnerId: account.status === 'Open' ? account.ownerId : null,
      currency,
      items,
    };
    return this.writes.handle(orderDecider, orderStreamId(orderId), { type: 'CreateOrder', data, metadata: decided(context) }, context);
  }
}
