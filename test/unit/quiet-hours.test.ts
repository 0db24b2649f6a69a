import { describe, expect, it } from '@jest/globals';
import { isWithinSendingHours } from '../../shared/domain/quiet-hours.js';

describe('isWithinSendingHours', () => {
  it('opens at 08:00 and closes at 21:00 local time', () => {
    expect(isWithinSendingHours(new Date('2026-07-01T11:59:00Z'), 'America/New_York')).toBe(false); // 07:59 EDT
    expect(isWithinSendingHours(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(true); // 08:00 EDT
    expect(isWithinSendingHours(new Date('2026-07-02T00:59:00Z'), 'America/New_York')).toBe(true); // 20:59 EDT
    expect(isWithinSendingHours(new Date('2026-07-02T01:00:00Z'), 'America/New_York')).toBe(false); // 21:00 EDT
  });

  it('follows daylight-saving time', () => {
    // 12:30 UTC is 08:30 EDT in July but 07:30 EST in January.
    expect(isWithinSendingHours(new Date('2026-07-01T12:30:00Z'), 'America/New_York')).toBe(true);
    expect(isWithinSendingHours(new Date('2026-01-15T12:30:00Z'), 'America/New_York')).toBe(false);
  });

  it('needs the window to hold from New York to Los Angeles when the zone is unknown', () => {
    // 16:00 UTC in January: 11:00 in New York, 08:00 in Los Angeles.
    expect(isWithinSendingHours(new Date('2026-01-15T16:00:00Z'), undefined)).toBe(true);
    expect(isWithinSendingHours(new Date('2026-01-15T15:59:00Z'), undefined)).toBe(false);
    // 01:30 UTC: 17:30 in Los Angeles but 20:30 in New York, still open; 02:00 UTC closes New York.
    expect(isWithinSendingHours(new Date('2026-01-16T01:30:00Z'), undefined)).toBe(true);
    expect(isWithinSendingHours(new Date('2026-01-16T02:00:00Z'), undefined)).toBe(false);
  });

  it('treats an unknown zone name as unknown', () => {
    expect(isWithinSendingHours(new Date('2026-01-15T15:59:00Z'), 'Mars/Olympus')).toBe(false);
  });
});
