/**
 * Runs every owed effect of one record, each on its own: one that fails never stops the others
 * (each send is keyed, so a retry repeats none of those that went out). Resolves to their outcomes;
 * when any failed, throws `fail(failed, { cause })`, so that the record is retried for what it
 * still owes.
 */
export async function tryEvery<Effect extends string, Outcome>(
  owed: readonly Effect[],
  run: (effect: Effect) => Promise<Outcome>,
  fail: (failed: Effect[], options: { cause: unknown }) => Error,
): Promise<Partial<Record<Effect, Outcome>>> {
  const settled = await Promise.allSettled(owed.map(run));
  const outcomes: Partial<Record<Effect, Outcome>> = {};
  const failed: Effect[] = [];
  const errors: unknown[] = [];
  settled.forEach((result, index) => {
    const effect = owed[index];
    if (effect === undefined) return;
    if (result.status === 'fulfilled') outcomes[effect] = result.value;
    else {
      failed.push(effect);
      errors.push(result.reason);
    }
  });
  if (failed.length > 0) throw fail(failed, { cause: errors.length === 1 ? errors[0] : new AggregateError(errors) });
  return outcomes;
}
