import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orderStreamId } from '#events';
import { orderDecider } from '#domain';
import { StreamExecutor, type CommandResult } from '../shared/stream-executor.js';
import { CancelOrderCommand, CreateOrderCommand, ShipOrderCommand } from './order.commands.js';

const now = (): { now: string } => ({ now: new Date().toISOString() });

@CommandHandler(CreateOrderCommand)
export class CreateOrderHandler implements ICommandHandler<CreateOrderCommand, CommandResult> {
  constructor(private readonly executor: StreamExecutor) {}

  execute({ orderId, body, context }: CreateOrderCommand): Promise<CommandResult> {
    const { customerId, accountId, currency, items } = body;
    return this.executor.execute(
      orderDecider,
      orderStreamId(orderId),
      { type: 'CreateOrder', data: { orderId, customerId, accountId, currency, items }, metadata: now() },
      context,
    );
  }
}

@CommandHandler(CancelOrderCommand)
export class CancelOrderHandler implements ICommandHandler<CancelOrderCommand, CommandResult> {
  constructor(private readonly executor: StreamExecutor) {}

  execute({ orderId, body, context }: CancelOrderCommand): Promise<CommandResult> {
    return this.executor.execute(orderDecider, orderStreamId(orderId), { type: 'CancelOrder', data: { orderId, reason: body.reason }, metadata: now() }, context);
  }
}

@CommandHandler(ShipOrderCommand)
export class ShipOrderHandler implements ICommandHandler<ShipOrderCommand, CommandResult> {
  constructor(private readonly executor: StreamExecutor) {}

  execute({ orderId, context }: ShipOrderCommand): Promise<CommandResult> {
    return this.executor.execute(orderDecider, orderStreamId(orderId), { type: 'ShipOrder', data: { orderId }, metadata: now() }, context);
  }
}
