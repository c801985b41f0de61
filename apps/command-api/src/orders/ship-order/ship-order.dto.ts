/** Shipping takes no fields; unknown ones are still refused. */
export class ShipOrderDto {}
