import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orderStreamId } from '#events';
import { orderDecider } from '#domain';
import type { CommandResult } from '#eventsourcing';
import { WritePath } from '#infra/nest/write-path';
import { decidedNow, type CommandContext } from '../../shared/command-context.js';
import type { CreateOrderDto } from './create-order.dto.js';

export class CreateOrder {
  constructor(
    readonly orderId: string,
    readonly body: CreateOrderDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(CreateOrder)
export class CreateOrderHandler implements ICommandHandler<CreateOrder, CommandResult> {
  constructor(private readonly writes: WritePath) {}

  execute({ orderId, body: { customerId, accountId, currency, items }, context }: CreateOrder): Promise<CommandResult> {
    const data = { orderId, customerId, accountId, currency, items };
    return this.writes.handle(orderDecider, orderStreamId(orderId), { type: 'CreateOrder', data, metadata: decidedNow() }, context);
  }
}
