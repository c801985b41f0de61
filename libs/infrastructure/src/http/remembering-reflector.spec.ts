import { Controller, Post, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

type Targets = Parameters<Reflector['getAllAndOverride']>[1];
import { RememberingReflector } from './remembering-reflector.js';

const LIMIT = 'limit-key';
const SKIP = 'skip-key';

class BaseController {
  @Post('deposits')
  @SetMetadata(LIMIT, 5)
  deposit(): void {}

  @Post('withdrawals')
  withdraw(): void {}
}

@Controller('accounts')
@SetMetadata(LIMIT, 50)
@SetMetadata(SKIP, true)
class AccountsController extends BaseController {}

@Controller('orders')
@SetMetadata(LIMIT, 70)
class OrdersController extends BaseController {}

const targets = (owner: Targets[number], handler: 'deposit' | 'withdraw'): Targets => [BaseController.prototype[handler], owner];

describe("the rate-limit guard's reflector", () => {
  it('answers as the plain reflector does: the handler first, then its class, undefined when neither says', () => {
    const plain = new Reflector();
    const remembering = new RememberingReflector();
    for (const owner of [AccountsController, OrdersController]) {
      for (const handler of ['deposit', 'withdraw'] as const) {
        for (const key of [LIMIT, SKIP, 'absent']) {
          // Twice: the second answer is the remembered one.
          expect(remembering.getAllAndOverride(key, targets(owner, handler))).toEqual(plain.getAllAndOverride(key, targets(owner, handler)));
          expect(remembering.getAllAndOverride(key, targets(owner, handler))).toEqual(plain.getAllAndOverride(key, targets(owner, handler)));
        }
      }
    }
    expect(remembering.getAllAndOverride(LIMIT, targets(AccountsController, 'deposit'))).toBe(5);
    expect(remembering.getAllAndOverride(LIMIT, targets(AccountsController, 'withdraw'))).toBe(50);
    expect(remembering.getAllAndOverride(LIMIT, targets(OrdersController, 'withdraw'))).toBe(70);
    expect(remembering.getAllAndOverride(SKIP, targets(OrdersController, 'withdraw'))).toBeUndefined();
  });

  it('looks a key up once per handler and class, and answers from memory after', () => {
    class Later {
      handle(): void {}
    }
    const remembering = new RememberingReflector();
    expect(remembering.getAllAndOverride('later', [Later.prototype.handle, Later])).toBeUndefined();
    Reflect.defineMetadata('later', 'set after the first request', Later);
    expect(new Reflector().getAllAndOverride('later', [Later.prototype.handle, Later])).toBe('set after the first request');
    expect(remembering.getAllAndOverride('later', [Later.prototype.handle, Later])).toBeUndefined();
  });
});
