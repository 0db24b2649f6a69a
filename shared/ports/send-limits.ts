/**
 * Caps on what anonymous requests can make us send (SPEC §3 "Abuse limits"). Each send that takes
 * a slot names its dedupe key, so a redelivered send takes the slot it already has, not a second.
 */
export interface SendLimits {
  /** At most one send per `windowSeconds` under `name` (sliding); false when one went out within it. */
  takeOnly(name: string, dedupeKey: string, windowSeconds: number, at: Date): Promise<boolean>;
  /** Gives back the slot `dedupeKey` took with `takeOnly`, when a later cap held the send back. */
  releaseOnly(name: string, dedupeKey: string): Promise<void>;
  /** At most `limit` sends under `name` in the current fixed window of `windowSeconds`; false when full. */
  takeSlot(name: string, dedupeKey: string, limit: number, windowSeconds: number, at: Date): Promise<boolean>;
  /**
   * `takeSlot` and then `takeOnly` as one: both are taken, or neither (false) when either is full.
   * One round trip where the two in turn are two.
   */
  takeSlotAndOnly(
    slot: { name: string; limit: number; windowSeconds: number },
    only: { name: string; windowSeconds: number },
    dedupeKey: string,
    at: Date,
  ): Promise<boolean>;
  /**
   * One unit of a large budget (the deployment's daily SMS budget) per window: a counter, not a set,
   * so a redelivered send may count twice; the cap errs on the side of sending less.
   */
  takeBudget(name: string, limit: number, windowSeconds: number, at: Date): Promise<boolean>;
}
