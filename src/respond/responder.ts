// A responder acts on one attacker address: it blocks it somewhere (a host's nftables set, a
// Sakura packet filter) or tells someone (a webhook). Responders do no policy: the response
// service (service.ts) decides whether, when and in which mode; it records every action and
// calls `undo` when a person asks or the action expires. `apply` returns what `undo` needs.

export interface ResponseTarget {
  /** The action's id: tags and undo find the action's own changes with it. */
  actionId: string;
  ip: string;
  findingId: string;
  findingType: string;
  /** Unix ms; the block lifts itself (nftables timeout) or is removed by the sweep after it. */
  expiresAtMs: number;
  durationSeconds: number;
}

/** JSON-able state an action keeps for undo and rollback (e.g. the packet filter's previous rules). */
export type UndoState = Record<string, unknown>;

export interface Responder {
  readonly name: string;
  readonly kind: string;
  /** One sentence: what apply would do (dry-run output, approval prompts). */
  describe(t: ResponseTarget): string;
  apply(t: ResponseTarget): Promise<UndoState>;
  undo(t: ResponseTarget, state: UndoState): Promise<void>;
}

/** A responder failed in a way a person should read (limit reached, API refused). */
export class RespondError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespondError';
  }
}
