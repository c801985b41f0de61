import type { EventEnvelope } from './envelope.js';

/** Turns the payload of `type` at `fromVersion` into the payload at `fromVersion + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly upcast: (data: unknown) => unknown;
}

/**
 * Every stored shape stays readable: an envelope is upcast one version at a time until it reaches
 * `currentVersion`.
 */
export class UpcasterChain {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[]) {
    for (const u of upcasters) this.byKey.set(`${u.type}@${u.fromVersion}`, u);
  }

  upcast(envelope: EventEnvelope, currentVersion: number): EventEnvelope {
    let { data, schemaVersion } = envelope;
    while (schemaVersion < currentVersion) {
      const step = this.byKey.get(`${envelope.type}@${schemaVersion}`);
      if (!step) throw new Error(`No upcaster for ${envelope.type} from schema version ${schemaVersion}`);
      data = step.upcast(data);
      schemaVersion += 1;
    }
    return schemaVersion === envelope.schemaVersion ? envelope : { ...envelope, data, schemaVersion };
  }
}

export const UPCASTERS: readonly Upcaster[] = [
  // Schema 2 records the account's owner; accounts opened before have none (no customer may act on them).
  { type: 'AccountOpened', fromVersion: 1, upcast: (data) => ({ ...(data as object), ownerId: null }) },
];
