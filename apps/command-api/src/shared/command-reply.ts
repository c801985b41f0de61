import type { CommandResult } from '#eventsourcing';

/** What a command answers: where its stream is now, for If-Match and X-Consistency-Token. */
export interface CommandReply {
  readonly streamId: string;
  readonly revision: number | null;
  readonly position: string | null;
}

export const commandReply = ({ streamId, revision, position }: CommandResult): CommandReply => ({ streamId, revision, position });
