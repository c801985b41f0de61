/** A stream's folded state at a revision, kept beside the stream so a long stream is not read from its start. */
export interface Snapshot {
  readonly streamId: string;
  readonly revision: number;
  /** Global position of the event at `revision`. */
  readonly position: string;
  /** The state as the decider's `snapshot.toJson` made it. */
  readonly state: unknown;
  /** The decider's `snapshot.version` when it was taken. */
  readonly stateVersion: number;
}

/** Where snapshots are kept. A snapshot is only ever a shortcut: the events stay the truth. */
export interface SnapshotStore {
  /** The stream's latest snapshot, of whatever version; null when it has none. */
  load(streamId: string): Promise<Snapshot | null>;
  /** Keeps the snapshot unless one of the same version at a later revision is kept already. */
  save(snapshot: Snapshot): Promise<void>;
}
