import { describe, expect, it } from '@jest/globals';
import { tryEvery } from '../../shared/domain/sending/try-every.js';

class EffectsFailed extends Error {
  constructor(
    readonly failed: string[],
    options: { cause: unknown },
  ) {
    super(`failed: ${failed.join(', ')}`, options);
  }
}
const fail = (failed: string[], options: { cause: unknown }) => new EffectsFailed(failed, options);

describe('tryEvery', () => {
  it('runs every effect and gives each outcome when none fails', async () => {
    await expect(tryEvery(['a', 'b'], async (effect) => `${effect} sent`, fail)).resolves.toEqual({
      a: 'a sent',
      b: 'b sent',
    });
  });

  it('still runs the others when one fails, then throws naming it, with its error as the cause', async () => {
    // Arrange
    const ran: string[] = [];
    const boom = new Error('SES throttled');
    // Act
    const result = tryEvery(
      ['a', 'b', 'c'],
      async (effect) => {
        ran.push(effect);
        if (effect === 'b') throw boom;
        return effect;
      },
      fail,
    );
    // Assert
    await expect(result).rejects.toMatchObject({ failed: ['b'], cause: boom });
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('gathers several failures into one AggregateError cause', async () => {
    const result = tryEvery(
      ['a', 'b'],
      async (effect) => {
        throw new Error(effect);
      },
      fail,
    );
    await expect(result).rejects.toMatchObject({ failed: ['a', 'b'], cause: expect.any(AggregateError) });
  });
});
