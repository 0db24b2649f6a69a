import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_ALIASES } from '../../infra/bundling.js';
import { EventStreamSerde, eventStreamSerdeProvider } from '../../shared/adapters/no-event-streams.js';

describe('the event-streams stand-in of Lambda bundles', () => {
  it('is what every bundle gets for the SDK event streams, from a file that exists', () => {
    // Arrange
    const target = BUNDLE_ALIASES['@smithy/core/event-streams'];
    // Act
    const exists = target !== undefined && existsSync(join(process.cwd(), target));
    // Assert
    expect(target).toBe('./shared/adapters/no-event-streams.ts');
    expect(exists).toBe(true);
  });

  it('fails loudly, naming itself, if an operation ever needs an event stream', () => {
    expect(() => new EventStreamSerde()).toThrow(/no-event-streams/);
    expect(() => eventStreamSerdeProvider()).toThrow(/Event streams are not bundled/);
  });
});
